import { TeamsInfo, type TurnContext } from 'botbuilder';
import { AccessError } from '../../access/model/errors';
import type { AccessService } from '../../access/service';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';

/**
 * Who a Teams user is, from the roster (`TeamsInfo.getMember`): their e-mail (or UPN),
 * whether they are a guest, and which tenant they belong to. Teams answers only within a
 * turn, so the bot reads it at the start of a turn, at most once per refresh interval per
 * person and process, and stores it for the core (`rememberIdentity`).
 */
export class TeamsRoster {
  private readonly readAt = new Map<string, number>();

  constructor(
    private readonly service: AccessService,
    private readonly clock: Clock,
    private readonly refreshEveryMs: number,
    private readonly allowedTenants: readonly string[],
    private readonly logger: Logger,
  ) {}

  /**
   * Reads and stores the sender's roster entry when due. A roster that names another
   * object id for the sender than the activity does is refused; a roster that cannot be
   * read leaves the person without an e-mail (counted as one account), never blocks them.
   */
  async refresh(context: TurnContext): Promise<void> {
    const { from } = context.activity;
    const objectId = from?.aadObjectId?.toLowerCase();
    if (!objectId || !from?.id) return;
    const now = this.clock.now();
    // Keyed by the pair: a Teams user id seen with another object id than before is read again.
    const key = `${from.id} ${objectId}`;
    if (now.getTime() - (this.readAt.get(key) ?? -Infinity) < this.refreshEveryMs) return;
    let member: Awaited<ReturnType<typeof TeamsInfo.getMember>>;
    try {
      member = await TeamsInfo.getMember(context, from.id);
    } catch (e) {
      this.logger.warn({ err: e, objectId }, 'could not read the Teams roster: the person counts without an e-mail for now');
      return;
    }
    if (member.aadObjectId && member.aadObjectId.toLowerCase() !== objectId) {
      throw new AccessError(
        'not_allowed',
        'Teams says this account belongs to someone else than the activity claims, so I cannot act for you.',
      );
    }
    const email = (member.email || member.userPrincipalName || '').trim().toLowerCase();
    const tenant = member.tenantId?.toLowerCase() ?? null;
    await this.service.rememberIdentity({
      platform: 'teams',
      accountId: objectId,
      email: email.includes('@') ? email : null,
      displayName: member.name ?? null,
      homeId: tenant,
      guest: member.userRole === 'guest',
      external: tenant !== null && !this.allowedTenants.includes(tenant),
      deleted: false,
      bot: false,
      refreshedAt: now,
    });
    this.readAt.set(key, now.getTime());
  }
}
