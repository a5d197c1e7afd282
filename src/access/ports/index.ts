import type { BoundedRunner } from '../../lib/bounded-runner';
import type { Clock } from '../../lib/clock';
import type { IdGenerator } from '../../lib/ids';
import type { Logger } from '../../lib/logger';
import type { ActivitySource } from '../model/activity';
import type { ChatEffect, ChatProgress, OwedChat } from '../outbox/effects';
import type { AccessRequest, Actor, ChatMessageRef, Grant, Identity, Platform, RequestView } from '../model';
import type { ExtensionNotice, ExtensionView } from '../model/extension';
import type { AccessStore, RevokeRecords } from './store';
import type { ApproverSet, EscalationTier, OnCallSchedule, Policy, Role } from '../policy';

/**
 * The core's only doors to the outside. Adapters implement them (store/, jobs/,
 * providers/, chat/); the service receives them in its constructor.
 */
export type { AccessStore, ApprovalStore, AuditStore, CardStore, Ending, GrantStore, RequestStore, RevokeRecords } from './store';

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
  /** Queues the provider's tidy-up of an ended grant (`tidy-<grantId>`, once per grant). */
  scheduleTidyUp(grantId: string, at: Date): Promise<void>;
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
  /** What an earlier attempt of this grant saved with `checkpoint` (null on the first attempt). */
  priorRef: string | null;
  /**
   * Saves a reference on the grant before the provider changes anything, so a retry (and a
   * revoke after a failure) knows what this grant started (Identity Center: the assignment
   * is jitbot's, not a standing one).
   */
  checkpoint(ref: string): Promise<void>;
}

/**
 * One part of what a provider hands the requester privately, as data: each chat platform
 * lays it out in its own markup (a link is `<url|text>` in Slack, `[text](url)` in Teams).
 * Text parts may use `backticks` for names; nothing else is markup.
 */
export type DeliveryPart =
  | { kind: 'text'; text: string }
  /** A link to open (a console sign-in), under a title; `note` says how long it works. */
  | { kind: 'link'; title: string; text: string; url: string; note?: string }
  /** Something to copy as it is (a shell line with credentials). */
  | { kind: 'code'; title: string; code: string }
  | { kind: 'note'; tone: 'warning' | 'info'; text: string };

export interface ProviderGrantResult {
  /** Non-secret reference stored on the grant (session name, assignment id…). */
  ref: string;
  /** Private instructions for the requester only (never stored, never queued, never posted in a channel). */
  privateDelivery?: DeliveryPart[];
}

/** A place access is given: sandbox, AWS, Azure. Both calls must be idempotent per grant id. */
export interface AccessProvider {
  readonly name: string;
  /** Human label shown in every message about a grant (the sandbox says it is one). */
  readonly label: string;
  grant(ctx: GrantContext): Promise<ProviderGrantResult>;
  /** Ends the access; may name a time for `tidyUp` (a deny on live sessions to remove once they have died). */
  revoke(grant: Grant, role: Role): Promise<RevokeOutcome | void>;
  /** Removes what `revoke` left in place for a while; idempotent. A lost call leaves nothing that still acts. */
  tidyUp?(grant: Grant, role: Role): Promise<void>;
  /**
   * Asks the provider whether the grant's access is really gone after `revoke`: true
   * when it is, false when it still stands; throws when it cannot tell. Providers
   * without it are trusted on `revoke` alone.
   */
  verifyRevoked?(grant: Grant, role: Role): Promise<boolean>;
  /**
   * Moves an end the provider enforces itself (Google's IAM condition) to `expiresAt`, before
   * an extension is recorded; idempotent. Providers without it end access only by `revoke`.
   */
  extend?(grant: Grant, role: Role, expiresAt: Date): Promise<void>;
  /** Where what was done with a grant can be read afterwards (CloudTrail, Azure Activity Log); absent: nowhere. */
  readonly activity?: ActivitySource;
}

export interface RevokeOutcome {
  /** When `tidyUp` should run for the grant. */
  tidyUpAt?: Date;
}

/** A grant as another grant's provider sees it: its status and what the provider stored on it. */
export type LiveGrant = Pick<Grant, 'id' | 'status' | 'providerRef'>;

/** The grants of a provider that are not over (granting, active, or being revoked): who else holds shared access. */
export interface GrantLedger {
  liveGrants(provider: string): Promise<LiveGrant[]>;
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

/** A user of an Entra group, as Microsoft Graph names them. */
export interface EntraUser {
  /** Entra object id (lower case). */
  id: string;
  name: string | null;
}

/** Entra groups through Microsoft Graph, nested groups included. Throws when Graph cannot say. */
export interface EntraDirectory {
  /** Which of `groupIds` the Entra object (a user) belongs to. */
  memberGroups(objectId: string, groupIds: string[]): Promise<string[]>;
  /** The group's users, at most `limit` (for @mentions). */
  groupUsers(groupId: string, limit: number): Promise<EntraUser[]>;
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
  | { kind: 'granted'; providerLabel: string; privateDelivery?: DeliveryPart[] }
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
  /** The revoke path's records (batched across concurrent revokes by the adapter). */
  revokes: RevokeRecords;
  scheduler: Scheduler;
  providers: ProviderLookup;
  notifier: Notifier;
  directory: ApproverDirectory;
  /** Set when Microsoft Graph is configured (`entra_groups` in the policy). */
  entra?: EntraDirectory;
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
