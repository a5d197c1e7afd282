import { sql } from 'drizzle-orm';
import { bigint, index, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { ExtensionStatus } from '../../access/model/extension';
import type { ChatMessageRef, Platform } from '../../access/model';
import { accessRequests } from './access-requests';
import { grants } from './grants';

/**
 * Asks to make an active grant longer (`/jit extend`). The partial unique index keeps
 * at most one pending ask per grant, so two asks cannot both be approved on top of
 * each other.
 */
export const grantExtensions = pgTable(
  'grant_extensions',
  {
    id: serial('id').primaryKey(),
    requestId: text('request_id')
      .notNull()
      .references(() => accessRequests.id),
    grantId: text('grant_id')
      .notNull()
      .references(() => grants.id),
    askedBy: text('asked_by').notNull(),
    askedByPlatform: text('asked_by_platform').$type<Platform>().notNull(),
    /** The person who asked (access/people.ts), so nobody approves their own ask from another platform. */
    askedByPerson: text('asked_by_person').notNull(),
    addMs: bigint('add_ms', { mode: 'number' }).notNull(),
    status: text('status').$type<ExtensionStatus>().notNull(),
    decidedBy: text('decided_by'),
    decidedByPlatform: text('decided_by_platform').$type<Platform | 'system'>(),
    /** The grant's expiry once this was applied (approved ones only). */
    newExpiresAt: timestamp('new_expires_at', { withTimezone: true }),
    /** Where its approval cards were posted, so a decision updates them in place. */
    cards: jsonb('cards').$type<ChatMessageRef[]>().notNull().default([]),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('grant_extensions_one_pending')
      .on(t.grantId)
      .where(sql`${t.status} = 'pending'`),
    index('grant_extensions_request_idx').on(t.requestId),
  ],
);
