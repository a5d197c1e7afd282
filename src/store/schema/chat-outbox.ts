import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { ChatEffect, ChatProgress } from '../../access/outbox/effects';

/**
 * Chat work owed after a fact was recorded (a card update and DM after a revoke, a security
 * alert, a reminder): written to Postgres first, delivered by the `chat` queue with its own
 * retries, re-queued by the reconciler when Redis lost it. `progress` records the parts
 * already delivered, so a retry repeats none of them.
 */
export const chatOutbox = pgTable(
  'chat_outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    requestId: text('request_id'),
    effect: jsonb('effect').$type<ChatEffect>().notNull(),
    progress: jsonb('progress').$type<ChatProgress>().notNull().default({}),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    /** Given up on (too old, or nothing left that could be delivered); audited as notify.failed. */
    abandonedAt: timestamp('abandoned_at', { withTimezone: true }),
  },
  (t) => [
    index('chat_outbox_owed_idx')
      .on(t.createdAt)
      .where(sql`${t.deliveredAt} is null and ${t.abandonedAt} is null`),
  ],
);
