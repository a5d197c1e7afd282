import type { BoundedRunner } from '../../lib/bounded-runner';
import type { Clock } from '../../lib/clock';
import type { IdGenerator } from '../../lib/ids';
import type { Logger } from '../../lib/logger';
import type { ActivitySource, GrantActivity } from '../model/activity';
import type { ChatEffect, ChatProgress, OwedChat } from '../outbox/effects';
import type { GrantTransition, RequestTransition } from '../model/lifecycle';
import type { AccessRequest, Actor, Approval, AuditEvent, AuditEventInput, ChatMessageRef, Grant, GrantEnd, GrantWithRequest, Identity, Person, Platform, RequestView } from '../model';
import type { ExtensionNotice, ExtensionStore, ExtensionView } from '../model/extension';
import type { ApproverSet, EscalationTier, OnCallSchedule, Policy, Role } from '../policy';

/**
 * The core's only doors to the outside. Adapters implement them (store/, jobs/,
 * providers/, chat/); the service receives them in its constructor.
 */

export interface AccessStore extends ExtensionStore {
  /** Runs `fn` in one database transaction; everything it writes commits or none of it does. */
  transaction<T>(fn: (tx: AccessStore) => Promise<T>): Promise<T>;

  insertRequest(request: AccessRequest): Promise<void>;
  getRequest(id: string): Promise<AccessRequest | undefined>;
  /** Reads a request and locks its row until the transaction ends (SELECT … FOR UPDATE). */
  lockRequest(id: string): Promise<AccessRequest | undefined>;
  /** `UPDATE … WHERE id = ? AND status IN (from)`; undefined when the row was not in a `from` status. */
  transitionRequest(id: string, t: RequestTransition, at: Date): Promise<AccessRequest | undefined>;
  /** `transitionRequest` for many requests in one statement; the rows that were in a `from` status. */
  transitionRequests(ids: string[], t: RequestTransition, at: Date): Promise<AccessRequest[]>;
  /**
   * Holds a lock on one person until the transaction ends, so their concurrent requests
   * are filed one after another (per-person limits hold under concurrency).
   */
  lockPerson(personKey: string): Promise<void>;
  /** A person's requests (from any of their accounts, and this account's from before people existed), newest first. */
  listRequestsByRequester(person: Person, limit: number): Promise<AccessRequest[]>;
  countRequestsSince(person: Person, since: Date): Promise<number>;
  listRequestsByStatus(status: AccessRequest['status'], limit: number): Promise<AccessRequest[]>;
  /** The person's pending, approved and active requests for one role, oldest first. */
  listOpenRequests(person: Person, roleId: string): Promise<AccessRequest[]>;
  /** Lowers the approved duration of a pending request to `ms` (never raises it). */
  shortenApprovedDuration(id: string, ms: number): Promise<void>;
  /** Records the post-hoc review of a break-glass request; false when it was already reviewed. */
  markReviewed(id: string, by: string, at: Date): Promise<boolean>;
  /** Records that the approvers of a pending request were reminded; false when they already were. */
  markReminded(id: string, at: Date): Promise<boolean>;
  /** Records that escalation tier `tier` (0-based) of a request was asked; false when it already was. */
  markEscalated(id: string, tier: number): Promise<boolean>;
  /** Records the first failed check of a revoke (`Grant.verifyFailedAt`); later failures leave it. */
  markVerifyFailed(id: string, at: Date): Promise<void>;
  /** Records that the overdue-review reminder went out; false when it already had. */
  markReviewReminded(id: string, at: Date): Promise<boolean>;
  /** Break-glass requests created before `createdBefore`, not reviewed and not yet reminded. */
  listBreakGlassReviewsDue(createdBefore: Date, limit: number): Promise<AccessRequest[]>;

  /** Records a decision; false when this approver already decided on this request. */
  insertApproval(approval: Approval): Promise<boolean>;
  listApprovals(requestId: string): Promise<Approval[]>;

