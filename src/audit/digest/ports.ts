import type { DigestData, DigestFormat } from './model';

/** The rows of a day (the store implements it). */
export interface DigestSource {
  /**
   * The tally and the notable events of `[start, end)` (`grant.expired` counts as notable
   * when more than `revokeLateMs` late), the requests the day's events touch, requests denied
   * since `deniedSince`, and their approvals and grants.
   */
  load(q: DigestQuery): Promise<Pick<DigestData, 'tally' | 'notable' | 'requests' | 'approvals' | 'grants'>>;
}

export interface DigestQuery {
  start: Date;
  end: Date;
  deniedSince: Date;
  revokeLateMs: number;
}

/** Where a day's digest was posted. */
export interface DigestRecord {
  channel: string;
  parentTs: string | null;
  /** Reply key → message id. */
  replies: Record<string, string>;
}

/** One digest per day and platform, whoever runs it (the store implements it). */
export interface DigestLedger {
  /** Creates the day's row or takes its lease; undefined while another run holds an unexpired lease. */
  claim(day: string, platform: string, channel: string, now: Date, leaseUntil: Date): Promise<DigestRecord | undefined>;
  saveParent(day: string, platform: string, messageId: string, now: Date): Promise<void>;
  saveReply(day: string, platform: string, key: string, messageId: string, now: Date): Promise<void>;
  /** Ends the run's lease (`posted`: it finished). */
  release(day: string, platform: string, now: Date, posted: boolean): Promise<void>;
}

/** Posts and edits digest messages (each chat adapter implements it: Slack, Teams). */
export interface DigestPublisher {
  readonly platform: 'slack' | 'teams';
  readonly fmt: DigestFormat;
  /** Posts a message (in `threadId`'s thread when given) and returns its id. */
  post(channel: string, text: string, threadId?: string): Promise<string>;
  /** Edits a message; `threadId`: the parent, when the message is a reply in its thread. */
  update(channel: string, messageId: string, text: string, threadId?: string): Promise<void>;
}
