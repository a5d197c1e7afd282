import type { ExtensionNotice, ExtensionView } from '../access/model/extension';
import type { ChatMessageRef, Platform, RequestView } from '../access/model';
import type { EscalationTier, Role } from '../access/policy';
import type { Notifier, RequesterNotice, SecurityAlert } from '../access/ports';
import type { Logger } from '../lib/logger';
import { chatFailure, classified } from './delivery-errors';

/**
 * Fans the core's notices out to every configured chat platform: approval and extension
 * cards to each platform with a channel (so a request made in Slack can be approved in
 * Teams), card updates and reminders to the platform of each card, notices to the
 * requester's platform.
 */
export class CompositeNotifier implements Notifier {
  constructor(
    private readonly notifiers: Partial<Record<Platform, Notifier>>,
    private readonly logger: Logger,
  ) {}

  private entries(): Array<[Platform, Notifier]> {
    return Object.entries(this.notifiers).filter((e): e is [Platform, Notifier] => e[1] !== undefined);
  }

  postApprovalCards(view: RequestView, role: Role): Promise<ChatMessageRef[]> {
    return this.postEverywhere(view.request.id, (n) => n.postApprovalCards(view, role));
  }

  postExtensionCards(view: ExtensionView): Promise<ChatMessageRef[]> {
    return this.postEverywhere(view.request.request.id, (n) => n.postExtensionCards(view));
  }

  /** One platform failing must not cost the others their card; only all failing is an error. */
  private async postEverywhere(requestId: string, post: (n: Notifier) => Promise<ChatMessageRef[]>): Promise<ChatMessageRef[]> {
    const entries = this.entries();
    const results = await Promise.allSettled(entries.map(([, n]) => post(n)));
    const refs: ChatMessageRef[] = [];
    const failures: unknown[] = [];
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') refs.push(...r.value);
      else {
        failures.push(r.reason);
        this.logger.error({ err: r.reason, platform: entries[i]?.[0], requestId }, 'could not post the card on this platform');
      }
    });
    if (failures.length > 0 && failures.length === entries.length) throw chatFailure(failures[0]);
    return refs;
  }

  async postEscalationCards(view: RequestView, role: Role, tier: EscalationTier, tierIndex: number): Promise<ChatMessageRef[]> {
    const results = await Promise.allSettled(this.entries().map(([, n]) => n.postEscalationCards(view, role, tier, tierIndex)));
    const refs = results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed && refs.length === 0) throw chatFailure(failed.reason);
    return refs;
  }

  async updateApprovalCards(view: RequestView, role: Role, refs: ChatMessageRef[]): Promise<void> {
    await this.each(
      refs.map((r) => r.platform),
      (n, platform) =>
        n.updateApprovalCards(
          view,
          role,
          refs.filter((r) => r.platform === platform),
        ),
    );
  }

  async updateExtensionCards(view: ExtensionView, refs: ChatMessageRef[]): Promise<void> {
    await this.each(
      refs.map((r) => r.platform),
      (n, platform) =>
        n.updateExtensionCards(
          view,
          refs.filter((r) => r.platform === platform),
        ),
    );
  }

  async remindApprovers(view: RequestView, refs: ChatMessageRef[]): Promise<void> {
    await this.each(
      refs.map((r) => r.platform),
      (n, platform) =>
        n.remindApprovers(
          view,
          refs.filter((r) => r.platform === platform),
        ),
    );
  }

  async tellAboutExtension(view: ExtensionView, notice: ExtensionNotice): Promise<void> {
    await classified(async () => this.notifiers[view.request.request.requesterPlatform]?.tellAboutExtension(view, notice));
  }

  async tellRequester(view: RequestView, role: Role, notice: RequesterNotice): Promise<void> {
    await classified(async () => this.notifiers[view.request.requesterPlatform]?.tellRequester(view, role, notice));
  }

  async alertSecurity(alert: SecurityAlert, platform?: Platform): Promise<void> {
    await this.each(platform ? [platform] : this.entries().map(([p]) => p), (n) => n.alertSecurity(alert, platform));
  }

  /** Runs `fn` on each named platform's notifier; every one runs, the first failure is rethrown (classified: chat/delivery-errors.ts). */
  private async each(platforms: Platform[], fn: (n: Notifier, platform: Platform) => Promise<void>): Promise<void> {
    const unique = [...new Set(platforms)].filter((p) => this.notifiers[p]);
    const results = await Promise.allSettled(unique.map((p) => fn(this.notifiers[p]!, p)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw chatFailure(failed.reason);
  }
}
