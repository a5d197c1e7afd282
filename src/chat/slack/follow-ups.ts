import type { WebClient } from '@slack/web-api';
import type { ExtensionNotice, ExtensionView, FollowUpNotifier } from '../../access/extension-model';
import type { ChatMessageRef, RequestView } from '../../access/model';
import { approvalSlackChannel, findRole, type Policy } from '../../access/policy';
import { extensionCard, extensionNotice } from './blocks/extension-card';

/** Extension cards, their DMs, and reminders on Slack. */
export class SlackFollowUps implements FollowUpNotifier {
  constructor(
    private readonly client: WebClient,
    private readonly policy: Policy,
  ) {}

  async postExtensionCards(view: ExtensionView): Promise<ChatMessageRef[]> {
    const role = findRole(this.policy, view.request.request.roleId);
    const channel = role && approvalSlackChannel(this.policy, role);
    if (!channel) return [];
    const result = await this.client.chat.postMessage(extensionCard(view, channel));
    return result.ts && result.channel ? [{ platform: 'slack', channel: result.channel, messageId: result.ts }] : [];
  }

  async updateExtensionCards(view: ExtensionView, refs: ChatMessageRef[]): Promise<void> {
    await Promise.all(refs.filter((r) => r.platform === 'slack').map((ref) => this.client.chat.update({ ...extensionCard(view, ref.channel), channel: ref.channel, ts: ref.messageId })));
  }

  async tellAboutExtension(view: ExtensionView, notice: ExtensionNotice): Promise<void> {
    if (view.request.request.requesterPlatform !== 'slack') return;
    await this.client.chat.postMessage(extensionNotice(view, notice));
  }

  /** A reply in the approval card's thread: everyone watching the channel sees it, the card stays the one place to decide. */
  async remindApprovers(view: RequestView, refs: ChatMessageRef[]): Promise<void> {
    const { request } = view;
    await Promise.all(
      refs
        .filter((r) => r.platform === 'slack')
        .map((ref) =>
          this.client.chat.postMessage({
            channel: ref.channel,
            thread_ts: ref.messageId,
            text: `:bell: Reminder: \`${request.id}\` (*${request.roleId}* for <@${request.requesterId}>) is still waiting for approval. Approve or deny it on the card above.`,
          }),
        ),
    );
  }
}
