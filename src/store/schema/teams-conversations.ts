import { index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Teams conversation references, saved at install or first message, for proactive posts. */
export const teamsConversations = pgTable(
  'teams_conversations',
  {
    conversationId: text('conversation_id').primaryKey(),
    kind: text('kind').$type<'personal' | 'channel' | 'groupChat'>().notNull(),
    userAadObjectId: text('user_aad_object_id'),
    serviceUrl: text('service_url').notNull(),
    reference: jsonb('reference').$type<Record<string, unknown>>().notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('teams_conversations_user_idx').on(t.userAadObjectId)],
);

export type TeamsConversationRow = typeof teamsConversations.$inferSelect;
