import { generateKeyPairSync } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { TeamsAuthOverrides } from '../../../src/chat/teams/adapter';
import { LocalTokenSigner } from '../../../src/chat/teams/local-token-signer';

export const TEAMS_APP_ID = '00000000-0000-4000-8000-00000000b07a';
export const TEAMS_TENANT_ID = '00000000-0000-4000-8000-0000000000aa';
export const CONNECTOR_TOKEN = 'fake-connector-token';

/** One call the bot made to the Bot Connector. */
export interface ConnectorCall {
  method: 'send' | 'reply' | 'update' | 'other';
  conversationId: string;
  activityId?: string;
  /** What the bot sent (an Activity). */
  body: Record<string, unknown>;
  authorization?: string;
  /** The activity id the connector answered with (a posted card's id, used by later updates). */
  responseId?: string;
}

export interface TokenOptions {
  /** Sign with another key (a forgery) under the same key id. */
  forgedKey?: boolean;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  audience?: string;
  serviceUrl?: string;
  issuer?: string;
}

/**
 * Plays Microsoft's side of Teams for end-to-end tests: an OpenID metadata + JWKS
 * endpoint whose key signs the tokens on our activities, and a Bot Connector
 * (`serviceUrl`) that records every reply, card update and proactive message.
 * The real botbuilder adapter verifies and calls it over HTTP.
 */
export class FakeBotFramework {
  readonly calls: ConnectorCall[] = [];
  /** The Teams roster (`GET …/members/{id}`), by the member's Teams user id (`29:…`). */
  private readonly roster = new Map<string, Record<string, unknown>>();
  private server?: Server;
  private nextId = 1;
  private readonly signer = new LocalTokenSigner();
  private readonly forger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

  async start(): Promise<void> {
    const app = express();
    app.use(express.json({ limit: '1mb' }));
    this.signer.mount(app, () => this.url);
    // The roster, as the Bot Connector answers TeamsInfo.getMember: 404 for someone it does not know.
    app.get('/v3/conversations/:conversation/members/:member', (req, res) => {
      if (req.headers.authorization !== `Bearer ${CONNECTOR_TOKEN}`) return void res.status(401).json({ error: { code: 'Unauthorized' } });
      const member = this.roster.get(req.params.member);
      if (!member)
        return void res
          .status(404)
          .json({ error: { code: 'MemberNotFoundInConversation', message: 'The member was not found in the conversation.' } });
      res.json(member);
    });
    app.all('/v3/*rest', (req, res) => {
      const parts = req.path.split('/').slice(3).map(decodeURIComponent); // conversationId, 'activities', activityId?
      const [conversationId = '', , activityId] = parts;
      const method =
        req.method === 'PUT' ? 'update' : req.method === 'POST' && activityId ? 'reply' : req.method === 'POST' ? 'send' : 'other';
      const responseId = method === 'update' ? activityId : `activity-${this.nextId++}`;
      this.calls.push({ method, conversationId, activityId, body: req.body ?? {}, authorization: req.headers.authorization, responseId });
      if (req.headers.authorization !== `Bearer ${CONNECTOR_TOKEN}`) return void res.status(401).json({ error: { code: 'Unauthorized' } });
      res.json({ id: responseId });
    });
    await new Promise<void>((resolve) => (this.server = app.listen(0, '127.0.0.1', () => resolve())));
  }

  /**
   * Puts a person on the roster: by default a member of the test tenant whose e-mail is
   * `<name>@example.com`; `patch` changes what Teams says (`userRole: 'guest'`, another
   * `email` or `tenantId`, or another `aadObjectId` than the activity claims).
   */
  setMember(user: { id: string; name: string; aadObjectId: string }, patch: Record<string, unknown> = {}): void {
    this.roster.set(user.id, {
      id: user.id,
      name: user.name,
      aadObjectId: user.aadObjectId,
      objectId: user.aadObjectId,
      email: `${user.name}@example.com`,
      userPrincipalName: `${user.name}@example.com`,
      tenantId: TEAMS_TENANT_ID,
      userRole: 'user',
      ...patch,
    });
  }

  /** Puts a person on the roster with the defaults, unless a test already said what Teams says of them. */
  knowMember(user: { id: string; name: string; aadObjectId: string }): void {
    if (!this.roster.has(user.id)) this.setMember(user);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Also the connector's base URL, which activities carry as `serviceUrl`. */
  get url(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}/`;
  }

  /** What the runtime needs to trust this fake instead of Microsoft. */
  authOverrides(): TeamsAuthOverrides {
    return this.signer.authOverrides(this.url, TEAMS_APP_ID, CONNECTOR_TOKEN);
  }

  /** A channel token as the Bot Framework signs it for activities to our bot. */
  token(opts: TokenOptions = {}): string {
    return this.signer.token({
      audience: opts.audience ?? TEAMS_APP_ID,
      serviceUrl: opts.serviceUrl ?? this.url,
      expiresIn: opts.expiresIn,
      issuer: opts.issuer,
      key: opts.forgedKey ? this.forger : undefined,
    });
  }

  callsTo(conversationId: string, method?: ConnectorCall['method']): ConnectorCall[] {
    return this.calls.filter((c) => c.conversationId === conversationId && (!method || c.method === method));
  }
}
