import { and, eq } from 'drizzle-orm';
import { AccessError } from '../../access/model/errors';
import type { Actor, Identity, Platform } from '../../access/model';
import type { PeopleDirectory } from '../../access/ports';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import type { Db } from '../db';
import { identities } from '../schema';

/** What a platform says about one of its accounts, asked now (Slack's `users.info`). */
export type ProfileFetch = (accountId: string) => Promise<Omit<Identity, 'refreshedAt'>>;

/** A stored answer older than this is not used even when the platform cannot be asked. */
const MAX_STALE_MS = 24 * 3_600_000;

/**
 * The PeopleDirectory port over the `identities` table. Platforms that can be asked at
 * any time (Slack) are asked again once the stored answer is older than `refreshEveryMs`;
 * Teams answers only during a turn, so its adapter stores what the roster says (`save`).
 */
export class StoredPeople implements PeopleDirectory {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly refreshEveryMs: number,
    private readonly fetchers: Partial<Record<Platform, ProfileFetch>>,
    private readonly logger: Logger,
  ) {}

  async lookup(actor: Actor): Promise<Identity | undefined> {
    const [stored] = await this.db
      .select()
      .from(identities)
      .where(and(eq(identities.platform, actor.platform), eq(identities.accountId, actor.userId)));
    const fetch = this.fetchers[actor.platform];
    const age = stored ? this.clock.now().getTime() - stored.refreshedAt.getTime() : Infinity;
    if (!fetch || age < this.refreshEveryMs) return stored;
    try {
      const fresh: Identity = { ...(await fetch(actor.userId)), refreshedAt: this.clock.now() };
      await this.save(fresh);
      return fresh;
    } catch (e) {
      this.logger.warn({ err: e, actor }, 'could not ask the platform who a person is');
      if (!stored || age > MAX_STALE_MS)
        throw new AccessError(
          'try_again',
          `I could not check your ${actor.platform === 'slack' ? 'Slack' : 'Teams'} profile just now. Please try again in a minute.`,
        );
      return stored;
    }
  }

  async save(identity: Identity): Promise<void> {
    const { platform: _platform, accountId: _accountId, ...facts } = identity;
    await this.db
      .insert(identities)
      .values(identity)
      .onConflictDoUpdate({ target: [identities.platform, identities.accountId], set: facts });
  }

  withEmail(email: string): Promise<Identity[]> {
    return this.db.select().from(identities).where(eq(identities.email, email));
  }
}
