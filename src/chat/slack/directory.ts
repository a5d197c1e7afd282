import type { WebClient } from '@slack/web-api';
import type { Identity } from '../../access/model';
import type { ApproverDirectory } from '../../access/ports';

/** The workspace the bot is installed in (`auth.test`), and its Enterprise Grid org if any. */
export interface SlackWorkspace {
  teamId: string;
  enterpriseId?: string;
}

/** The bot as Slack knows it (Bolt needs its ids to ignore its own messages). */
export interface SlackBot {
  botId: string;
  botUserId: string;
}

/**
 * Who and where the bot is, and Slack's answers about people: what the access rules need
 * to know from Slack.
 */
export class SlackDirectory implements ApproverDirectory {
  private self?: Promise<SlackWorkspace & SlackBot>;

  constructor(private readonly client: WebClient) {}

  async slackGroupMembers(groupId: string): Promise<string[]> {
    const result = await this.client.usergroups.users.list({ usergroup: groupId });
    return result.users ?? [];
  }

  /**
   * `auth.test`, asked once and kept; asked again after a failure, so a Slack outage at
   * start-up neither sticks nor crashes anything (it is awaited only by those who need it).
   */
  private whoAmI(): Promise<SlackWorkspace & SlackBot> {
    this.self ??= this.client.auth.test().then(
      (r) => {
        if (!r.team_id || !r.user_id || !r.bot_id)
          throw new Error('Slack auth.test returned no team_id, user_id or bot_id (is SLACK_BOT_TOKEN a bot token, xoxb-…?)');
        return { teamId: r.team_id, ...(r.enterprise_id ? { enterpriseId: r.enterprise_id } : {}), botId: r.bot_id, botUserId: r.user_id };
      },
      (e: unknown) => {
        this.self = undefined;
        throw e;
      },
    );
    return this.self;
  }

  async workspace(): Promise<SlackWorkspace> {
    const { teamId, enterpriseId } = await this.whoAmI();
    return { teamId, ...(enterpriseId ? { enterpriseId } : {}) };
  }

  async bot(): Promise<SlackBot> {
    const { botId, botUserId } = await this.whoAmI();
    return { botId, botUserId };
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
