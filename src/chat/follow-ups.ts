import type { ExtensionNotice, ExtensionView, FollowUpNotifier } from '../access/extension-model';
import type { ChatMessageRef, Platform, RequestView } from '../access/model';
import type { Logger } from '../lib/logger';
import { classified } from './delivery-errors';

/**
 * Sends each follow-up to the platforms that have one: cards and reminders to every
 * platform with a follow-up notifier, notices to the requester's platform. A platform
 * without one (not configured) has its follow-ups logged rather than dropped silently.
 */
export class CompositeFollowUps implements FollowUpNotifier {
  constructor(
    private readonly byPlatform: Partial<Record<Platform, FollowUpNotifier>>,
    private readonly logger: Logger,
  ) {}

  private all(): FollowUpNotifier[] {
    return Object.values(this.byPlatform).filter((n): n is FollowUpNotifier => n !== undefined);
  }

  async postExtensionCards(view: ExtensionView): Promise<ChatMessageRef[]> {
    if (this.all().length === 0) this.logger.warn({ requestId: view.request.request.id, extensionId: view.extension.id }, 'no chat platform for extension cards: approvers must be told another way');
    return (await Promise.all(this.all().map((n) => n.postExtensionCards(view)))).flat();
  }

  async updateExtensionCards(view: ExtensionView, refs: ChatMessageRef[]): Promise<void> {
    await Promise.all(this.all().map((n) => n.updateExtensionCards(view, refs)));
  }

  async tellAboutExtension(view: ExtensionView, notice: ExtensionNotice): Promise<void> {
    const platform = view.request.request.requesterPlatform;
    const target = this.byPlatform[platform];
    if (target) await target.tellAboutExtension(view, notice);
    else this.logger.info({ requestId: view.request.request.id, notice: notice.kind, platform }, 'extension notice (no follow-ups on this platform)');
  }

  async remindApprovers(view: RequestView, refs: ChatMessageRef[]): Promise<void> {
    await classified(() => Promise.all(this.all().map((n) => n.remindApprovers(view, refs))));
  }
}
