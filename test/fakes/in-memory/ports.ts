import type { ExtensionNotice, ExtensionView } from '../../../src/access/model/extension';
import type { Actor, ChatMessageRef, Grant, Identity, RequestView } from '../../../src/access/model';
import type { EscalationTier, Role } from '../../../src/access/policy';
import type { ChatEffect, ChatProgress, OwedChat } from '../../../src/access/outbox/effects';
import type {
  AccessProvider,
  ApproverDirectory,
  ChatOutbox,
  GrantContext,
  Notifier,
  PeopleDirectory,
  ProviderGrantResult,
  RequesterNotice,
  Scheduler,
  SecurityAlert,
} from '../../../src/access/ports';

/** The chat outbox in memory. */
export class MemoryOutbox implements ChatOutbox {
  private readonly rows = new Map<number, OwedChat>();
  private nextId = 1;

  async add(effect: ChatEffect, _requestId: string | null, at: Date): Promise<number> {
    const id = this.nextId++;
    this.rows.set(id, {
      id,
      effect: structuredClone(effect),
      progress: {},
      attempts: 0,
      createdAt: at,
      deliveredAt: null,
      abandonedAt: null,
    });
    return id;
  }
  async get(id: number): Promise<OwedChat | undefined> {
    const row = this.rows.get(id);
    return row && structuredClone(row);
  }
  async saveAttempt(id: number, progress: ChatProgress, outcome: { deliveredAt: Date } | { error: string }): Promise<void> {
    const row = this.rows.get(id);
    if (!row || row.deliveredAt || row.abandonedAt) return;
    Object.assign(
      row,
      { progress: structuredClone(progress), attempts: row.attempts + 1 },
      'deliveredAt' in outcome ? { deliveredAt: outcome.deliveredAt } : {},
    );
  }
  async abandon(id: number, at: Date): Promise<boolean> {
    const row = this.rows.get(id);
    if (!row || row.deliveredAt || row.abandonedAt) return false;
    row.abandonedAt = at;
    return true;
  }
  async listOwed(before: Date, limit: number): Promise<OwedChat[]> {
    return [...this.rows.values()]
      .filter((r) => !r.deliveredAt && !r.abandonedAt && r.createdAt < before)
      .slice(0, limit)
      .map((r) => structuredClone(r));
  }
}

/** One job the core asked the scheduler for. */
export type ScheduledJob =
  | { kind: 'chat'; id: number }
  | { kind: 'grant'; requestId: string }
  | { kind: 'revoke' | 'warning' | 'verify'; grantId: string; at: Date }
  | { kind: 'activity' | 'tidy_up'; grantId: string; at: Date }
  | { kind: 'reminder' | 'review'; requestId: string; at: Date }
  | { kind: 'escalation'; requestId: string; tier: number; at: Date };

/** A scheduler that keeps what it was asked for; tests run the jobs they need through the service. */
export class RecordingScheduler implements Scheduler {
  readonly jobs: ScheduledJob[] = [];
  /** When set, every call throws this (Redis down). */
  failure: Error | undefined;
  /** Runs once a grant is queued, before the caller goes on: a worker that is quicker than chat. */
  onGrantQueued: ((requestId: string) => Promise<void>) | undefined;

  private record(job: ScheduledJob): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    this.jobs.push(job);
    return Promise.resolve();
  }
  enqueueChat(id: number) {
    return this.record({ kind: 'chat', id });
  }
  async enqueueGrant(requestId: string) {
    await this.record({ kind: 'grant', requestId });
    await this.onGrantQueued?.(requestId);
  }
  scheduleRevoke(grantId: string, at: Date) {
    return this.record({ kind: 'revoke', grantId, at });
  }
  scheduleReminder(requestId: string, at: Date) {
    return this.record({ kind: 'reminder', requestId, at });
  }
  scheduleExpiryWarning(grantId: string, at: Date) {
    return this.record({ kind: 'warning', grantId, at });
  }
  scheduleEscalation(requestId: string, tier: number, at: Date) {
    return this.record({ kind: 'escalation', requestId, tier, at });
  }
  scheduleBreakGlassReview(requestId: string, at: Date) {
    return this.record({ kind: 'review', requestId, at });
  }
  scheduleRevokeVerification(grantId: string, at: Date) {
    return this.record({ kind: 'verify', grantId, at });
  }
  scheduleTidyUp(grantId: string, at: Date) {
    return this.record({ kind: 'tidy_up', grantId, at });
  }
  scheduleActivityLookup(grantId: string, at: Date) {
    return this.record({ kind: 'activity', grantId, at });
  }

  /** The jobs of one kind, in the order they were asked for. */
  of<K extends ScheduledJob['kind']>(kind: K): Array<Extract<ScheduledJob, { kind: K }>> {
    return this.jobs.filter((j): j is Extract<ScheduledJob, { kind: K }> => j.kind === kind);
  }
}

/** One call the core made on the chat port. */
export type NotifierCall =
  | { method: 'postApprovalCards' | 'updateApprovalCards'; view: RequestView }
  | { method: 'postEscalationCards'; view: RequestView; tier: number }
  | { method: 'tellRequester'; view: RequestView; notice: RequesterNotice }
  | { method: 'alertSecurity'; alert: SecurityAlert }
  | { method: 'remindApprovers'; view: RequestView }
  | { method: 'postExtensionCards' | 'updateExtensionCards'; view: ExtensionView }
  | { method: 'tellAboutExtension'; view: ExtensionView; notice: ExtensionNotice };

