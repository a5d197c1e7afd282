import type { GrantActivity } from '../model/activity';
import type { ExtensionStore } from '../model/extension';
import type { GrantTransition, RequestTransition } from '../model/lifecycle';
import type {
  AccessRequest,
  Approval,
  AuditEvent,
  AuditEventInput,
  ChatMessageRef,
  Grant,
  GrantEnd,
  GrantWithRequest,
  Person,
} from '../model';

/** Requests: filing, status transitions under a row lock, per-person queries, and the state decisions need. */
export interface RequestStore {
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
  /** Records that the overdue-review reminder went out; false when it already had. */
  markReviewReminded(id: string, at: Date): Promise<boolean>;
  /** Break-glass requests created before `createdBefore`, not reviewed and not yet reminded. */
  listBreakGlassReviewsDue(createdBefore: Date, limit: number): Promise<AccessRequest[]>;
}

/** Approvers' decisions, one per person per request. */
export interface ApprovalStore {
  /** Records a decision; false when this approver already decided on this request. */
  insertApproval(approval: Approval): Promise<boolean>;
  listApprovals(requestId: string): Promise<Approval[]>;
}

/** Grants: written before the provider is called, ended in batches, verified and summarised after. */
export interface GrantStore {
  insertGrant(grant: Grant): Promise<void>;
  getGrant(id: string): Promise<Grant | undefined>;
  getGrantForRequest(requestId: string): Promise<Grant | undefined>;
  /** Ends go through `finishGrants`, which sets `revokedAt` and `activity`. */
  transitionGrant(
    id: string,
    t: GrantTransition,
    patch: Partial<Pick<Grant, 'providerRef' | 'activatedAt' | 'expiresAt' | 'failureReason'>>,
    at: Date,
  ): Promise<Grant | undefined>;
  /** Saves a provider's reference on a grant still `granting` (GrantContext.checkpoint). */
  saveGrantingRef(id: string, ref: string, at: Date): Promise<void>;
  /** Grants of `provider` that are granting, active, revoking or revoke_failed. */
  liveGrants(provider: string): Promise<Pick<Grant, 'id' | 'status' | 'providerRef'>[]>;
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
  /** Records the first failed check of a revoke (`Grant.verifyFailedAt`); later failures leave it. */
  markVerifyFailed(id: string, at: Date): Promise<void>;
  /** Grants that ended (expired or revoked) before `endedBefore` and are not yet verified. */
  listGrantsAwaitingVerification(endedBefore: Date, limit: number): Promise<Grant[]>;
  /** Stores a grant's activity summary unless it already has one; false when it had. */
  saveActivity(id: string, activity: GrantActivity, at: Date): Promise<boolean>;
  /** Grants that ended (expired or revoked) in `[endedAfter, endedBefore]` and have no activity summary yet. */
  listGrantsAwaitingActivity(endedAfter: Date, endedBefore: Date, limit: number): Promise<Grant[]>;
}

/** The hash-chained audit log. */
export interface AuditStore {
  /** Appends to the hash-chained audit log (in the caller's transaction when there is one). */
  appendAudit(event: AuditEventInput, at: Date): Promise<void>;
  /** One request's audit events, oldest first. */
  listAudit(requestId: string): Promise<AuditEvent[]>;
}

/** Where each request's cards live, so they can be updated in place. */
export interface CardStore {
  saveMessageRefs(requestId: string, refs: ChatMessageRef[]): Promise<void>;
  /** The request's cards that can still be updated (not found gone). */
  listMessageRefs(requestId: string): Promise<ChatMessageRef[]>;
  /** The platform said this message is gone for good: it is not updated again. */
  markCardStale(ref: ChatMessageRef, at: Date): Promise<void>;
}
/** A grant whose provider revoke has returned, ready to be recorded as ended. */
export interface Ending {
  /** The grant as its revoke started (`revoking`). */
  grant: Grant;
  /** The request as it was read before the revoke (kept if its own transition does not apply). */
  request: AccessRequest;
  how: 'expired' | 'revoked';
  /** When the provider's revoke returned: the grant's `revoked_at`. */
  endedAt: Date;
  lateMs: number;
  /** Known at once when there is no activity log to read (the sandbox); otherwise looked up later. */
  activity: GrantActivity | null;
}

/**
 * The revoke path's reads and writes, one grant at a time as the revoke use case sees them.
 * Thousands of grants may end in the same minute: the adapter (store/revoke-batches.ts)
 * lets concurrent calls share one query, statement or transaction each.
 */
export interface RevokeRecords {
  /** The grant and its request; undefined when there is no such grant. */
  load(grantId: string): Promise<GrantWithRequest | undefined>;
  /** Marks the grant `revoking` (audited `revoke.started` when it was active); undefined when it is already ended. */
  start(grant: Grant): Promise<Grant | undefined>;
  /** Records the end (grant and request, audited `grant.expired|revoked`); undefined when another worker recorded it first. */
  finish(ending: Ending): Promise<GrantWithRequest | undefined>;
  /** Records that the provider confirmed the access gone (audited `revoke.verified`); false when already recorded. */
  verified(grant: Grant): Promise<boolean>;
}

/**
 * The store as the use cases see it: each port above, and transactions over them. The
 * Postgres adapter (store/repos/access-store.ts) and the in-memory one the unit tests use
 * (test/fakes/in-memory/store.ts) implement it.
 */
export interface AccessStore extends RequestStore, ApprovalStore, GrantStore, AuditStore, CardStore, ExtensionStore {
  /** Runs `fn` in one database transaction; everything it writes commits or none of it does. */
  transaction<T>(fn: (tx: AccessStore) => Promise<T>): Promise<T>;
}
