import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';

/** One Web API call (or response_url post) the bot made. */
export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  /** What the fake answered (the sandbox page needs the ts of posted messages). */
  result: Record<string, unknown>;
  at: number;
}

/** Nested fields arrive JSON-encoded in form posts (blocks, view, attachments). */
function decodeArgs(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (typeof v === 'string' && /^[[{]/.test(v)) {
      try {
        out[k] = JSON.parse(v);
        continue;
      } catch {
        // not JSON after all: keep the text
      }
    }
    out[k] = v;
  }
  return out;
}

/**
 * A local stand-in for Slack's Web API: it answers the methods jitbot calls and
 * records every call. The end-to-end tests and the local sandbox both use it;
 * it never talks to Slack.
 */
export class FakeSlackApi {
  /** The workspace this fake plays (`auth.test`); payloads from elsewhere are foreign to the bot. */
  static readonly TEAM_ID = 'T0SANDBOX';
  readonly calls: SlackCall[] = [];
  private readonly groups = new Map<string, string[]>();
  private readonly users = new Map<string, Record<string, unknown>>();
  /** Messages as they stand now (after edits), by ts; thread replies carry their parent's ts. */
  readonly messages = new Map<string, { channel: string; text: string; threadTs?: string }>();
  private server?: Server;
  private nextTs = 1_700_000_000;
  /** Methods made to fail (Slack outages in tests). */
  readonly failing = new Set<string>();
  /**
   * A Slack outage for every method but `auth.test` (tests): an HTTP 503, a 429 with
   * `Retry-After`, or no answer at all. Calls made meanwhile are recorded, marked `outage`.
   */
  outage?: { status: 503 } | { status: 429; retryAfterSeconds: number } | 'silent';
  /** Socket Mode (tests): the WebSocket URL `apps.connections.open` hands out; unset, the app token is refused. */
  socketModeUrl?: string;
  /** A slow Slack (tests): every call but `auth.test` is received and recorded at once, answered this much later. */
  latencyMs = 0;
  private readonly listeners: Array<(call: SlackCall) => void> = [];

  setGroupMembers(groupId: string, users: string[]): void {
    this.groups.set(groupId, users);
  }

  /**
   * What `users.info` says of a user, over the default: a member of this workspace with the
   * e-mail `<id in lower case>@example.com`. E.g. `{ is_restricted: true }` for a guest,
   * `{ team_id: 'T0OTHER', is_stranger: true }` for a Slack Connect external,
   * `{ profile: { email: 'alice@example.com' } }` to share an e-mail with a Teams account.
   */
  setUser(userId: string, patch: Record<string, unknown>): void {
    this.users.set(userId, patch);
  }

  private userInfo(userId: string): Record<string, unknown> {
    const patch = this.users.get(userId) ?? {};
    const profile = { email: `${userId.toLowerCase()}@example.com`, real_name: userId, ...(patch.profile as object | undefined) };
    return {
      id: userId,
      team_id: FakeSlackApi.TEAM_ID,
      name: userId.toLowerCase(),
      real_name: userId,
      deleted: false,
      is_bot: false,
      is_restricted: false,
      is_ultra_restricted: false,
      ...patch,
      profile,
    };
  }

  /** Called with every recorded call, in order (the sandbox page follows the bot this way). */
  onCall(listener: (call: SlackCall) => void): void {
    this.listeners.push(listener);
  }

  private record(method: string, args: Record<string, unknown>, result: Record<string, unknown>): void {
    const call = { method, args, result, at: Date.now() };
    this.calls.push(call);
    for (const listener of this.listeners) listener(call);
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    const app = express();
    app.use(express.urlencoded({ extended: false, limit: '1mb' }), express.json({ limit: '1mb' }));
    app.post('/api/:method', (req, res) => {
      const method = String(req.params.method);
      const args = decodeArgs(req.body ?? {});
      const outage = method === 'auth.test' ? undefined : this.outage;
      if (outage) {
        this.record(method, args, { ok: false, error: 'outage' });
        if (outage === 'silent') return;
        if (outage.status === 429) res.set('Retry-After', String(outage.retryAfterSeconds));
        return void res.status(outage.status).json({ ok: false, error: outage.status === 429 ? 'ratelimited' : 'service_unavailable' });
      }
      // As Slack: an API error (message_not_found, thread_not_found…) is HTTP 200 with ok: false; an outage is a 500.
      const failing = this.failing.has(method);
      const result = failing ? { ok: false, error: 'fatal_error' } : this.answer(method, args);
      this.record(method, args, result);
      this.answerLater(method, () => res.status(failing ? 500 : 200).json(result));
    });
    // The bench runs this fake in a process of its own and starts and ends outages through here.
    app.post('/control/outage', (req, res) => {
      this.outage = (req.body as { outage?: FakeSlackApi['outage'] | null }).outage ?? undefined;
      res.json({ ok: true });
    });
    app.post('/response/:id', (req, res) => {
      const args = { id: req.params.id, ...decodeArgs(req.body ?? {}) };
      const result = refusedBlocks('response_url', args) ?? { ok: true };
      this.record('response_url', args, result);
      this.answerLater('response_url', () => res.json(result));
    });
    await new Promise<void>((resolve) => (this.server = app.listen(port, host, () => resolve())));
    return this.url;
  }

  private answerLater(method: string, answer: () => void): void {
    if (this.latencyMs === 0 || method === 'auth.test') answer();
    else setTimeout(answer, this.latencyMs);
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('FakeSlackApi is not started');
    return `http://127.0.0.1:${address.port}/api/`;
  }

  /** A response_url the bot can post to (slash commands and buttons carry one). */
  responseUrl(id: string): string {
    return this.url.replace(/api\/$/, `response/${id}`);
  }

  /** Replies in a thread, oldest first, as they stand now. */
  thread(parentTs: string): Array<{ ts: string; text: string }> {
    return [...this.messages].filter(([, m]) => m.threadTs === parentTs).map(([ts, m]) => ({ ts, text: m.text }));
  }

  callsOf(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  async stop(): Promise<void> {
    // Requests left unanswered by a 'silent' outage would keep the server open.
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const refused = refusedBlocks(method, args);
    if (refused) return refused;
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://sandbox.slack.invalid/',
          team: 'Sandbox',
          user: 'jitbot',
          team_id: FakeSlackApi.TEAM_ID,
          user_id: 'U0JITBOT',
          bot_id: 'B0JITBOT',
        };
      case 'users.info':
        return { ok: true, user: this.userInfo(String(args.user ?? '')) };
      case 'chat.postMessage': {
        // Posting to a user id lands in the bot's DM with them.
        const channel = String(args.channel ?? '').replace(/^U/, 'D');
        const threadTs = args.thread_ts === undefined ? undefined : String(args.thread_ts);
        // As Slack: a reply must name a message of the same channel.
        if (threadTs !== undefined && this.messages.get(threadTs)?.channel !== channel) return { ok: false, error: 'thread_not_found' };
        const ts = `${this.nextTs++}.000100`;
        this.messages.set(ts, { channel, text: String(args.text ?? ''), threadTs });
        return { ok: true, channel, ts, message: { text: args.text, thread_ts: threadTs } };
      }
      case 'chat.update': {
        const message = this.messages.get(String(args.ts));
        if (!message || message.channel !== args.channel) return { ok: false, error: 'message_not_found' };
        message.text = String(args.text ?? '');
        return { ok: true, channel: args.channel, ts: args.ts, text: args.text };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: `${this.nextTs++}.000200` };
      case 'views.open':
      case 'views.update':
      case 'views.publish':
        return { ok: true, view: { id: `V${this.nextTs++}`, ...(args.view as object) } };
      case 'apps.connections.open':
        return this.socketModeUrl ? { ok: true, url: this.socketModeUrl } : { ok: false, error: 'invalid_auth' };
      case 'usergroups.users.list':
        return { ok: true, users: this.groups.get(String(args.usergroup)) ?? [] };
      default:
        return { ok: true };
    }
  }
}

