import type { ExtensionNotice, ExtensionView, FollowUpNotifier } from '../../access/extension-model';
import type { ChatMessageRef, RequestView } from '../../access/model';
import { findRole, type Policy } from '../../access/policy';
import { extensionCard, extensionNotice } from './cards/extension-card';
import { person } from './cards/format';
import { approvalTeamsChannel, type TeamsNotifier } from './notifier';
import type { TeamsPoster } from './proactive';

/** Extension cards, their 1:1 notices, and reminders on Teams (posted through the notifier's channels and chats). */
export class TeamsFollowUps implements FollowUpNotifier {
  constructor(
    private readonly notifier: TeamsNotifier,
    private readonly poster: TeamsPoster,
    private readonly policy: Policy,
  ) {}

  async postExtensionCards(view: ExtensionView): Promise<ChatMessageRef[]> {
    const role = findRole(this.policy, view.request.request.roleId);
    const channel = role && approvalTeamsChannel(this.policy, role);
    return this.notifier.postCard(channel, extensionCard(view), `Extension of ${view.request.request.id}`);
  }

  async updateExtensionCards(view: ExtensionView, refs: ChatMessageRef[]): Promise<void> {
    await this.notifier.updateCards(refs, extensionCard(view));
  }

  async tellAboutExtension(view: ExtensionView, notice: ExtensionNotice): Promise<void> {
    const { request } = view.request;
    if (request.requesterPlatform !== 'teams') return;
    await this.notifier.tellPerson(request.requesterId, extensionNotice(view, notice), { requestId: request.id, notice: notice.kind });
  }

  /** A reply in the thread of each Teams approval card: the channel sees it, the card stays the one place to decide. */
  async remindApprovers(view: RequestView, refs: ChatMessageRef[]): Promise<void> {
    const { request } = view;
    const text = `🔔 Reminder: \`${request.id}\` (**${request.roleId}** for ${person(request.requesterId)}) is still waiting for approval. Approve or deny it on the card above.`;
    await Promise.all(refs.filter((r) => r.platform === 'teams').map((ref) => this.poster.inThread(ref.channel, ref.messageId, (context) => context.sendActivity(text))));
  }
}
