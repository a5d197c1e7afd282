import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { GrantActivity } from '../../access/model/activity';
import type { GrantStatus } from '../../access/model';
import { accessRequests } from './access-requests';

/** Access given by a provider. Written (`granting`) before the provider is called. */
export const grants = pgTable(
  'grants',
  {
    id: text('id').primaryKey(),
    requestId: text('request_id')
      .notNull()
      .references(() => accessRequests.id),
    status: text('status').$type<GrantStatus>().notNull(),
    provider: text('provider').notNull(),
    providerRef: text('provider_ref'),
    activatedAt: timestamp('activated_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokeRequestedBy: text('revoke_requested_by'),
    revokeRequestedAt: timestamp('revoke_requested_at', { withTimezone: true }),
    failureReason: text('failure_reason'),
    revokeAttempts: integer('revoke_attempts').notNull().default(0),
    /** When the provider confirmed the access is gone after the revoke (`verifyRevoked`). */
    revokeVerifiedAt: timestamp('revoke_verified_at', { withTimezone: true }),
    /** When the first check after the revoke found the access still standing (or could not tell); the retries revoke again. */
    verifyFailedAt: timestamp('verify_failed_at', { withTimezone: true }),
    /** The activity summary (access/activity-model.ts); null until the lookup after the grant ended. */
    activity: jsonb('activity').$type<GrantActivity>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('grants_one_per_request').on(t.requestId), index('grants_status_expiry_idx').on(t.status, t.expiresAt)],
);
