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

/**
 * How a refusal marks up names and commands: each chat platform passes its own (Slack
 * writes `/jit revoke R-1`, Teams `revoke R-1`), so the core writes no platform's markup.
 */
export interface Wording {
  bold(text: string): string;
  code(text: string): string;
  /** A jitbot command as the reader types it. */
  command(args: string): string;
}

/** Plain text, with commands as Slack's: logs and the audit trail. */
export const PLAIN_WORDING: Wording = { bold: (t) => t, code: (t) => t, command: (args) => `/jit ${args}` };

/** A refusal with a message fit to show the person who asked. Changes nothing. */
export class AccessError extends Error {
  private readonly words: (w: Wording) => string;

  /** `message`: the words, or a function that words them in the reader's markup (names, commands). */
  constructor(
    readonly code: AccessErrorCode,
    message: string | ((w: Wording) => string),
  ) {
    const words = typeof message === 'string' ? () => message : message;
    super(`${code}: ${words(PLAIN_WORDING)}`);
    this.name = 'AccessError';
    this.words = words;
  }

  /** The message in plain text. */
  get userMessage(): string {
    return this.words(PLAIN_WORDING);
  }

  /** The message as a chat platform shows it. */
  wordedFor(w: Wording): string {
    return this.words(w);
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
