import type { AccessRequest, Approval, AuditEvent, Grant } from '../../access/model';

/** The rows one digest is built from, as the DigestSource port queried them. */
export interface DigestData {
  /** The calendar day (`2026-11-24`) in `timezone`, and its `[start, end)`. */
  day: string;
  timezone: string;
  start: Date;
  end: Date;
  /** When the digest is built (grants still running are measured up to now). */
  now: Date;
  /** What the day's audit rows (`start <= at < end`) add up to, counted where they are stored. */
  tally: DayTally;
  /**
   * The day's audit events the replies and anomaly rules read one by one: `revoke.failed`,
   * `grant.activity`, and `grant.expired` later than `anomalies.revoke_late`.
   */
  notable: AuditEvent[];
  /** Requests those events touch, plus recently denied ones (for the re-request rule). */
  requests: DigestRequest[];
  approvals: DigestApproval[];
  grants: DigestGrant[];
}

/** What the digest reads of a request, an approval and a grant (a busy day has a hundred thousand of each). */
export type DigestRequest = Pick<
  AccessRequest,
  | 'id'
  | 'status'
  | 'roleId'
  | 'requesterId'
  | 'requesterPerson'
  | 'durationMs'
  | 'reason'
  | 'ticket'
  | 'autoApproved'
  | 'createdAt'
  | 'decidedAt'
  | 'breakGlass'
  | 'reviewedBy'
  | 'reviewedAt'
>;
export type DigestApproval = Pick<Approval, 'requestId' | 'approverId' | 'decision' | 'createdAt'>;
export type DigestGrant = Pick<
  Grant,
  'id' | 'requestId' | 'status' | 'activatedAt' | 'expiresAt' | 'revokedAt' | 'revokeRequestedBy' | 'activity'
>;

/** The day's audit rows, added up (a busy day has a million: they are counted, not loaded). */
export interface DayTally {
  /** Rows per action. */
  actions: Record<string, number>;
  /** `request.approved` rows whose actor is the policy. */
  autoApproved: number;
  /** Median ms from a request to a person's approving decision (`request.approved` by someone, not the system); null when none. */
  medianTimeToApproveMs: number | null;
}

/** How the chat platform writes a mention, and someone else's text (reasons, errors) as text. */
/** How the digest's platform marks up names, people's words, emphasis and its two alarms. */
export interface DigestFormat {
  user(userId: string): string;
  text(text: string): string;
  bold(text: string): string;
  code(text: string): string;
  emoji(name: 'warning' | 'rotating_light'): string;
}

export interface DigestFigures {
  requests: number;
  granted: number;
  autoApproved: number;
  denied: number;
  timedOut: number;
  cancelled: number;
  revokedEarly: number;
  revokeFailures: number;
  /** Median ms from request to the approving decision (people's approvals only); null when none. */
  medianTimeToApproveMs: number | null;
}

export const ANOMALY_RULES = [
  'break_glass',
  'off_hours',
  'sensitive_auto',
  'busy_requester',
  'fast_approval',
  'approver_share',
  'rerequest_after_deny',
  'revoke_trouble',
  'read_role_writes',
] as const;
export type AnomalyRule = (typeof ANOMALY_RULES)[number];

export interface Anomaly {
  rule: AnomalyRule;
  /** One line saying what happened and which threshold it crossed. */
  text: string;
}

/** A digest ready to post: the parent message and its thread replies, keyed so re-runs edit them. */
export interface BuiltDigest {
  day: string;
  figures: DigestFigures;
  anomalies: Anomaly[];
  parent: string;
  replies: Array<{ key: string; text: string }>;
}
