import { GRANT_TRANSITIONS, REQUEST_TRANSITIONS } from '../access/model/lifecycle';
import type { Grant, GrantWithRequest } from '../access/model';
import type { AccessStore, Ending, RevokeRecords } from '../access/ports';
import { Coalescer } from '../lib/coalescer';
import type { Clock } from '../lib/clock';

const WORKER = { platform: 'system', userId: 'worker' } as const;

/**
 * The revoke path's reads and writes, batched. Thousands of grants may expire in the same
 * minute (a round hour, a bench), and each end is a read, the `revoking` mark, the record
 * of the end and that of its verification: concurrent revokes that meet here share one
 * query, statement or transaction for each (`Coalescer`),
 * while a lone revoke runs alone, at once. Per grant, nothing changes: the same
 * transitions and audit events, in the same order, as one grant at a time. The core sees
 * one grant at a time (the RevokeRecords port); the batching is this adapter's business.
 */
export class RevokeBatches implements RevokeRecords {
  private readonly loads: Coalescer<string, GrantWithRequest | undefined>;
  private readonly starts: Coalescer<Grant, Grant | undefined>;
  private readonly finishes: Coalescer<Ending, GrantWithRequest | undefined>;
  private readonly verifies: Coalescer<Grant, boolean>;

  constructor(
    private readonly store: AccessStore,
    private readonly clock: Clock,
  ) {
    this.loads = new Coalescer((ids) => this.loadAll(ids));
    this.starts = new Coalescer((grants) => this.startAll(grants));
    this.finishes = new Coalescer((endings) => this.finishAll(endings));
    this.verifies = new Coalescer((grants) => this.verifiedAll(grants));
  }

  load(grantId: string): Promise<GrantWithRequest | undefined> {
    return this.loads.submit(grantId);
  }
  start(grant: Grant): Promise<Grant | undefined> {
    return this.starts.submit(grant);
  }
  finish(ending: Ending): Promise<GrantWithRequest | undefined> {
    return this.finishes.submit(ending);
  }
  verified(grant: Grant): Promise<boolean> {
    return this.verifies.submit(grant);
  }

  private async loadAll(ids: string[]): Promise<Array<GrantWithRequest | undefined>> {
    const found = indexBy(await this.store.getGrantsWithRequests([...new Set(ids)]), (row) => row.grant.id);
    return ids.map((id) => found.get(id));
  }

  private async startAll(befores: Grant[]): Promise<Array<Grant | undefined>> {
    const ids = [...new Set(befores.map((g) => g.id))];
    const started = indexBy(await this.store.startRevokes(ids, { action: 'revoke.started', actor: WORKER }, this.clock.now()), (g) => g.id);
    return befores.map((g) => started.get(g.id));
  }

  private finishAll(endings: Ending[]): Promise<Array<GrantWithRequest | undefined>> {
    const first = firstOfEachGrant(endings, (e) => e.grant.id);
    const firsts = indexBy(
      endings.filter((_, i) => first[i]),
      (e) => e.grant.id,
    );
    return this.store.transaction(async (tx) => {
      const ended = new Map<string, GrantWithRequest>();
      for (const how of ['expired', 'revoked'] as const) {
        const group = [...firsts.values()].filter((e) => e.how === how);
        if (group.length === 0) continue;
        const grantT = how === 'revoked' ? GRANT_TRANSITIONS.finishRevoked : GRANT_TRANSITIONS.finishExpired;
        const requestT = how === 'revoked' ? REQUEST_TRANSITIONS.revoke : REQUEST_TRANSITIONS.expire;
        const grants = await tx.finishGrants(
          grantT,
          group.map((e) => ({ id: e.grant.id, revokedAt: e.endedAt, activity: e.activity })),
        );
        const latest = new Date(Math.max(...group.map((e) => e.endedAt.getTime())));
        const requests = indexBy(
          await tx.transitionRequests(
            grants.map((g) => g.requestId),
            requestT,
            latest,
          ),
          (r) => r.id,
        );
        for (const grant of grants) {
          const ending = firsts.get(grant.id)!;
          ended.set(grant.id, { grant, request: requests.get(grant.requestId) ?? ending.request });
          await tx.appendAudit(
            {
              action: `grant.${how}`,
              requestId: grant.requestId,
              grantId: grant.id,
              actor: WORKER,
              data: { lateMs: ending.lateMs, by: ending.grant.revokeRequestedBy },
            },
            ending.endedAt,
          );
        }
      }
      return endings.map((e, i) => (first[i] ? ended.get(e.grant.id) : undefined));
    });
  }

  private async verifiedAll(grants: Grant[]): Promise<boolean[]> {
    const marked = new Set(
      await this.store.markRevokesVerified(
        [...new Set(grants.map((g) => g.id))],
        { action: 'revoke.verified', actor: WORKER },
        this.clock.now(),
      ),
    );
    const first = firstOfEachGrant(grants, (g) => g.id);
    return grants.map((g, i) => first[i] === true && marked.has(g.id));
  }
}

/**
 * Which items of a batch are the first of their grant. The same grant twice in one batch
 * (two workers racing) is written once, for the first, as it would be one transaction
 * apart; the later item finds it done.
 */
function firstOfEachGrant<T>(items: T[], grantId: (item: T) => string): boolean[] {
  const seen = new Set<string>();
  return items.map((item) => {
    const id = grantId(item);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function indexBy<T>(rows: T[], key: (row: T) => string): Map<string, T> {
  return new Map(rows.map((row) => [key(row), row]));
}