/** Slack's own limits on one message's or view's blocks (Block Kit reference). */
const MAX_BLOCKS = { message: 50, view: 100 } as const;
const MAX_SECTION_TEXT = 3000;

/**
 * What Slack answers for blocks it refuses: a message (`invalid_blocks`) or view
 * (`invalid_arguments`, with the reason in `response_metadata`) over the block limit, with
 * a `block_id` used twice, or with a section text over 3,000 characters.
 */
function refusedBlocks(method: string, args: Record<string, unknown>): Record<string, unknown> | undefined {
  const surface = method.startsWith('views.') ? 'view' : method.startsWith('chat.') || method === 'response_url' ? 'message' : undefined;
  if (!surface) return undefined;
  const blocks = (surface === 'view' ? (args.view as { blocks?: unknown } | undefined)?.blocks : args.blocks) as
    Array<{ block_id?: string }> | undefined;
  if (!Array.isArray(blocks)) return undefined;
  const ids = blocks.map((b) => b.block_id).filter((id): id is string => id !== undefined);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  const longText = blocks.findIndex((b) => ((b as { text?: { text?: string } }).text?.text?.length ?? 0) > MAX_SECTION_TEXT);
  const problem =
    blocks.length > MAX_BLOCKS[surface]
      ? `must provide an array with no more than ${MAX_BLOCKS[surface]} items [json-pointer:/blocks]`
      : duplicate
        ? `duplicate block_id: ${duplicate}`
        : longText >= 0
          ? `must be less than ${MAX_SECTION_TEXT + 1} characters [json-pointer:/blocks/${longText}/text]`
          : undefined;
  if (!problem) return undefined;
  return {
    ok: false,
    error: surface === 'view' ? 'invalid_arguments' : 'invalid_blocks',
    response_metadata: { messages: [`[ERROR] ${problem}`] },
  };
}
