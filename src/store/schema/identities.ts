import { boolean, index, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type { Platform } from '../../access/model';

/**
 * What Slack (`users.info`) or Teams (the roster) last said about an account: its e-mail,
 * which makes accounts on both platforms one person, and whether it may use jitbot at all
 * (a guest, an external, deactivated, a bot). Refreshed when older than the refresh interval.
 */
export const identities = pgTable(
  'identities',
  {
    platform: text('platform').$type<Platform>().notNull(),
    /** Slack user id, or Entra object id (lower case). */
    accountId: text('account_id').notNull(),
    /** Lower case; null when the platform gave none. */
    email: text('email'),
    displayName: text('display_name'),
    /** Slack team or Entra tenant the account belongs to. */
    homeId: text('home_id'),
    guest: boolean('guest').notNull().default(false),
    /** From another workspace or tenant (Slack Connect, a federated Teams user). */
    external: boolean('external').notNull().default(false),
    deleted: boolean('deleted').notNull().default(false),
    bot: boolean('bot').notNull().default(false),
    refreshedAt: timestamp('refreshed_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.accountId] }), index('identities_email_idx').on(t.email)],
);
