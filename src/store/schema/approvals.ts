import { index, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { Decision, Platform } from '../../access/model';
import { accessRequests } from './access-requests';

/** Each approver's decision; the unique index makes a second click by the same person a no-op. */
export const approvals = pgTable(
  'approvals',
  {
    id: serial('id').primaryKey(),
    requestId: text('request_id').notNull().references(() => accessRequests.id),
    approverId: text('approver_id').notNull(),
    approverPlatform: text('approver_platform').$type<Platform>().notNull(),
    decision: text('decision').$type<Decision>().notNull(),
    comment: text('comment'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('approvals_one_per_approver').on(t.requestId, t.approverPlatform, t.approverId), index('approvals_request_idx').on(t.requestId)],
);
