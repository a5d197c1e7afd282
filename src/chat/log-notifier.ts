import type { ExtensionNotice, ExtensionView } from '../access/model/extension';
import type { ChatMessageRef, RequestView } from '../access/model';
import type { Role } from '../access/policy';
import type { ApproverDirectory, Notifier, RequesterNotice, SecurityAlert } from '../access/ports';
import type { Logger } from '../lib/logger';
import { plainMarkup } from './words/markup';
import { securityAlertWords } from './words/security';

/**
 * Used when no chat platform is configured (a worker-only process, or a server
 * before Slack is set up): every notice is written to the log instead, so nothing
 * is silently dropped.
 */
export class LogNotifier implements Notifier {
  constructor(private readonly logger: Logger) {}

  async postApprovalCards(view: RequestView): Promise<ChatMessageRef[]> {
    this.logger.warn({ requestId: view.request.id }, 'no chat platform configured: approval card not posted');
    return [];
  }
  async postEscalationCards(view: RequestView, _role: Role, _tier: unknown, tierIndex: number): Promise<ChatMessageRef[]> {
    this.logger.warn({ requestId: view.request.id, tier: tierIndex }, 'no chat platform configured: escalation card not posted');
    return [];
  }
  async updateApprovalCards(): Promise<void> {}
  async tellRequester(view: RequestView, _role: Role, notice: RequesterNotice): Promise<void> {
    this.logger.info({ requestId: view.request.id, notice: notice.kind }, 'requester notice (no chat platform configured)');
  }
  async remindApprovers(view: RequestView): Promise<void> {
    this.logger.warn({ requestId: view.request.id }, 'no chat platform configured: approvers not reminded');
  }
  async postExtensionCards(view: ExtensionView): Promise<ChatMessageRef[]> {
    this.logger.warn(
      { requestId: view.request.request.id, extensionId: view.extension.id },
      'no chat platform configured: extension card not posted, approvers must be told another way',
    );
    return [];
  }
  async updateExtensionCards(): Promise<void> {}
  async tellAboutExtension(view: ExtensionView, notice: ExtensionNotice): Promise<void> {
    this.logger.info({ requestId: view.request.request.id, notice: notice.kind }, 'extension notice (no chat platform configured)');
  }
  async alertSecurity(alert: SecurityAlert): Promise<void> {
    this.logger.error(
      { alert: securityAlertWords(alert, plainMarkup), requestId: alert.request.id },
      'security alert (no chat platform configured)',
    );
  }
}

/** No groups can be expanded without a chat platform; listed users still count. */
export const emptyDirectory: ApproverDirectory = { slackGroupMembers: async () => [] };
