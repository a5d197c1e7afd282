import type { AccessRequest, Grant } from './index';
import type { Policy, Role } from '../policy';

/**
 * What was done with a grant, stored on it (`grants.activity`) once it ended:
 * - `fetched`: the provider's activity log was read for the grant's window;
 * - `unavailable`: there is nothing to read (the sandbox, or lookups turned off);
 * - `failed`: every attempt to read it failed (also audited as `grant.activity_failed`).
 * A grant with none yet (`null`) is waiting for its lookup.
 */
export type GrantActivity =
  | {
      status: 'fetched';
      /** `AWS CloudTrail (us-east-1)`, `Azure Activity Log`. */
      source: string;
      from: string;
      to: string;
      eventCount: number;
      /** Distinct event (operation) names, sorted; at most MAX_NAMES. */
      eventNames: string[];
      writeEventCount: number;
      writeEventNames: string[];
      /** More events than MAX_EVENTS: the counts cover the first ones only. */
      truncated: boolean;
      fetchedAt: string;
    }
  | { status: 'unavailable'; reason: string }
  | { status: 'failed'; error: string; attempts: number; at: string };

export type FetchedActivity = Extract<GrantActivity, { status: 'fetched' }>;

/** One event of a provider's activity log, as much of it as the summary needs. */
export interface ActivityEvent {
  name: string;
  /** The call changed something (CloudTrail ReadOnly=false; Azure: not a `/read` operation). */
  write: boolean;
}

/** What an activity source needs to find a grant's events. */
export interface ActivityContext {
  grant: Grant;
  request: AccessRequest;
  role: Role;
  /** Extra identity from the policy's `users` table (Azure object id). */
  requesterProfile: Policy['users'][string] | undefined;
  from: Date;
  to: Date;
}

/** A provider's activity log (CloudTrail, Azure Activity Log). */
export interface ActivitySource {
  /** Names the log in summaries: `AWS CloudTrail (us-east-1)`. */
  label(ctx: ActivityContext): string;
  /** The grant's events in the window, page by page; throws a ProviderError when the log cannot be read. */
  events(ctx: ActivityContext): AsyncIterable<ActivityEvent>;
}

/** `a, b, c, d, e and 3 more`. */
export const shortList = (names: string[]) =>
  names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');

/** A grant's activity in one line, after "Activity: " (plain text: the digest, Slack and Teams all show it). */
export function describeActivity(activity: GrantActivity | null): string {
  if (!activity) return 'not fetched yet';
  switch (activity.status) {
    case 'unavailable':
      return `none — ${activity.reason}`;
    case 'failed':
      return `lookup failed after ${activity.attempts} attempt${activity.attempts === 1 ? '' : 's'}: ${activity.error}`;
    case 'fetched': {
      if (activity.eventCount === 0) return `${activity.source}: no events`;
      const capped = activity.truncated ? ' (the first only)' : '';
      const writes = activity.writeEventCount
        ? `${activity.writeEventCount} write${activity.writeEventCount === 1 ? '' : 's'}: ${shortList(activity.writeEventNames)}`
        : 'no writes';
      return `${activity.source}: ${activity.eventCount} event${activity.eventCount === 1 ? '' : 's'}${capped} (${shortList(activity.eventNames)}); ${writes}`;
    }
  }
}

/**
 * `Activity: …` for a grant that ended; undefined before (activity is read after the end).
 * Event names and errors come from a cloud API: `text` is the platform's way to show them as text.
 */
export function activityLine(grant: Pick<Grant, 'status' | 'activity'> | null, text: (s: string) => string): string | undefined {
  return grant && (grant.status === 'expired' || grant.status === 'revoked')
    ? `Activity: ${text(describeActivity(grant.activity))}`
    : undefined;
}
