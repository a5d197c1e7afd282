import { index, integer, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import type { Platform } from '../../access/model';
import { accessRequests } from './access-requests';

/** Where each approval card was posted, so decisions can update it in place. */
export const chatMessages = pgTable(
  'chat_messages',
  {
    id: serial('id').primaryKey(),
    requestId: text('request_id')
      .notNull()
      .references(() => accessRequests.id),
    platform: text('platform').$type<Platform>().notNull(),
    channel: text('channel').notNull(),
    messageId: text('message_id').notNull(),
    /** Set on a card posted to an escalation tier (0-based), so updates keep its "Escalated" header. */
    escalationTier: integer('escalation_tier'),
    /** The platform said the message is gone for good (deleted, channel archived, bot removed): never updated again. */
    staleAt: timestamp('stale_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('chat_messages_request_idx').on(t.requestId)],
);
