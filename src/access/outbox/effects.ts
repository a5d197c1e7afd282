import type { Platform } from '../model';
import type { RequesterNotice } from '../ports';

/**
 * Chat work described as data, so it can wait in Postgres (the chat outbox) and be
 * delivered by its own queue with its own retries: taking access away never waits on
 * Slack or Teams. Secrets never go in here (a `granted` notice with credentials is sent
 * at once, never queued).
 */
export type ChatEffect =
  /** Refresh the request's cards and, with `notice`, tell the requester. */
  | { kind: 'announce'; requestId: string; notice?: RequesterNotice; refreshCards: boolean }
  /** A security alert about a request (rebuilt from the request and its role when delivered). */
  | { kind: 'alert'; alert: AlertData; platform?: Platform }
  /** Post an escalation tier's card (the reminder in the card's thread, for `reminder`). */
  | { kind: 'escalation_cards'; requestId: string; tier: number }
  | { kind: 'reminder'; requestId: string }
  /** Redraw an extension's cards as it now stands (decided or lapsed: no buttons). */
  | { kind: 'extension_cards'; requestId: string; extensionId: number };

/** A SecurityAlert without the request and role objects (ids only, so it is small and never stale). */
export type AlertData = { requestId: string } & (
  | { kind: 'break_glass' }
  | { kind: 'break_glass_review_overdue' }
  | { kind: 'revoke_failing'; grantId: string; attempts: number; error: string }
  | { kind: 'revoke_recovered'; grantId: string; attempts: number }
  | { kind: 'revoke_unverified'; grantId: string; error: string }
  | { kind: 'revoke_verified'; grantId: string }
);

/** Which parts of an effect were delivered (or given up on for good), so a retry repeats none. */
export interface ChatProgress {
  /** Cards (`platform:channel:messageId`) updated, or found gone. */
  cards?: string[];
  /** The requester's notice went out (or could never). */
  told?: boolean;
  /** The escalation card or reminder was posted. */
  posted?: boolean;
}

/** One owed piece of chat work, as the outbox holds it. */
export interface OwedChat {
  id: number;
  effect: ChatEffect;
  progress: ChatProgress;
  attempts: number;
  createdAt: Date;
  deliveredAt: Date | null;
  abandonedAt: Date | null;
}
