import { and, asc, count, desc, eq, gt, gte, isNotNull, isNull, lt, min, sql, type SQL } from 'drizzle-orm';
import { GENESIS_HASH, normaliseData, rowHash } from '../../audit/chain';
import type { StoredAuditRow } from '../../audit/verify';
import type { AuditEvent, AuditEventInput } from '../../access/model';
import type { Db } from '../db';
import { auditEvents, type AuditRow } from '../schema';

/** Any fixed 64-bit key: sealers (one per process) take turns on it. */
const AUDIT_CHAIN_LOCK = 0x6a69_7462_6f74;

export interface PendingAudit {
  event: AuditEventInput;
  at: Date;
}

/** Inserts events unsealed: no lock, so concurrent transactions never wait on the chain. */
export async function insertUnsealed(db: Db, events: PendingAudit[]): Promise<void> {
  if (events.length === 0) return;
  await db.insert(auditEvents).values(
    events.map(({ event, at }) => ({
      at,
      action: event.action,
      requestId: event.requestId,
      grantId: event.grantId ?? null,
      actorPlatform: event.actor.platform,
      actorId: event.actor.userId,
      data: normaliseData(event.data),
    })),
  );
}

/**
 * `insert into audit_events … select …` for a CTE of a statement that changes grants: one
 * unsealed row per row of `source` (which has the grant's `id` and `request_id`), so the
 * change and its audit rows are one statement. The sealer chains them after commit, as any.
 */
export function insertUnsealedFrom(source: SQL, event: Pick<AuditEventInput, 'action' | 'actor'>, at: Date, data: SQL = sql`null`): SQL {
  return sql`
    insert into audit_events (at, action, request_id, grant_id, actor_platform, actor_id, data)
    select ${at.toISOString()}::timestamptz, ${event.action}, s.request_id, s.id, ${event.actor.platform}, ${event.actor.userId}, ${data}
    from ${source} s`;
}

/**
 * Seals up to `limit` committed, unsealed rows onto the chain, oldest id first,
 * and returns how many. The advisory lock makes sealers take turns, so each reads
 * the head another sealer committed. A row that commits late (a lower id than
 * rows already sealed) simply joins the chain later: the chain's order is `seq`.
 */
export async function sealPending(db: Db, limit: number): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
    const [head] = await tx
      .select({ seq: auditEvents.seq, hash: auditEvents.hash })
      .from(auditEvents)
      .where(isNotNull(auditEvents.seq))
      .orderBy(desc(auditEvents.seq))
      .limit(1);
    const pending = await tx.select().from(auditEvents).where(isNull(auditEvents.seq)).orderBy(asc(auditEvents.id)).limit(limit);
    if (pending.length === 0) return 0;
    let seq = head?.seq ?? 0;
    let prevHash = head?.hash ?? GENESIS_HASH;
    const sealed = pending.map((row) => {
      const hash = rowHash({ ...row, prevHash });
      const link = { id: row.id, seq: ++seq, prevHash, hash };
      prevHash = hash;
      return link;
    });
    const values = sql.join(
      sealed.map((r) => sql`(${r.id}::bigint, ${r.seq}::bigint, ${r.prevHash}, ${r.hash})`),
      sql`, `,
    );
    await tx.execute(sql`update audit_events as a set seq = v.seq, prev_hash = v.prev_hash, hash = v.hash
      from (values ${values}) as v(id, seq, prev_hash, hash) where a.id = v.id`);
    return sealed.length;
  });
}

/** Rows not yet sealed: how many, and the oldest one's time. */
export async function unsealedSummary(db: Db): Promise<{ count: number; oldest: Date | null }> {
  const [row] = await db
    .select({ count: count(), oldest: min(auditEvents.at) })
    .from(auditEvents)
    .where(isNull(auditEvents.seq));
  return { count: row?.count ?? 0, oldest: row?.oldest ?? null };
}

export function toAuditEvent(row: AuditRow): AuditEvent {
  return {
    id: row.id,
    at: row.at,
    action: row.action,
    requestId: row.requestId,
    grantId: row.grantId,
    actor: { platform: row.actorPlatform, userId: row.actorId } as AuditEvent['actor'],
    data: row.data ?? undefined,
  };
}

/** The sealed rows in chain order, read in pages so a long log never sits in memory at once. */
export async function* readChain(db: Db, pageSize = 1000): AsyncGenerator<StoredAuditRow> {
  let after = 0;
  for (;;) {
    const page = await db.select().from(auditEvents).where(gt(auditEvents.seq, after)).orderBy(asc(auditEvents.seq)).limit(pageSize);
    yield* page;
    if (page.length < pageSize) return;
    after = page.at(-1)!.seq!;
  }
}

/** Rows with `since <= at < until`, in id order, paged. */
export async function* readBetween(db: Db, since: Date, until: Date, pageSize = 1000): AsyncGenerator<AuditRow> {
  let after = 0;
  for (;;) {
    const page = await db
      .select()
      .from(auditEvents)
      .where(and(gt(auditEvents.id, after), gte(auditEvents.at, since), lt(auditEvents.at, until)))
      .orderBy(asc(auditEvents.id))
      .limit(pageSize);
    yield* page;
    if (page.length < pageSize) return;
    after = page.at(-1)!.id;
  }
}

/** One request's events, oldest first. */
export async function listForRequest(db: Db, requestId: string): Promise<AuditEvent[]> {
  const rows = await db.select().from(auditEvents).where(eq(auditEvents.requestId, requestId)).orderBy(asc(auditEvents.id));
  return rows.map(toAuditEvent);
}