  insertGrant(grant: Grant): Promise<void>;
  getGrant(id: string): Promise<Grant | undefined>;
  getGrantForRequest(requestId: string): Promise<Grant | undefined>;
  /** Ends go through `finishGrants`, which sets `revokedAt` and `activity`. */
  transitionGrant(id: string, t: GrantTransition, patch: Partial<Pick<Grant, 'providerRef' | 'activatedAt' | 'expiresAt' | 'failureReason'>>, at: Date): Promise<Grant | undefined>;
  /** The grants of these ids that exist, each with its request, in one query. */
  getGrantsWithRequests(ids: string[]): Promise<GrantWithRequest[]>;
  /**
   * Marks grants `revoking` (`startRevoke`) in one statement of its own, auditing `started`
   * for each that was active (a restart after a failure or a crash is not a new start);
   * the rows it moved.
   */
  startRevokes(ids: string[], started: Pick<AuditEventInput, 'action' | 'actor'>, at: Date): Promise<Grant[]>;
  /** Ends many grants in one statement, each at its own `revokedAt` (and with its activity, when known); the rows that were in a `from` status. */
  finishGrants(t: GrantTransition, ends: GrantEnd[]): Promise<Grant[]>;
  /** Marks an active grant for early revocation by a person; false when it is not active. */
  requestRevoke(id: string, by: string, at: Date): Promise<boolean>;
  incrementRevokeAttempts(id: string, at: Date): Promise<number>;
  /** Grants whose end is due: active past expiry, or a revoke that failed or stalled before `stalledBefore`. */
  listGrantsDueForRevoke(now: Date, stalledBefore: Date, limit: number): Promise<Grant[]>;
  countActiveGrants(): Promise<number>;
  /**
   * Records the providers' confirmation that revoked access is gone, in one statement of its
   * own, auditing `verified` (with the grant's provider) for each; the ids not already recorded.
   */
  markRevokesVerified(ids: string[], verified: Pick<AuditEventInput, 'action' | 'actor'>, at: Date): Promise<string[]>;
  /** Grants that ended (expired or revoked) before `endedBefore` and are not yet verified. */
  listGrantsAwaitingVerification(endedBefore: Date, limit: number): Promise<Grant[]>;
  /** Stores a grant's activity summary unless it already has one; false when it had. */
  saveActivity(id: string, activity: GrantActivity, at: Date): Promise<boolean>;
  /** Grants that ended (expired or revoked) in `[endedAfter, endedBefore]` and have no activity summary yet. */
  listGrantsAwaitingActivity(endedAfter: Date, endedBefore: Date, limit: number): Promise<Grant[]>;

  /** Appends to the hash-chained audit log (in the caller's transaction when there is one). */
  appendAudit(event: AuditEventInput, at: Date): Promise<void>;
  /** One request's audit events, oldest first. */
  listAudit(requestId: string): Promise<AuditEvent[]>;

  saveMessageRefs(requestId: string, refs: ChatMessageRef[]): Promise<void>;
  /** The request's cards that can still be updated (not found gone). */
  listMessageRefs(requestId: string): Promise<ChatMessageRef[]>;
  /** The platform said this message is gone for good: it is not updated again. */
  markCardStale(ref: ChatMessageRef, at: Date): Promise<void>;
}

/** Chat work owed after a recorded fact (the `chat_outbox` table), delivered by its own queue. */
export interface ChatOutbox {
  add(effect: ChatEffect, requestId: string | null, at: Date): Promise<number>;
  get(id: number): Promise<OwedChat | undefined>;
  /** Records an attempt: the parts delivered so far and either the delivery or why the rest was not delivered. */
  saveAttempt(id: number, progress: ChatProgress, outcome: { deliveredAt: Date } | { error: string }): Promise<void>;
  /** Gives up on owed work; false when it was delivered or given up on already. */
  abandon(id: number, at: Date, error: string): Promise<boolean>;
  /** Work still owed that was created before `before`, oldest first. */
  listOwed(before: Date, limit: number): Promise<OwedChat[]>;
}

