import type { GrantStatus, RequestStatus } from './index';

/**
 * The request lifecycle (docs/how-it-works.md): which status each transition may start from.
 * Every change of status goes through one of these, as a conditional update.
 */
export const REQUEST_TRANSITIONS = {
  approve: { from: ['pending'], to: 'approved' },
  deny: { from: ['pending'], to: 'denied' },
  cancel: { from: ['pending'], to: 'cancelled' },
  timeOut: { from: ['pending'], to: 'timed_out' },
  activate: { from: ['approved'], to: 'active' },
  fail: { from: ['approved'], to: 'failed' },
  expire: { from: ['active'], to: 'expired' },
  revoke: { from: ['active'], to: 'revoked' },
} as const satisfies Record<string, { from: readonly RequestStatus[]; to: RequestStatus }>;

export const GRANT_TRANSITIONS = {
  activate: { from: ['granting'], to: 'active' },
  fail: { from: ['granting'], to: 'failed' },
  /** A revoke may start again after a failure, or after a worker died mid-revoke. */
  startRevoke: { from: ['active', 'revoke_failed', 'revoking'], to: 'revoking' },
  revokeFailed: { from: ['revoking'], to: 'revoke_failed' },
  finishExpired: { from: ['revoking', 'revoke_failed'], to: 'expired' },
  finishRevoked: { from: ['revoking', 'revoke_failed'], to: 'revoked' },
} as const satisfies Record<string, { from: readonly GrantStatus[]; to: GrantStatus }>;

export type RequestTransition = (typeof REQUEST_TRANSITIONS)[keyof typeof REQUEST_TRANSITIONS];
export type GrantTransition = (typeof GRANT_TRANSITIONS)[keyof typeof GRANT_TRANSITIONS];

const FINAL_REQUEST_STATUSES: ReadonlySet<RequestStatus> = new Set(['expired', 'revoked', 'denied', 'cancelled', 'timed_out', 'failed']);

export function isFinal(status: RequestStatus): boolean {
  return FINAL_REQUEST_STATUSES.has(status);
}
