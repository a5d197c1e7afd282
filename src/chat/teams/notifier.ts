import type { CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import type { ChatMessageRef, RequestView } from '../../access/model';
import type { Policy, Role } from '../../access/policy';
import type { Notifier, RequesterNotice } from '../../access/ports';
import type { Logger } from '../../lib/logger';
import { approvalCard } from './cards/approval-card';
import { requesterNotice } from './cards/notices';
import type { ConversationReferenceStore } from './conversation-store';
import { cardMessage } from './say';

/** The Teams channel a role's approval cards go to (a role's own, else the default). */
export function approvalTeamsChannel(policy: Policy, role: Role): string | undefined {
  return role.approval.teams_channel ?? policy.approvals.teams_channel;
}

/** The core's Notifier port on Teams: cards in approval channels, 1:1 messages to requesters, all proactive. */
export class TeamsNotifier implements Notifier {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    private readonly conversations: ConversationReferenceStore,
    private readonly policy: Policy,
    private readonly logger: Logger,
  ) {}

  async postApprovalCards(view: RequestView, role: Role): Promise<ChatMessageRef[]> {
    const channel = approvalTeamsChannel(this.policy, role);
    if (!channel) return [];
    let messageId: string | undefined;
    await this.inConversation(channel, async (context) => {
      messageId = (await context.sendActivity(cardMessage(approvalCard(view, role), `Access request ${view.request.id}: ${role.id}`)))?.id;
    });
    return messageId ? [{ platform: 'teams', channel, messageId }] : [];
  }

  /**
   * Teams has no escalation channel setting of its own yet: the tier's card goes to the
   * role's Teams channel again (a fresh post notifies the channel); its teams_users can decide.
   */
  async postEscalationCards(view: RequestView, role: Role): Promise<ChatMessageRef[]> {
    return this.postApprovalCards(view, role);
  }

  async updateApprovalCards(view: RequestView, role: Role, refs: ChatMessageRef[]): Promise<void> {
    await Promise.all(
      refs
        .filter((r) => r.platform === 'teams')
        .map((ref) =>
          this.inConversation(ref.channel, async (context) => {
            await context.updateActivity({ ...cardMessage(approvalCard(view, role)), id: ref.messageId });
          }),
        ),
    );
  }

  async tellRequester(view: RequestView, role: Role, notice: RequesterNotice): Promise<void> {
    if (view.request.requesterPlatform !== 'teams') return;
    const personal = await this.conversations.forUser(view.request.requesterId);
    if (!personal) {
      this.logger.warn({ requestId: view.request.id, notice: notice.kind }, 'no 1:1 chat with the Teams requester yet (they have not installed the bot personally): notice not sent');
      return;
    }
    const message = requesterNotice(view, role, notice);
    await this.continue(personal.reference as Partial<ConversationReference>, (context) => context.sendActivity(cardMessage(message.card, message.text)));
  }

  async alertSecurity(text: string): Promise<void> {
    const channel = this.policy.digest?.teams_channel;
    if (!channel) {
      this.logger.error({ alert: text }, 'security alert with no digest.teams_channel configured');
      return;
    }
    await this.inConversation(channel, (context) => context.sendActivity(text));
  }

  /** Runs `logic` in a conversation the bot has seen, or in a channel of a team in the same region. */
  private async inConversation(conversationId: string, logic: (context: TurnContext) => Promise<unknown>): Promise<void> {
    const stored = await this.conversations.forConversation(conversationId);
    if (stored) return this.continue(stored.reference as Partial<ConversationReference>, logic);
    // A channel other than the one the bot was installed in: same tenant, same service URL.
    const serviceUrl = await this.conversations.latestServiceUrl();
    if (!serviceUrl) throw new Error(`Teams conversation ${conversationId} is unknown: add jitbot to its team first (README, "Teams").`);
    return this.continue({ channelId: 'msteams', serviceUrl, conversation: { id: conversationId, isGroup: true, conversationType: 'channel', name: '' } }, logic);
  }

  private async continue(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<unknown>): Promise<void> {
    await this.adapter.continueConversationAsync(this.appId, reference, async (context) => {
      // The synthetic "continue" event has a random id, which botbuilder would turn into
      // `replyToId`: posts would reply to a message that does not exist instead of starting their own.
      context.activity.id = undefined;
      await logic(context);
    });
  }
}
