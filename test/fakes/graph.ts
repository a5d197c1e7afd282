import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TokenCredential } from '@azure/identity';
import express from 'express';

export const FAKE_GRAPH_TOKEN = 'fake-graph-token';

/** What ClientSecretCredential would give the bot: here a fixed token the fake checks. */
export const fakeGraphCredential: TokenCredential = {
  getToken: async () => ({ token: FAKE_GRAPH_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }),
};

export interface GraphCall {
  method: string;
  path: string;
  status: number;
}

interface PlannedFailure {
  status: number;
  code: string;
  left: number;
  retryAfter?: string;
}

/**
 * A local stand-in for the two Microsoft Graph v1.0 calls jitbot makes about Entra groups,
 * answering as Graph documents: `POST /directoryObjects/{id}/checkMemberGroups` (at most
 * 20 group ids; the ones the object belongs to, nested groups included; 404
 * Request_ResourceNotFound for an unknown object) and `GET
 * /groups/{id}/transitiveMembers/microsoft.graph.user` (users only, nested groups
 * flattened, paged by `@odata.nextLink` at `$top`). Errors are `{ error: { code, message } }`;
 * throttling is 429 with Retry-After.
 */
export class FakeGraph {
  readonly calls: GraphCall[] = [];
  /** Users by object id, with their display names. */
  readonly users = new Map<string, string>();
  /** Groups by object id: their direct members (users or other groups). */
  readonly groups = new Map<string, string[]>();
  private readonly failures: PlannedFailure[] = [];
  private server?: Server;

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** The next `count` calls answer `status` (429 and 503 with Retry-After, as Graph throttles). */
  failNext(status: number, code: string, count = 1, retryAfter?: string): void {
    this.failures.push({ status, code, left: count, retryAfter });
  }

  async start(): Promise<void> {
    const app = express();
    app.use(express.json());
    app.use((req, res, next) => {
      const answer = (status: number, body: object) => {
        this.calls.push({ method: req.method, path: req.path, status });
        res.status(status).json(body);
      };
      if (req.headers.authorization !== `Bearer ${FAKE_GRAPH_TOKEN}`)
        return answer(401, { error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' } });
      const failure = this.failures.find((f) => f.left > 0);
      if (failure) {
        failure.left--;
        if (failure.retryAfter) res.setHeader('Retry-After', failure.retryAfter);
        return answer(failure.status, { error: { code: failure.code, message: `planned ${failure.code}` } });
      }
      res.locals.answer = answer;
      next();
    });
    app.post('/v1.0/directoryObjects/:id/checkMemberGroups', (req, res) => {
      const answer = res.locals.answer as (status: number, body: object) => void;
      const groupIds = (req.body as { groupIds?: unknown }).groupIds;
      if (!Array.isArray(groupIds) || groupIds.length === 0 || groupIds.length > 20)
        return answer(400, { error: { code: 'Request_BadRequest', message: 'groupIds must hold 1 to 20 ids.' } });
      const id = req.params.id.toLowerCase();
      if (!this.users.has(id))
        return answer(404, { error: { code: 'Request_ResourceNotFound', message: `Resource '${id}' does not exist.` } });
      answer(200, { value: groupIds.filter((g) => this.transitiveUsers(String(g).toLowerCase()).includes(id)) });
    });
    app.get('/v1.0/groups/:id/transitiveMembers/microsoft.graph.user', (req, res) => {
      const answer = res.locals.answer as (status: number, body: object) => void;
      const id = req.params.id.toLowerCase();
      if (!this.groups.has(id))
        return answer(404, { error: { code: 'Request_ResourceNotFound', message: `Resource '${id}' does not exist.` } });
      const top = Number(req.query.$top ?? 100);
      const skip = Number(req.query.$skiptoken ?? 0);
      const all = this.transitiveUsers(id);
      const page = all.slice(skip, skip + top).map((u) => ({ id: u, displayName: this.users.get(u) ?? null }));
      const more = skip + top < all.length;
      answer(200, {
        value: page,
        ...(more ? { '@odata.nextLink': `${this.url}${req.path}?$select=id,displayName&$top=${top}&$skiptoken=${skip + top}` } : {}),
      });
    });
    await new Promise<void>((resolve) => (this.server = app.listen(0, '127.0.0.1', () => resolve())));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  callsTo(fragment: string): GraphCall[] {
    return this.calls.filter((c) => c.path.includes(fragment));
  }

  /** Every user in the group, through nested groups (each once). */
  private transitiveUsers(groupId: string, seen = new Set<string>()): string[] {
    if (seen.has(groupId)) return [];
    seen.add(groupId);
    const out = new Set<string>();
    for (const member of this.groups.get(groupId) ?? []) {
      if (this.groups.has(member)) for (const u of this.transitiveUsers(member, seen)) out.add(u);
      else if (this.users.has(member)) out.add(member);
    }
    return [...out];
  }
}