/** Timed and retried work; the BullMQ adapter lives in jobs/. */
export interface Scheduler {
  /** Queues the delivery of owed chat work (`chat-<id>`, once per id). */
  enqueueChat(id: number): Promise<void>;
  /** Queues the grant of an approved request (once per request). */
  enqueueGrant(requestId: string): Promise<void>;
  /** Makes sure the grant's revoke runs at `at`, moving an already queued revoke if needed. */
  scheduleRevoke(grantId: string, at: Date): Promise<void>;
  /** Queues the one reminder to approvers of a pending request (job id derived from the request id). */
  scheduleReminder(requestId: string, at: Date): Promise<void>;
  /** Queues the "expiring soon" notice. */
  scheduleExpiryWarning(grantId: string, at: Date): Promise<void>;
  /** Queues the notice of escalation tier `tier` (0-based) of a pending request. */
  scheduleEscalation(requestId: string, tier: number, at: Date): Promise<void>;
  /** Queues the check that a break-glass request was reviewed in time. */
  scheduleBreakGlassReview(requestId: string, at: Date): Promise<void>;
  /** Queues (again) the check that a revoked grant's access is really gone. */
  scheduleRevokeVerification(grantId: string, at: Date): Promise<void>;
  /** Queues the activity lookup of an ended grant at `at`, with these retries (once per grant; an id already queued is left alone). */
  scheduleActivityLookup(grantId: string, at: Date, retry: { attempts: number; backoffMs: number }): Promise<void>;
}

/** What a provider needs to know to give access. */
export interface GrantContext {
  grantId: string;
  request: AccessRequest;
  role: Role;
  expiresAt: Date;
  /** Extra identity from the policy's `users` table (email, Azure object id). */
  requesterProfile: Policy['users'][string] | undefined;
}

export interface ProviderGrantResult {
  /** Non-secret reference stored on the grant (session name, assignment id…). */
  ref: string;
  /** Private instructions for the requester only (never stored, never posted in a channel). */
  privateDelivery?: string;
}

/** A place access is given: sandbox, AWS, Azure. Both calls must be idempotent per grant id. */
export interface AccessProvider {
  readonly name: string;
  /** Human label shown in every message about a grant (the sandbox says it is one). */
  readonly label: string;
  grant(ctx: GrantContext): Promise<ProviderGrantResult>;
  revoke(grant: Grant, role: Role): Promise<void>;
  /**
   * Asks the provider whether the grant's access is really gone after `revoke`: true
   * when it is, false when it still stands; throws when it cannot tell. Providers
   * without it are trusted on `revoke` alone.
   */
  verifyRevoked?(grant: Grant, role: Role): Promise<boolean>;
  /** Where what was done with a grant can be read afterwards (CloudTrail, Azure Activity Log); absent: nowhere. */
  readonly activity?: ActivitySource;
}

export type ProviderLookup = (name: string) => AccessProvider | undefined;

/**
 * Who is behind an account: what Slack or Teams last said of it, kept in Postgres and
 * refreshed when older than the refresh interval.
 */
export interface PeopleDirectory {
  /**
   * The account as its platform describes it (Slack is asked again when the stored answer
   * is stale); undefined when nothing is known. An AccessError `try_again` when it must ask
   * the platform and cannot.
   */
  lookup(actor: Actor): Promise<Identity | undefined>;
  /** Stores what a platform said (Teams: the roster, read during a turn). */
  save(identity: Identity): Promise<void>;
  /** Every known account with this e-mail (lower case). */
  withEmail(email: string): Promise<Identity[]>;
}

/** Expands approver groups at decision time (Slack user groups). */
export interface ApproverDirectory {
  slackGroupMembers(groupId: string): Promise<string[]>;
}

/** PagerDuty / Opsgenie: is this person on call now? Throws when it cannot tell. */
export interface OnCallLookup {
  isOnCall(schedule: OnCallSchedule, email: string): Promise<boolean>;
}

