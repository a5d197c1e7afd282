import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { Platform, RequestStatus } from '../../access/model';

/** One row per `/jit request`; `id` is what users see and buttons carry. */
export const accessRequests = pgTable(
  'access_requests',
  {
    id: text('id').primaryKey(),
    status: text('status').$type<RequestStatus>().notNull(),
    roleId: text('role_id').notNull(),
    requesterId: text('requester_id').notNull(),
    requesterPlatform: text('requester_platform').$type<Platform>().notNull(),
    /** The person behind the account (access/people.ts): `email:<address>`, or the account itself when no e-mail is known. */
    requesterPerson: text('requester_person').notNull(),
    /** The requester's e-mail when the request was filed (AWS SourceIdentity, on-call look-ups). */
    requesterEmail: text('requester_email'),
    durationMs: bigint('duration_ms', { mode: 'number' }).notNull(),
    reason: text('reason'),
    ticket: text('ticket'),
    approvalsRequired: integer('approvals_required').notNull(),
    autoApproved: boolean('auto_approved').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    /** What an approver shortened the grant to (`jit.approve_duration`); null: as asked. */
    approvedDurationMs: bigint('approved_duration_ms', { mode: 'number' }),
    /** Self-approved under `break_glass`; needs a post-hoc review. */
    breakGlass: boolean('break_glass').notNull().default(false),
    reviewedBy: text('reviewed_by'),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    /** When the overdue-review reminder went out (set once). */
    reviewRemindedAt: timestamp('review_reminded_at', { withTimezone: true }),
    /** When the approvers of this pending request were reminded (`approvals.remind_after`; set once). */
    remindedAt: timestamp('reminded_at', { withTimezone: true }),
    /** The escalation tiers (0-based) already asked; each is asked once. */
    escalatedTiers: integer('escalated_tiers')
      .array()
      .notNull()
      .default(sql`'{}'::integer[]`),
  },
  (t) => [
    index('access_requests_requester_idx').on(t.requesterId, t.createdAt),
    index('access_requests_person_idx').on(t.requesterPerson, t.createdAt),
    index('access_requests_status_idx').on(t.status),
  ],
);
