import type { WebClient } from '@slack/web-api';
import type { Actor } from '../../access/model';
import type { ApproverDirectory } from '../../access/ports';

/** Slack user groups resolved at decision time, so membership changes apply at once. */
export class SlackDirectory implements ApproverDirectory {
  constructor(private readonly client: WebClient) {}

  async slackGroupMembers(groupId: string): Promise<string[]> {
    const result = await this.client.usergroups.users.list({ usergroup: groupId });
    return result.users ?? [];
  }

  /** The profile e-mail (needs the users:read.email scope); only Slack users have one here. */
  async emailOf(actor: Actor): Promise<string | undefined> {
    if (actor.platform !== 'slack') return undefined;
    const result = await this.client.users.info({ user: actor.userId });
    return result.user?.profile?.email ?? undefined;
  }
}
