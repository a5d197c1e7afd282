import type { ExtensionNotice, ExtensionView } from '../../access/model/extension';
import type { ChatMessageRef, RequestView } from '../../access/model';
import { findRole, type EscalationTier, type Policy, type Role } from '../../access/policy';
import type { Notifier, RequesterNotice, SecurityAlert } from '../../access/ports';
import type { Logger } from '../../lib/logger';
import { escalationWords, reminderWords } from '../words/approval';
import { alertTone, securityAlertWords } from '../words/security';
import { approvalCard } from './cards/approval-card';
import { card, text, withMentions, type AdaptiveCard } from './cards/card';
import { extensionCard, extensionNotice } from './cards/extension-card';
import { plain, teamsMarkup } from './cards/format';
import { requesterNotice } from './cards/notices';
import { mentioning, withoutMentionTags, type MentionSources } from './mentions';
import type { TeamsPoster } from './proactive';
import { cardMessage } from './say';

/** The Teams channel a role's approval cards go to (a role's own, else the default). */
export function approvalTeamsChannel(policy: Policy, role: Role): string | undefined {
  return role.approval.teams_channel ?? policy.approvals.teams_channel;
}

/** The core's Notifier port on Teams: cards in approval channels, 1:1 messages to requesters, alerts in the security channel, all proactive. */
export class TeamsNotifier implements Notifier {
  constructor(
    private readonly poster: TeamsPoster,
    private readonly policy: Policy,
    private readonly logger: Logger,
    private readonly mentions: MentionSources,
  ) {}

  postApprovalCards(view: RequestView, role: Role): Promise<ChatMessageRef[]> {
    return this.postCard(
      approvalTeamsChannel(this.policy, role),
      approvalCard(view, role),
      `Access request ${view.request.id}: ${role.id}`,
    );
  }

  /**
   * Teams has no escalation channel setting of its own: the tier's card goes to the role's
   * Teams channel again (a fresh post notifies the channel), headed by whom it now asks.
   */
  async postEscalationCards(view: RequestView, role: Role, tier: EscalationTier, tierIndex: number): Promise<ChatMessageRef[]> {
    const refs = await this.postCard(
      approvalTeamsChannel(this.policy, role),
      await this.escalationCard(view, role, tier, tierIndex),
      `Escalated: access request ${view.request.id}`,
    );
    return refs.map((ref) => ({ ...ref, tier: tierIndex }));
  }

  /** A tier's card: headed by whom it now asks, each @mentioned; the header is kept when the card is updated. */
  private async escalationCard(view: RequestView, role: Role, tier: EscalationTier, tierIndex: number): Promise<AdaptiveCard> {
    const { markup, entities } = await mentioning(teamsMarkup, [tier.approvers], this.mentions, this.logger);
    const header = `⏫ ${escalationWords(view.request, tier, tierIndex, markup)}`;
    return withMentions(approvalCard(view, role, undefined, header), entities());
  }

  /** Posts a card to a channel; the ref lets it be updated later (none when the role has no Teams channel). */
  async postCard(channel: string | undefined, card: AdaptiveCard, summary: string): Promise<ChatMessageRef[]> {
    if (!channel) return [];
    let messageId: string | undefined;
    await this.poster.inConversation(channel, async (context) => {
      messageId = (await context.sendActivity(cardMessage(card, summary)))?.id;
    });
    return messageId ? [{ platform: 'teams', channel, messageId }] : [];
  }

  /** A tier's card keeps its header (plain when the policy has dropped the tier since). */
  async updateApprovalCards(view: RequestView, role: Role, refs: ChatMessageRef[]): Promise<void> {
    await Promise.all(
      refs.map(async (ref) => {
        const tier = ref.tier === undefined ? undefined : role.approval.escalation[ref.tier];
        const card =
          tier && ref.tier !== undefined ? await this.escalationCard(view, role, tier, ref.tier) : approvalCard(view, role, undefined);
        return this.updateCards([ref], card);
      }),
    );
  }

  /** Replaces each Teams card among `refs` with `card` for everyone in its channel. */
  async updateCards(refs: ChatMessageRef[], card: AdaptiveCard): Promise<void> {
    await Promise.all(
      refs
        .filter((r) => r.platform === 'teams')
        .map((ref) =>
          this.poster.inConversation(ref.channel, (context) => context.updateActivity({ ...cardMessage(card), id: ref.messageId })),
        ),
    );
  }

  async tellRequester(view: RequestView, role: Role, notice: RequesterNotice): Promise<void> {
    if (view.request.requesterPlatform !== 'teams') return;
    const message = requesterNotice(view, role, notice);
    await this.tellPerson(view.request.requesterId, message, { requestId: view.request.id, notice: notice.kind });
  }

  /** A 1:1 message; logged, not thrown, when the person never installed the bot (Teams allows no other way in). */
  async tellPerson(aadObjectId: string, message: { text: string; card: AdaptiveCard }, about: Record<string, unknown>): Promise<void> {
    const sent = await this.poster.withUser(aadObjectId, (context) => context.sendActivity(cardMessage(message.card, message.text)));
    if (!sent) this.logger.warn(about, 'no 1:1 chat with the Teams user yet (they have not installed the bot personally): notice not sent');
  }

  /**
   * A reply in the thread of each Teams approval card, @mentioning the role's approvers: the
   * channel sees it, the card stays the one place to decide. A small card, because Teams
   * documents mentions by Entra object id for cards.
   */
  async remindApprovers(view: RequestView, refs: ChatMessageRef[]): Promise<void> {
    const teamsRefs = refs.filter((r) => r.platform === 'teams');
    if (teamsRefs.length === 0) return;
    const approvers = findRole(this.policy, view.request.roleId)?.approval.approvers;
    const { markup, entities } = await mentioning(teamsMarkup, approvers ? [approvers] : [], this.mentions, this.logger);
    const words = reminderWords(view.request, approvers, markup);
    const reminder = withMentions(card([text(words)]), entities());
    await Promise.all(
      teamsRefs.map((ref) =>
        this.poster.inThread(ref.channel, ref.messageId, (context) =>
          context.sendActivity(cardMessage(reminder, withoutMentionTags(plain(words)))),
        ),
      ),
    );
  }

  async postExtensionCards(view: ExtensionView): Promise<ChatMessageRef[]> {
    const role = findRole(this.policy, view.request.request.roleId);
    const channel = role && approvalTeamsChannel(this.policy, role);
    return this.postCard(channel, extensionCard(view), `Extension of ${view.request.request.id}`);
  }

  async updateExtensionCards(view: ExtensionView, refs: ChatMessageRef[]): Promise<void> {
    await this.updateCards(refs, extensionCard(view));
  }

  async tellAboutExtension(view: ExtensionView, notice: ExtensionNotice): Promise<void> {
    const { request } = view.request;
    if (request.requesterPlatform !== 'teams') return;
    await this.tellPerson(request.requesterId, extensionNotice(view, notice), { requestId: request.id, notice: notice.kind });
  }

  async alertSecurity(alert: SecurityAlert): Promise<void> {
    const text = plain(`${alertTone(alert) === 'alarm' ? '🚨' : '✅'} ${securityAlertWords(alert, teamsMarkup)}`);
    const channel = this.policy.digest?.teams_channel;
    if (!channel) {
      this.logger.error({ alert: text }, 'security alert with no digest.teams_channel configured');
      return;
    }
    await this.poster.inConversation(channel, (context) => context.sendActivity(text));
  }
}
