import { bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Append-only record of every request, decision, refusal, grant and revoke.
 * Rows are hash-chained (src/audit/chain.ts): `prev_hash` is the hash of the row
 * before, `hash` covers this row's fields and `prev_hash`. Both are null only on
 * rows written before the chain existed.
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
  },
  (t) => [index('audit_events_request_idx').on(t.requestId, t.id), index('audit_events_at_idx').on(t.at)],
);

export type AuditRow = typeof auditEvents.$inferSelect;
