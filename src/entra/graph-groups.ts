import type { TokenCredential } from '@azure/identity';
import type { EntraDirectory, EntraUser } from '../access/ports';
import type { Clock } from '../lib/clock';

export interface GraphGroupsConfig {
  credential: TokenCredential;
  /** JIT_GRAPH_URL; https://graph.microsoft.com by default. */
  baseUrl: string;
  clock: Clock;
  /** How long an answer is reused (people ask and click in bursts; membership changes rarely matter within it). */
  cacheMs?: number;
}

/** Graph takes at most 20 group ids per checkMemberGroups call. */
const CHECK_BATCH = 20;
const PAGE_SIZE = 100;
/** A throttled call (429, 503) is retried this many times, after Graph's Retry-After (capped). */
const THROTTLE_RETRIES = 2;
const MAX_RETRY_AFTER_MS = 5_000;

class GraphError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Entra groups over Microsoft Graph v1.0 with the bot's own app credentials (application
 * permission GroupMember.Read.All): `checkMemberGroups` (transitive) to tell whether a
 * person is in a group, `transitiveMembers` to name a group's users. Answers are cached
 * briefly; failures are not cached and throw, so the core says "try again", never "allowed".
 */
export class GraphGroups implements EntraDirectory {
  private readonly cache = new Map<string, { value: unknown; until: number }>();

  constructor(private readonly config: GraphGroupsConfig) {}

  memberGroups(objectId: string, groupIds: string[]): Promise<string[]> {
    const wanted = [...new Set(groupIds.map((g) => g.toLowerCase()))].sort();
    return this.cached(`member:${objectId.toLowerCase()}:${wanted.join(',')}`, async () => {
      const found: string[] = [];
      for (let i = 0; i < wanted.length; i += CHECK_BATCH) {
        const answer = await this.call<{ value: string[] }>(`/v1.0/directoryObjects/${encodeURIComponent(objectId)}/checkMemberGroups`, {
          method: 'POST',
          body: JSON.stringify({ groupIds: wanted.slice(i, i + CHECK_BATCH) }),
        }).catch((e: unknown) => {
          // An object Graph does not know (deleted, another tenant's) is in none of our groups.
          if (e instanceof GraphError && e.status === 404) return { value: [] };
          throw e;
        });
        found.push(...answer.value.map((g) => g.toLowerCase()));
      }
      return found;
    });
  }

  groupUsers(groupId: string, limit: number): Promise<EntraUser[]> {
    return this.cached(`users:${groupId.toLowerCase()}:${limit}`, async () => {
      const users: EntraUser[] = [];
      let next: string | undefined =
        `/v1.0/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.user?$select=id,displayName&$top=${PAGE_SIZE}&$count=true`;
      while (next && users.length < limit) {
        const page: { value: { id: string; displayName?: string | null }[]; '@odata.nextLink'?: string } = await this.call(next, {
          headers: { ConsistencyLevel: 'eventual' },
        });
        users.push(...page.value.map((u) => ({ id: u.id.toLowerCase(), name: u.displayName ?? null })));
        next = page['@odata.nextLink'];
      }
      return users.slice(0, limit);
    });
  }

  private async cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const now = this.config.clock.now().getTime();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return hit.value as T;
    const value = await load();
    this.cache.set(key, { value, until: now + (this.config.cacheMs ?? 60_000) });
    return value;
  }

  /** One Graph call: a path (or a nextLink Graph gave), with the bot's token; throttling is waited out a little. */
  private async call<T>(pathOrUrl: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<T> {
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${this.config.baseUrl.replace(/\/+$/, '')}${pathOrUrl}`;
    for (let attempt = 0; ; attempt++) {
      const token = await this.config.credential.getToken(`${new URL(this.config.baseUrl).origin}/.default`);
      if (!token) throw new Error('no Microsoft Graph token for the bot');
      const response = await fetch(url, {
        method: init.method ?? 'GET',
        body: init.body,
        headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json', ...init.headers },
        signal: AbortSignal.timeout(10_000),
      });
      if (response.ok) return (await response.json()) as T;
      const retryAfterMs = Math.min(Number(response.headers.get('retry-after') ?? 1) * 1000, MAX_RETRY_AFTER_MS);
      if ((response.status === 429 || response.status === 503) && attempt < THROTTLE_RETRIES) {
        await new Promise((r) => setTimeout(r, retryAfterMs));
        continue;
      }
      const body = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
      throw new GraphError(
        response.status,
        `Microsoft Graph answered ${response.status} ${body.error?.code ?? ''}: ${body.error?.message ?? response.statusText}`,
      );
    }
  }
}
