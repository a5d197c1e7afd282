import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** The sandbox provider's own record of "access" (no cloud is touched). */
export const sandboxGrants = pgTable('sandbox_grants', {
  grantId: text('grant_id').primaryKey(),
  roleId: text('role_id').notNull(),
  principal: text('principal').notNull(),
  grantedAt: timestamp('granted_at', { withTimezone: true }).notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});
