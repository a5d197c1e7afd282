import { Coalescer } from '../../lib/coalescer';
import type { Clock } from '../../lib/clock';
import type { GrantActivity } from '../model/activity';
import { GRANT_TRANSITIONS, REQUEST_TRANSITIONS } from '../model/lifecycle';
import type { AccessRequest, Grant, GrantWithRequest } from '../model';
import type { AccessStore } from '../ports';

const WORKER = { platform: 'system', userId: 'worker' } as const;

/** A grant whose provider revoke has returned, ready to be recorded as ended. */
export interface Ending {
  /** The grant as its revoke started (`revoking`). */
  grant: Grant;
  /** The request as it was read before the revoke (kept if its own transition does not apply). */
  request: AccessRequest;
  how: 'expired' | 'revoked';
  /** When the provider's revoke returned: the grant's `revoked_at`. */
  endedAt: Date;
  lateMs: number;
  /** Known at once when there is no activity log to read (the sandbox); otherwise looked up later. */
  activity: GrantActivity | null;
}

/**
 * The revoke path's reads and writes, batched. Thousands of grants may expire in the same
 * minute (a round hour, a bench), and each end is a read, the `revoking` mark, the record
 * of the end and that of its verification: concurrent revokes that meet here share one
 * query, statement or transaction for each (`Coalescer`),
 * while a lone revoke runs alone, at once. Per grant, nothing changes: the same
 * transitions and audit events, in the same order, as one grant at a time.
 */
export class RevokeBatches {
  /** The grant and its request; undefined when there is no such grant. */
  readonly load: Coalescer<string, GrantWithRequest | undefined>;
  /** Marks the grant `revoking` (audited `revoke.started` when it was active); undefined when it is already ended. */
  readonly start: Coalescer<Grant, Grant | undefined>;
  /** Records the end (grant and request, audited `grant.expired|revoked`); undefined when another worker recorded it first. */
  readonly finish: Coalescer<Ending, GrantWithRequest | undefined>;
  /** Records that the provider confirmed the access gone (audited `revoke.verified`); false when already recorded. */
  readonly verified: Coalescer<Grant, boolean>;

  constructor(
    private readonly store: AccessStore,
    private readonly clock: Clock,
  ) {
    this.load = new Coalescer((ids) => this.loadAll(ids));
    this.start = new Coalescer((grants) => this.startAll(grants));
    this.finish = new Coalescer((endings) => this.finishAll(endings));
    this.verified = new Coalescer((grants) => this.verifiedAll(grants));
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