/** The chat port, recording what the core said (as data: rendering is chat/'s business, tested there). */
export class RecordingNotifier implements Notifier {
  readonly calls: NotifierCall[] = [];
  private nextMessage = 1;
  /** Runs before a card update is recorded: a test can make another update land first. */
  beforeCardUpdate: ((view: RequestView) => Promise<void>) | undefined;

  private card(): ChatMessageRef[] {
    return [{ platform: 'slack', channel: 'C0APPROVALS', messageId: `m${this.nextMessage++}` }];
  }
  async postApprovalCards(view: RequestView): Promise<ChatMessageRef[]> {
    this.calls.push({ method: 'postApprovalCards', view });
    return this.card();
  }
  async updateApprovalCards(view: RequestView): Promise<void> {
    const before = this.beforeCardUpdate;
    this.beforeCardUpdate = undefined;
    await before?.(view);
    this.calls.push({ method: 'updateApprovalCards', view });
  }

  /** The status each card update of `requestId` drew, in the order they landed. */
  cardStates(requestId: string): string[] {
    return this.calls.flatMap((c) =>
      c.method === 'updateApprovalCards' && c.view.request.id === requestId ? [c.view.request.status] : [],
    );
  }
  async tellRequester(view: RequestView, _role: Role, notice: RequesterNotice): Promise<void> {
    this.calls.push({ method: 'tellRequester', view, notice });
  }
  async alertSecurity(alert: SecurityAlert): Promise<void> {
    this.calls.push({ method: 'alertSecurity', alert });
  }
  async postEscalationCards(view: RequestView, _role: Role, _tier: EscalationTier, tierIndex: number): Promise<ChatMessageRef[]> {
    this.calls.push({ method: 'postEscalationCards', view, tier: tierIndex });
    return this.card().map((ref) => ({ ...ref, tier: tierIndex }));
  }
  async remindApprovers(view: RequestView): Promise<void> {
    this.calls.push({ method: 'remindApprovers', view });
  }
  async postExtensionCards(view: ExtensionView): Promise<ChatMessageRef[]> {
    this.calls.push({ method: 'postExtensionCards', view });
    return this.card();
  }
  async updateExtensionCards(view: ExtensionView): Promise<void> {
    this.calls.push({ method: 'updateExtensionCards', view });
  }
  async tellAboutExtension(view: ExtensionView, notice: ExtensionNotice): Promise<void> {
    this.calls.push({ method: 'tellAboutExtension', view, notice });
  }

  /** The notices the requester of `requestId` was given, by kind, in order. */
  noticesFor(requestId: string): string[] {
    return this.calls.flatMap((c) => (c.method === 'tellRequester' && c.view.request.id === requestId ? [c.notice.kind] : []));
  }
}

/** What the chat platforms said about accounts, kept in memory. */
export class MemoryPeople implements PeopleDirectory {
  private readonly identities = new Map<string, Identity>();
  private key = (platform: string, id: string) => `${platform}:${id}`;

  async lookup(actor: Actor): Promise<Identity | undefined> {
    return this.identities.get(this.key(actor.platform, actor.userId));
  }
  async save(identity: Identity): Promise<void> {
    this.identities.set(this.key(identity.platform, identity.accountId), { ...identity });
  }
  async withEmail(email: string): Promise<Identity[]> {
    return [...this.identities.values()].filter((i) => i.email === email);
  }
}

/** Slack user groups, as their members. */
export class MemoryGroups implements ApproverDirectory {
  constructor(private readonly members: Record<string, string[]> = {}) {}
  async slackGroupMembers(groupId: string): Promise<string[]> {
    return this.members[groupId] ?? [];
  }
}

/**
 * A provider that keeps who has access: grants and revokes are idempotent per grant id,
 * and verification reads the access back. Failures can be queued for the next calls.
 */
export class MemoryProvider implements AccessProvider {
  readonly label = 'TEST CLOUD';
  readonly standing = new Set<string>();
  private readonly failures: Record<'grant' | 'revoke', Error[]> = { grant: [], revoke: [] };
  /** Grants whose revoke "succeeds" but leaves the access standing (a provider that lies once). */
  readonly sticky = new Set<string>();

  constructor(readonly name = 'sandbox') {}

  failNext(call: 'grant' | 'revoke', error: Error, times = 1): void {
    for (let i = 0; i < times; i++) this.failures[call].push(error);
  }
  async grant(ctx: GrantContext): Promise<ProviderGrantResult> {
    const failure = this.failures.grant.shift();
    if (failure) throw failure;
    this.standing.add(ctx.grantId);
    return { ref: `session-${ctx.grantId}` };
  }
  async revoke(grant: Grant): Promise<void> {
    const failure = this.failures.revoke.shift();
    if (failure) throw failure;
    if (this.sticky.delete(grant.id)) return;
    this.standing.delete(grant.id);
  }
  async verifyRevoked(grant: Grant): Promise<boolean> {
    return !this.standing.has(grant.id);
  }
}
