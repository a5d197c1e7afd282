import type { WebClient } from '@slack/web-api';
import type { Identity } from '../../access/model';
import type { ApproverDirectory } from '../../access/ports';

/** The workspace the bot is installed in (`auth.test`), and its Enterprise Grid org if any. */
export interface SlackWorkspace {
  teamId: string;
  enterpriseId?: string;
}

/**
 * What Slack says about people: user groups resolved at decision time (so membership
 * changes apply at once), profiles (`users.info`), and the bot's own workspace.
 */
export class SlackDirectory implements ApproverDirectory {
  private home?: Promise<SlackWorkspace>;

  constructor(private readonly client: WebClient) {}

  async slackGroupMembers(groupId: string): Promise<string[]> {
    const result = await this.client.usergroups.users.list({ usergroup: groupId });
    return result.users ?? [];
  }

  /** Asked once (`auth.test`); asked again after a failure, so a Slack outage at start-up does not stick. */
  workspace(): Promise<SlackWorkspace> {
    this.home ??= this.client.auth.test().then(
      (r) => {
        if (!r.team_id) throw new Error('Slack auth.test returned no team_id');
        return { teamId: r.team_id, ...(r.enterprise_id ? { enterpriseId: r.enterprise_id } : {}) };
      },
      (e: unknown) => {
        this.home = undefined;
        throw e;
      },
    );
    return this.home;
  }

  /**
   * A person as Slack describes them (`users.info`; the e-mail needs `users:read.email`).
   * Someone whose home is another workspace (Slack Connect) is external, unless it is
   * another workspace of the bot's own Enterprise Grid org.
   */
  async profile(userId: string): Promise<Omit<Identity, 'refreshedAt'>> {
    const [{ user }, home] = await Promise.all([this.client.users.info({ user: userId }), this.workspace()]);
    if (!user) throw new Error(`Slack users.info returned no user for ${userId}`);
    const sameOrg = home.enterpriseId !== undefined && user.enterprise_user?.enterprise_id === home.enterpriseId;
    return {
      platform: 'slack',
      accountId: userId,
      email: user.profile?.email?.trim().toLowerCase() || null,
      displayName: user.real_name || user.name || null,
      homeId: user.team_id ?? null,
      guest: Boolean(user.is_restricted || user.is_ultra_restricted),
      external: Boolean(user.is_stranger) || (user.team_id !== home.teamId && !sameOrg),
      deleted: Boolean(user.deleted),
      bot: Boolean(user.is_bot) || userId === 'USLACKBOT',
    };
  }
}
