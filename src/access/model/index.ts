import type { GrantActivity } from './activity';

/** The nouns of the core. Plain data: storage and chat shapes are mapped to these. */

export type Platform = 'slack' | 'teams';

/** An account acting through a chat platform (access/people.ts finds the person behind it). */
export interface Actor {
  platform: Platform;
  userId: string;
}

/** What a chat platform last said about one account (Slack `users.info`, the Teams roster). */
export interface Identity {
  platform: Platform;
  /** Slack user id, or Entra object id (lower case). */
  accountId: string;
  /** Lower case; null when the platform gave none (Slack without users:read.email, say). */
  email: string | null;
  displayName: string | null;
  /** The Slack team or Entra tenant the account belongs to. */
  homeId: string | null;
  /** A Slack guest (single- or multi-channel) or an Entra B2B guest. */
  guest: boolean;
  /** From another workspace or tenant: a Slack Connect external, a federated Teams user. */
  external: boolean;
  /** Deactivated in the workspace. */
  deleted: boolean;
  bot: boolean;
  refreshedAt: Date;
}

/**
 * A person: one key for all their accounts. Accounts with the same e-mail (Slack's profile,
 * the Teams roster, or the policy's `users:` override) are one person; an account with no
 * e-mail known is a person of its own, `slack:U…` / `teams:<object id>`.
 */
export interface Person {
  key: string;
  email: string | null;
  /** The account this person is acting through now. */
  account: Actor;
}

/** Who an audit event is attributed to: a person, the policy (auto-approval) or the system (timers). */
export type AuditActor = Actor | { platform: 'system'; userId: 'policy' | 'scheduler' | 'reconciler' | 'worker' };

export const REQUEST_STATUSES = [
  'pending',
  'approved',
  'active',
  'expired',
  'revoked',
  'denied',
  'cancelled',
  'timed_out',
  'failed',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const GRANT_STATUSES = ['granting', 'active', 'revoking', 'revoked', 'expired', 'failed', 'revoke_failed'] as const;
export type GrantStatus = (typeof GRANT_STATUSES)[number];

export interface AccessRequest {
  id: string;
  status: RequestStatus;
  roleId: string;
  requesterId: string;
  requesterPlatform: Platform;
  /** `Person.key` of the requester, fixed when the request was filed. */
  requesterPerson: string;
  requesterEmail: string | null;
  durationMs: number;
  reason: string | null;
  ticket: string | null;
  approvalsRequired: number;
  autoApproved: boolean;
  createdAt: Date;
  updatedAt: Date;
  decidedAt: Date | null;
  /** Set when an approver approved a shorter grant than asked. */
  approvedDurationMs: number | null;
  /** Self-approved under the role's `break_glass`; an approver reviews it afterwards. */
  breakGlass: boolean;
  reviewedBy: string | null;
  reviewedAt: Date | null;
  reviewRemindedAt: Date | null;
}

/** How long the grant lasts: as approved when an approver shortened it, else as asked. */
export function grantDurationMs(request: AccessRequest): number {
  return request.approvedDurationMs ?? request.durationMs;
}

export type Decision = 'approve' | 'deny';

export interface Approval {
  requestId: string;
  approverId: string;
  approverPlatform: Platform;
  /** `Person.key` of the approver: one decision per person, whichever platform they use. */
  approverPerson: string;
  decision: Decision;
  comment: string | null;
  createdAt: Date;
}

export interface Grant {
  id: string;
  requestId: string;
  status: GrantStatus;
  provider: string;
  providerRef: string | null;
  activatedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  /** Set when a person ended the grant early; the grant then ends as `revoked`, not `expired`. */
  revokeRequestedBy: string | null;
  failureReason: string | null;
  revokeAttempts: number;
  /** When the provider confirmed the revoked access is gone. */
  revokeVerifiedAt: Date | null;
  /** When the first check after the revoke found the access standing (or could not tell): retries revoke again. */
  verifyFailedAt: Date | null;
  /** What was done with the grant, once it ended and its provider's activity log was read. */
  activity: GrantActivity | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface AuditEventInput {
  action: string;
  requestId: string | null;
  grantId?: string | null;
  actor: AuditActor;
  data?: Record<string, unknown>;
}

export interface AuditEvent extends AuditEventInput {
  id: number;
  at: Date;
}

/** Where a chat message about a request lives, so it can be updated in place. */
export interface ChatMessageRef {
  platform: Platform;
  channel: string;
  messageId: string;
  /** The escalation tier (0-based) this card was posted to; absent on the request's first card. */
  tier?: number;
}

/** A grant with the request it was given for (the revoke path reads and passes both). */
export interface GrantWithRequest {
  grant: Grant;
  request: AccessRequest;
}

/** When one grant's access was taken away, and its activity summary if already known (`finishGrants`). */
export interface GrantEnd {
  id: string;
  revokedAt: Date;
  activity: GrantActivity | null;
}

/** Everything a chat adapter needs to render one request. */
export interface RequestView {
  request: AccessRequest;
  approvals: Approval[];
  grant: Grant | null;
}
