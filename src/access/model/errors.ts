/** Stable codes for every refusal the core can give; chat adapters branch on them. */
export type AccessErrorCode =
  | 'unknown_role'
  | 'bad_duration'
  | 'reason_required'
  | 'ticket_required'
  | 'ticket_mismatch'
  | 'not_found'
  | 'not_approver'
  | 'self_approval'
  | 'already_voted'
  | 'already_decided'
  | 'not_allowed'
  /** The role's `requesters` do not include this person. */
  | 'not_eligible'
  /** Whether two accounts are one person cannot be told (no e-mail known), and here it matters. */
  | 'unresolved_person'
  | 'rate_limited'
  | 'duplicate_request'
  | 'try_again'
  | 'bad_input';

/** A refusal with a message fit to show the person who asked. Changes nothing. */
export class AccessError extends Error {
  constructor(
    readonly code: AccessErrorCode,
    readonly userMessage: string,
  ) {
    super(`${code}: ${userMessage}`);
    this.name = 'AccessError';
  }
}

export function isAccessError(e: unknown): e is AccessError {
  return e instanceof AccessError;
}

/**
 * A provider failure. `permanent` ones (access denied, unknown role) are not retried:
 * the grant fails with `message`, which says what to fix.
 */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

/**
 * Why a chat call failed: `permanent` (the message, channel or person is gone; retrying
 * cannot help) or not; `retryAfterMs` when the platform asked to wait (rate limits).
 * Chat adapters classify their platform's errors into this.
 */
export class ChatDeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ChatDeliveryError';
  }
}
