import { jsonb, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * One row per digest day and platform: where its messages live, so a retry or a
 * second worker edits them instead of posting a second digest. `lease_until`
 * marks a run in progress (one poster at a time).
 */
export const digests = pgTable(
  'digests',
  {
    id: serial('id').primaryKey(),
    day: text('day').notNull(),
    platform: text('platform').notNull(),
    channel: text('channel').notNull(),
    parentTs: text('parent_ts'),
    /** Thread replies by key (`grant:<requestId>`, `anomalies`) → message ts. */
    replies: jsonb('replies').$type<Record<string, string>>().notNull().default({}),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    postedAt: timestamp('posted_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('digests_one_per_day').on(t.day, t.platform)],
);
