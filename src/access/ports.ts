import type { Clock } from '../lib/clock';
import type { IdGenerator } from '../lib/ids';
import type { Logger } from '../lib/logger';
import type { GrantTransition, RequestTransition } from './lifecycle';
import type { AccessRequest, Approval, AuditEvent, AuditEventInput, ChatMessageRef, Grant, Platform, RequestView } from './model';
import type { ExtensionStore, FollowUpNotifier } from './extension-model';
import type { Policy, Role } from './policy';

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
  listRequestsByRequester(requesterId: string, limit: number): Promise<AccessRequest[]>;
  countRequestsSince(requesterId: string, since: Date): Promise<number>;
  listRequestsByStatus(status: AccessRequest['status'], limit: number): Promise<AccessRequest[]>;

  /** Records a decision; false when this approver already decided on this request. */
  insertApproval(approval: Approval): Promise<boolean>;
  listApprovals(requestId: string): Promise<Approval[]>;

  insertGrant(grant: Grant): Promise<void>;
  getGrant(id: string): Promise<Grant | undefined>;
  getGrantForRequest(requestId: string): Promise<Grant | undefined>;
  transitionGrant(id: string, t: GrantTransition, patch: Partial<Pick<Grant, 'providerRef' | 'activatedAt' | 'expiresAt' | 'revokedAt' | 'failureReason'>>, at: Date): Promise<Grant | undefined>;
  /** Marks an active grant for early revocation by a person; false when it is not active. */
  requestRevoke(id: string, by: string, at: Date): Promise<boolean>;
  incrementRevokeAttempts(id: string, at: Date): Promise<number>;
  /** Grants whose end is due: active past expiry, or a revoke that failed or stalled before `stalledBefore`. */
  listGrantsDueForRevoke(now: Date, stalledBefore: Date, limit: number): Promise<Grant[]>;
  countActiveGrants(): Promise<number>;

  /** Appends to the hash-chained audit log (in the caller's transaction when there is one). */
  appendAudit(event: AuditEventInput, at: Date): Promise<void>;
  /** One request's audit events, oldest first. */
  listAudit(requestId: string): Promise<AuditEvent[]>;

  saveMessageRefs(requestId: string, refs: ChatMessageRef[]): Promise<void>;
  listMessageRefs(requestId: string): Promise<ChatMessageRef[]>;
}

/** Timed and retried work; the BullMQ adapter lives in jobs/. */
export interface Scheduler {
  /** Queues the grant of an approved request (once per request). */
  enqueueGrant(requestId: string): Promise<void>;
  /** Makes sure the grant's revoke runs at `at`, moving an already queued revoke if needed. */
  scheduleRevoke(grantId: string, at: Date): Promise<void>;
  /** Queues the one reminder to approvers of a pending request (job id derived from the request id). */
  scheduleReminder(requestId: string, at: Date): Promise<void>;
  /** Queues the "expiring soon" notice. */
  scheduleExpiryWarning(grantId: string, at: Date): Promise<void>;
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
}

export type ProviderLookup = (name: string) => AccessProvider | undefined;

/** Expands approver groups at decision time (Slack user groups). */
export interface ApproverDirectory {
  slackGroupMembers(groupId: string): Promise<string[]>;
}

/** What the requester is told, one notice per lifecycle step. */
export type RequesterNotice =
  | { kind: 'submitted' }
  | { kind: 'approval_recorded'; by: string; remaining: number }
  | { kind: 'approved'; by: string | 'policy' }
  | { kind: 'denied'; by: string; reason: string }
  | { kind: 'granted'; providerLabel: string; privateDelivery?: string }
  | { kind: 'grant_failed'; error: string }
  | { kind: 'expiring_soon'; msLeft: number }
  | { kind: 'ended'; how: 'expired' | 'revoked'; by?: string }
  | { kind: 'timed_out' }
  | { kind: 'cancelled' };

/** Chat output. Implementations must not throw for delivery failures they can retry. */
export interface Notifier {
  /** Posts the approval card to the role's approval channel(s); the refs let it be updated later. */
  postApprovalCards(view: RequestView, role: Role): Promise<ChatMessageRef[]>;
  updateApprovalCards(view: RequestView, role: Role, refs: ChatMessageRef[]): Promise<void>;
  tellRequester(view: RequestView, role: Role, notice: RequesterNotice): Promise<void>;
  /** Loud messages for the security channel (revoke failures). */
  alertSecurity(text: string, platform?: Platform): Promise<void>;
}

export interface AccessDeps {
  policy: Policy;
  store: AccessStore;
  scheduler: Scheduler;
  providers: ProviderLookup;
  notifier: Notifier;
  /** Extension cards, their notices and reminders to approvers. */
  followUps: FollowUpNotifier;
  directory: ApproverDirectory;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  /** How often the reconciler sweeps; it judges what counts as lost work by it. */
  reconcileEveryMs: number;
}
