import type { WebClient } from '@slack/web-api';
import type { ApproverDirectory } from '../../access/ports';

/** Slack user groups resolved at decision time, so membership changes apply at once. */
export class SlackDirectory implements ApproverDirectory {
  constructor(private readonly client: WebClient) {}

  async slackGroupMembers(groupId: string): Promise<string[]> {
    const result = await this.client.usergroups.users.list({ usergroup: groupId });
    return result.users ?? [];
  }
}
