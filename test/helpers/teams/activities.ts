import { randomUUID } from 'node:crypto';
import { TEAMS_APP_ID, TEAMS_TENANT_ID, type FakeBotFramework, type TokenOptions } from './bot-framework';

export const BOT = { id: `28:${TEAMS_APP_ID}`, name: 'jitbot' };

/** A person in the test tenant: the Entra object id is what the policy lists. */
export interface TeamsUser {
  aadObjectId: string;
  /** Teams' own per-bot user id. */
  id: string;
  name: string;
}

export function teamsUser(name: string, aadObjectId: string): TeamsUser {
  return { aadObjectId, id: `29:${name}`, name };
}

export type Where = { kind: 'personal'; user: TeamsUser } | { kind: 'channel'; channelId: string; teamId?: string };

/** In a channel, a message starts a thread (`;messageid=`); installs and card clicks name the channel itself. */
function conversation(where: Where, thread: boolean): Record<string, unknown> {
  if (where.kind === 'personal') return { id: `a:personal-${where.user.name}`, conversationType: 'personal', tenantId: TEAMS_TENANT_ID };
  return {
    id: thread ? `${where.channelId};messageid=${Date.now()}` : where.channelId,
    conversationType: 'channel',
    isGroup: true,
    tenantId: TEAMS_TENANT_ID,
  };
}

function channelData(where: Where): Record<string, unknown> {
  const base = { tenant: { id: TEAMS_TENANT_ID } };
  return where.kind === 'channel' ? { ...base, channel: { id: where.channelId }, team: { id: where.teamId ?? where.channelId } } : base;
}

/**
 * Sends activities to the bot as the Teams channel does: JSON with a signed
 * Bot Framework token, to the real `POST /api/messages`.
 */
export class TeamsChannel {
  constructor(
    private readonly endpoint: string,
    private readonly framework: FakeBotFramework,
  ) {}

  async post(activity: Record<string, unknown>, auth: TokenOptions | 'none' = {}): Promise<Response> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (auth !== 'none') headers.authorization = `Bearer ${this.framework.token(auth)}`;
    return fetch(this.endpoint, { method: 'POST', headers, body: JSON.stringify(activity) });
  }

  private base(from: TeamsUser | typeof BOT, where: Where, thread = false): Record<string, unknown> {
    // People who write to the bot are members of the tenant, on the roster, unless a test says otherwise.
    if ('aadObjectId' in from) this.framework.knowMember(from);
    return {
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: this.framework.url,
      timestamp: new Date().toISOString(),
      from,
      recipient: BOT,
      conversation: conversation(where, thread),
      channelData: channelData(where),
    };
  }

  /** A message; in a channel it @mentions the bot, as Teams requires there. `patch` changes the activity (another channel or tenant). */
  message(
    from: TeamsUser,
    where: Where,
    text: string,
    auth?: TokenOptions | 'none',
    patch: Record<string, unknown> = {},
  ): Promise<Response> {
    const mention = where.kind === 'channel';
    return this.post(
      {
        ...this.base(from, where, true),
        type: 'message',
        textFormat: 'plain',
        text: mention ? `<at>jitbot</at> ${text}` : text,
        entities: mention ? [{ type: 'mention', text: '<at>jitbot</at>', mentioned: BOT }] : [],
        ...patch,
      },
      auth,
    );
  }

  /**
   * A card button pressed in a Teams client without Universal Actions: the `Action.Submit`
   * fallback's data (inputs merged in) arrives as a message with `value` and no text.
   */
  submit(from: TeamsUser, where: Where, value: Record<string, unknown>, replyToId: string): Promise<Response> {
    return this.post({ ...this.base(from, where), type: 'message', replyToId, value });
  }

  /** The bot is added to a team (its channel) or to a user's personal scope. */
  install(by: TeamsUser, where: Where): Promise<Response> {
    return this.post({ ...this.base(by, where), type: 'conversationUpdate', membersAdded: [{ id: BOT.id }] });
  }

  /** An `Action.Execute` click on a card the bot posted (`replyToId` is that card's activity). */
  async execute(
    from: TeamsUser,
    where: Where,
    verb: string,
    data: Record<string, unknown>,
    replyToId = 'card',
    patch: Record<string, unknown> = {},
  ): Promise<{ status: number; body: { statusCode: number; type: string; value: Record<string, unknown> } }> {
    const res = await this.post({
      ...this.base(from, where),
      type: 'invoke',
      name: 'adaptiveCard/action',
      replyToId,
      value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
      ...patch,
    });
    return { status: res.status, body: (res.status === 200 ? await res.json() : undefined) as never };
  }
}
