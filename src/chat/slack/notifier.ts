import type { WebClient } from '@slack/web-api';
import type { ExtensionNotice, ExtensionView } from '../../access/model/extension';
import type { ChatMessageRef, RequestView } from '../../access/model';
import { approvalSlackChannel, findRole, type EscalationTier, type Policy, type Role } from '../../access/policy';
import type { Notifier, RequesterNotice, SecurityAlert } from '../../access/ports';
import type { Logger } from '../../lib/logger';
import { escalationWords, reminderWords } from '../words/approval';
import { alertTone, securityAlertWords } from '../words/security';
import { approvalCard } from './blocks/approval-card';
import { extensionCard, extensionNotice } from './blocks/extension-card';
import { slackMarkup } from './blocks/format';
import { requesterNotice } from './blocks/notices';

/** The header of a tier's card; kept when the card is updated. */
function escalationHeader(view: RequestView, tier: EscalationTier, tierIndex: number): string {
  return `:arrow_double_up: ${escalationWords(view.request, tier, tierIndex, slackMarkup)}`;
}

/** The core's Notifier port on Slack: cards in approval channels, DMs to requesters, alerts in the security channel. */
export class SlackNotifier implements Notifier {
  constructor(
    private readonly client: WebClient,
    private readonly policy: Policy,
    private readonly logger: Logger,
    /** Redraws a person's App Home (it would show "Revoking now…" until they reopened it). */
    private readonly refreshHome?: (userId: string) => Promise<void>,
  ) {}

  async postApprovalCards(view: RequestView, role: Role): Promise<ChatMessageRef[]> {
    const channel = approvalSlackChannel(this.policy, role);
    if (!channel) return [];
    const result = await this.client.chat.postMessage(approvalCard(view, role, channel));
    return result.ts && result.channel ? [{ platform: 'slack', channel: result.channel, messageId: result.ts }] : [];
  }

  /** The tier's card goes to its channel (default: the role's), naming whom it now asks so Slack notifies them. */
  async postEscalationCards(view: RequestView, role: Role, tier: EscalationTier, tierIndex: number): Promise<ChatMessageRef[]> {
    const channel = tier.slack_channel ?? approvalSlackChannel(this.policy, role);
    if (!channel) return [];
    const header = escalationHeader(view, tier, tierIndex);
    const result = await this.client.chat.postMessage(approvalCard(view, role, channel, header));
    return result.ts && result.channel ? [{ platform: 'slack', channel: result.channel, messageId: result.ts, tier: tierIndex }] : [];
  }

  async updateApprovalCards(view: RequestView, role: Role, refs: ChatMessageRef[]): Promise<void> {
    await Promise.all(
      refs
        .filter((r) => r.platform === 'slack')
        .map((ref) =>
          this.client.chat.update({
            ...approvalCard(view, role, ref.channel, this.headerOf(view, role, ref)),
            channel: ref.channel,
            ts: ref.messageId,
          }),
        ),
    );
  }

  /** A tier's card keeps its header (the policy may have dropped the tier since: then plain). */
  private headerOf(view: RequestView, role: Role, ref: ChatMessageRef): string | undefined {
    if (ref.tier === undefined) return undefined;
    const tier = role.approval.escalation[ref.tier];
    return tier && escalationHeader(view, tier, ref.tier);
  }

  async tellRequester(view: RequestView, role: Role, notice: RequesterNotice): Promise<void> {
    if (view.request.requesterPlatform !== 'slack') return;
    // Posting to a user id opens (or reuses) the app's DM with them: private by construction.
    await this.client.chat.postMessage(requesterNotice(view, role, notice));
    if (notice.kind === 'ended' && this.refreshHome) {
      // Best effort: the DM is what counts; a Home tab left stale is redrawn when it is opened.
      await this.refreshHome(view.request.requesterId).catch((err: unknown) =>
        this.logger.warn({ err, requestId: view.request.id }, 'could not redraw the App Home after the access ended'),
      );
    }
  }

  /** A reply in the approval card's thread: everyone watching the channel sees it, the card stays the one place to decide. */
  async remindApprovers(view: RequestView, refs: ChatMessageRef[]): Promise<void> {
    const text = reminderWords(view.request, findRole(this.policy, view.request.roleId)?.approval.approvers, slackMarkup);
    await Promise.all(
      refs
        .filter((r) => r.platform === 'slack')
        .map((ref) => this.client.chat.postMessage({ channel: ref.channel, thread_ts: ref.messageId, text })),
    );
  }

  async postExtensionCards(view: ExtensionView): Promise<ChatMessageRef[]> {
    const role = findRole(this.policy, view.request.request.roleId);
    const channel = role && approvalSlackChannel(this.policy, role);
    if (!channel) return [];
    const result = await this.client.chat.postMessage(extensionCard(view, channel));
    return result.ts && result.channel ? [{ platform: 'slack', channel: result.channel, messageId: result.ts }] : [];
  }

  async updateExtensionCards(view: ExtensionView, refs: ChatMessageRef[]): Promise<void> {
    await Promise.all(
      refs
        .filter((r) => r.platform === 'slack')
        .map((ref) => this.client.chat.update({ ...extensionCard(view, ref.channel), channel: ref.channel, ts: ref.messageId })),
    );
  }

  async tellAboutExtension(view: ExtensionView, notice: ExtensionNotice): Promise<void> {
    if (view.request.request.requesterPlatform !== 'slack') return;
    await this.client.chat.postMessage(extensionNotice(view, notice));
  }

  async alertSecurity(alert: SecurityAlert): Promise<void> {
    const text = `${alertTone(alert) === 'alarm' ? ':rotating_light:' : ':white_check_mark:'} ${securityAlertWords(alert, slackMarkup)}`;
    const channel = this.policy.digest?.slack_channel;
    if (!channel) {
      this.logger.error({ alert: text }, 'security alert with no digest.slack_channel configured');
      return;
    }
    await this.client.chat.postMessage({ channel, text });
  }
}
