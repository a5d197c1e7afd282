import { and, asc, eq, gt, gte, lt, sql } from 'drizzle-orm';
import { GENESIS_HASH, normaliseData, rowHash } from '../../audit/chain';
import type { StoredAuditRow } from '../../audit/verify';
import type { AuditEvent, AuditEventInput } from '../../access/model';
import type { Db } from '../db';
import { auditEvents, type AuditRow } from '../schema';

/** Any fixed 64-bit key: every chain append in the database takes this one lock. */
const AUDIT_CHAIN_LOCK = 0x6a69_7462_6f74;

export interface PendingAudit {
  event: AuditEventInput;
  at: Date;
}

/**
 * Appends events to the hash chain. Must run inside a transaction: the advisory
 * lock (released at commit) makes concurrent appenders take turns, so each reads
 * the committed head and links to it. Callers append last in their transaction
 * (the store buffers events until then), so the lock is held only for these
 * inserts and the commit.
 */
export async function appendChained(tx: Db, events: PendingAudit[]): Promise<void> {
  if (events.length === 0) return;
  // The lock needs a statement of its own: the head must be read with a snapshot taken
  // after the lock is held. Head and ids then come in one round trip, since every
  // other appender waits while this one talks to Postgres.
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
  const [next] = rowsOf<{ head: string | null; ids: string[] }>(
    await tx.execute(sql`select (select hash from audit_events order by id desc limit 1) as head,
      array(select nextval(pg_get_serial_sequence('audit_events', 'id'))::text from generate_series(1, ${events.length})) as ids`),
  );
  const ids = next!.ids.map((id) => ({ id }));
  let prevHash = next!.head ?? GENESIS_HASH;
  const rows = events.map(({ event, at }, i) => {
    const fields = {
      id: Number(ids[i]!.id),
      at,
      action: event.action,
      requestId: event.requestId,
      grantId: event.grantId ?? null,
      actorPlatform: event.actor.platform,
      actorId: event.actor.userId,
      data: normaliseData(event.data),
      prevHash,
    };
    const hash = rowHash(fields);
    prevHash = hash;
    return { ...fields, hash };
  });
  await tx.insert(auditEvents).values(rows);
}

/** postgres.js returns the rows as the result; PGlite wraps them in `{ rows }`. */
function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows;
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

/** Every row in id order, read in pages so a long log never sits in memory at once. */
export async function* readChain(db: Db, pageSize = 1000): AsyncGenerator<StoredAuditRow> {
  let after = 0;
  for (;;) {
    const page = await db.select().from(auditEvents).where(gt(auditEvents.id, after)).orderBy(asc(auditEvents.id)).limit(pageSize);
    yield* page;
    if (page.length < pageSize) return;
    after = page.at(-1)!.id;
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
