import { index, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { Decision, Platform } from '../../access/model';
import { accessRequests } from './access-requests';

/**
 * Each approver's decision. One per person (`approver_person`, across Slack and Teams): a
 * second click, or the same person on the other platform, is refused by the unique index.
 */
export const approvals = pgTable(
  'approvals',
  {
    id: serial('id').primaryKey(),
    requestId: text('request_id')
      .notNull()
      .references(() => accessRequests.id),
    approverId: text('approver_id').notNull(),
    approverPlatform: text('approver_platform').$type<Platform>().notNull(),
    approverPerson: text('approver_person').notNull(),
    decision: text('decision').$type<Decision>().notNull(),
    comment: text('comment'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('approvals_one_per_approver').on(t.requestId, t.approverPlatform, t.approverId),
    uniqueIndex('approvals_one_per_person').on(t.requestId, t.approverPerson),
    index('approvals_request_idx').on(t.requestId),
  ],
);
