import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * Append-only record of every request, decision, refusal, grant and revoke.
 * Rows are hash-chained (src/audit/chain.ts) in `seq` order: `prev_hash` is the
 * hash of the row before, `hash` covers this row's fields and `prev_hash`. A row
 * is inserted unsealed (all three null) and sealed just after its transaction
 * commits (src/store/repos/audit-sealer.ts), so appenders never queue on the chain.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    action: text('action').notNull(),
    // No foreign key: refusals of unknown request ids are audited too.
    requestId: text('request_id'),
    grantId: text('grant_id'),
    actorPlatform: text('actor_platform').notNull(),
    actorId: text('actor_id').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>(),
    prevHash: text('prev_hash'),
    hash: text('hash'),
    /** Position in the chain; null until sealed. */
    seq: bigint('seq', { mode: 'number' }),
  },
  (t) => [
    index('audit_events_request_idx').on(t.requestId, t.id),
    index('audit_events_at_idx').on(t.at),
    uniqueIndex('audit_events_seq_idx').on(t.seq),
    // The sealer's scan: only the few rows awaiting a seal are in it.
    index('audit_events_unsealed_idx')
      .on(t.id)
      .where(sql`${t.seq} is null`),
  ],
);

export type AuditRow = typeof auditEvents.$inferSelect;
