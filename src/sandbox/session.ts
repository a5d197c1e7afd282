import type { SlackCall } from './fake-slack-api';

/** A message as one simulated person sees it in the sandbox page. */
export interface SandboxMessage {
  id: number;
  /** Channel id, or `D:<user>` for the bot's DM with that user. */
  channel: string;
  ts: string;
  /** `jitbot`, or the user who typed a command. */
  from: string;
  text: string;
  blocks?: unknown[];
  /** Ephemeral: only this user sees it. */
  onlyFor?: string;
  edited: boolean;
  at: number;
}

export interface SandboxModal {
  callbackId: string;
  privateMetadata: string;
  view: Record<string, unknown>;
  /** Field errors Slack would show under the inputs (`response_action: errors`). */
  errors?: Record<string, string>;
}

/** Where an answer to a person's action goes: response_url ids and trigger ids map back to them. */
interface Origin {
  userId: string;
  channel: string;
}

export interface SandboxState {
  version: number;
  messages: SandboxMessage[];
  modals: Record<string, SandboxModal>;
  homes: Record<string, unknown>;
  calls: Array<{ seq: number; method: string; at: number; args: Record<string, unknown> }>;
}

export const dmChannel = (userId: string) => `D:${userId}`;

/**
 * What the sandbox page shows, built from the Web API calls the real bot made
 * (recorded by FakeSlackApi) and the actions people took in the page. Slack's
 * behaviour is mirrored: chat.update replaces a message in place, ephemerals are
 * seen by one user, views.open shows a modal to whoever triggered it.
 */
export class SandboxSession {
  private version = 0;
  private nextId = 1;
  private nextOrigin = 1;
  private readonly messages: SandboxMessage[] = [];
  private readonly modals: Record<string, SandboxModal> = {};
  private readonly homes: Record<string, unknown> = {};
  private readonly calls: SandboxState['calls'] = [];
  private readonly origins = new Map<string, Origin>();

  /** A fresh id for a response_url or trigger_id, remembered so the bot's answer reaches the right person. */
  newOrigin(kind: 'response' | 'trigger', origin: Origin): string {
    const id = `${kind}-${origin.userId}-${this.nextOrigin++}`;
    this.origins.set(id, origin);
    return id;
  }

  /** The person's own `/jit …` line, shown only to them (as Slack does). */
  addCommand(userId: string, channel: string, text: string): void {
    this.push({ channel, ts: `cmd.${this.nextId}`, from: userId, text: `/jit ${text}`, onlyFor: userId });
  }

  setModalErrors(userId: string, errors: Record<string, string>): void {
    const modal = this.modals[userId];
    if (!modal) return;
    modal.errors = errors;
    this.changed();
  }

  closeModal(userId: string): void {
    if (!this.modals[userId]) return;
    delete this.modals[userId];
    this.changed();
  }

  modalOf(userId: string): SandboxModal | undefined {
    return this.modals[userId];
  }

  /** Turns one recorded Web API call into what people would see. */
  apply(call: SlackCall): void {
    const { method, args, result } = call;
    this.calls.push({ seq: this.calls.length + 1, method, at: call.at, args });
    const text = String(args.text ?? '');
    const blocks = Array.isArray(args.blocks) ? args.blocks : undefined;
    switch (method) {
      case 'chat.postMessage': {
        const target = String(args.channel ?? '');
        const channel = /^U/.test(target) ? dmChannel(target) : target;
        this.push({ channel, ts: String(result.ts), from: 'jitbot', text, blocks });
        return;
      }
      case 'chat.update': {
        const message = this.messages.find((m) => m.ts === String(args.ts) && m.channel === String(args.channel));
        if (message) Object.assign(message, { text, blocks, edited: true });
        this.changed();
        return;
      }
      case 'chat.postEphemeral':
        this.push({
          channel: String(args.channel),
          ts: String(result.message_ts),
          from: 'jitbot',
          text,
          blocks,
          onlyFor: String(args.user),
        });
        return;
      case 'response_url': {
        const origin = this.origins.get(String(args.id));
        if (!origin) return this.changed();
        const visible = args.response_type === 'in_channel' ? undefined : origin.userId;
        this.push({ channel: origin.channel, ts: `resp.${this.nextId}`, from: 'jitbot', text, blocks, onlyFor: visible });
        return;
      }
      case 'views.open': {
        const origin = this.origins.get(String(args.trigger_id));
        const view = (args.view ?? {}) as Record<string, unknown>;
        if (origin)
          this.modals[origin.userId] = {
            callbackId: String(view.callback_id ?? ''),
            privateMetadata: String(view.private_metadata ?? ''),
            view,
          };
        this.changed();
        return;
      }
      case 'views.publish':
        this.homes[String(args.user_id)] = args.view;
        this.changed();
        return;
      default:
        this.changed();
    }
  }

  state(): SandboxState {
    return { version: this.version, messages: this.messages, modals: this.modals, homes: this.homes, calls: this.calls.slice(-200) };
  }

  private push(m: Omit<SandboxMessage, 'id' | 'edited' | 'at'>): void {
    this.messages.push({ ...m, id: this.nextId++, edited: false, at: Date.now() });
    this.changed();
  }

  private changed(): void {
    this.version++;
  }
}