/** What the requester is told, one notice per lifecycle step. */
export type RequesterNotice =
  | { kind: 'submitted' }
  /** `approval.auto_if_on_call` could not tell whether the requester is on call, so approvers decide. */
  | { kind: 'on_call_unavailable'; schedule: string; error: string }
  | { kind: 'approval_recorded'; by: string; remaining: number }
  | { kind: 'approved'; by: string | 'policy' | 'on_call' | 'break_glass' }
  /** The request waited past a tier's `after`: these approvers are now asked too. */
  | { kind: 'escalated'; tier: number; approvers: ApproverSet }
  | { kind: 'denied'; by: string; reason: string }
  | { kind: 'granted'; providerLabel: string; privateDelivery?: string }
  | { kind: 'grant_failed'; error: string }
  /** extendChoices: durations (ms) the "Extend" control may offer (extensions/rules.ts), empty when none fit. */
  | { kind: 'expiring_soon'; msLeft: number; extendChoices: number[] }
  /**
   * verification: the provider confirmed the access is gone; still shows it (security is
   * alerted, the revoke is retried and `revoke_verified` follows); or no check was made.
   */
  | { kind: 'ended'; how: 'expired' | 'revoked'; by?: string; verification: 'verified' | 'still_standing' | 'unchecked' }
  /** A revoke whose first verification failed is now confirmed. */
  | { kind: 'revoke_verified' }
  | { kind: 'timed_out' }
  | { kind: 'cancelled' };

/**
 * What the security channel is told, as data: each platform words it in its own markup
 * (chat/security-words.ts), and text people or clouds supplied (reasons, errors) stays text.
 */
export type SecurityAlert =
  /** A requester self-approved under `break_glass`; an approver must review it by `reviewBy`. */
  | { kind: 'break_glass'; request: AccessRequest; role: Role; reviewBy: Date }
  | { kind: 'break_glass_review_overdue'; request: AccessRequest; role: Role }
  /** A revoke keeps failing (`error` as the provider said it): access may still be standing. */
  | { kind: 'revoke_failing'; request: AccessRequest; role: Role; grantId: string; attempts: number; error: string }
  | { kind: 'revoke_recovered'; request: AccessRequest; role: Role; grantId: string; attempts: number }
  /** The provider still shows (or could not say whether it shows) access that was revoked. */
  | { kind: 'revoke_unverified'; request: AccessRequest; role: Role; grantId: string; error: string }
  | { kind: 'revoke_verified'; request: AccessRequest; role: Role; grantId: string };

/** Chat output. Implementations must not throw for delivery failures they can retry. */
export interface Notifier {
  /** Posts the approval card to the role's approval channel(s); the refs let it be updated later. */
  postApprovalCards(view: RequestView, role: Role): Promise<ChatMessageRef[]>;
  updateApprovalCards(view: RequestView, role: Role, refs: ChatMessageRef[]): Promise<void>;
  tellRequester(view: RequestView, role: Role, notice: RequesterNotice): Promise<void>;
  /** Loud messages for the security channel (revoke failures, break-glass use); `platform`: only there. */
  alertSecurity(alert: SecurityAlert, platform?: Platform): Promise<void>;
  /** Posts the card to an escalation tier (its channel, mentioning its approvers); refs as for postApprovalCards. */
  postEscalationCards(view: RequestView, role: Role, tier: EscalationTier, tierIndex: number): Promise<ChatMessageRef[]>;
  /** Nudges the approvers of a request still pending (a reply in the approval card's thread). */
  remindApprovers(view: RequestView, refs: ChatMessageRef[]): Promise<void>;
  /** Posts the extension card (Approve/Deny) to the role's approval channel(s). */
  postExtensionCards(view: ExtensionView): Promise<ChatMessageRef[]>;
  updateExtensionCards(view: ExtensionView, refs: ChatMessageRef[]): Promise<void>;
  tellAboutExtension(view: ExtensionView, notice: ExtensionNotice): Promise<void>;
}

export interface AccessDeps {
  policy: Policy;
  store: AccessStore;
  scheduler: Scheduler;
  providers: ProviderLookup;
  notifier: Notifier;
  directory: ApproverDirectory;
  people: PeopleDirectory;
  outbox: ChatOutbox;
  /** Set when PagerDuty or Opsgenie is configured (`approval.auto_if_on_call`). */
  onCall?: OnCallLookup;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  /** How often the reconciler sweeps; it judges what counts as lost work by it. */
  reconcileEveryMs: number;
  /**
   * Where the revoke job leaves a grant's follow-ups (verification, DMs) once its end is
   * recorded, so a burst of expiries is revoked first (grants/revoke.ts). Absent: done inline.
   */
  revokeFollowUps?: BoundedRunner;
}
