import type { DigestData, DigestFigures } from './model';

/** The day's counts, from the tally of the day's audit rows (the log is the record). */
export function computeFigures(data: DigestData): DigestFigures {
  const count = (action: string) => data.tally.actions[action] ?? 0;
  return {
    requests: count('request.created'),
    granted: count('grant.activated'),
    autoApproved: data.tally.autoApproved,
    denied: count('request.denied'),
    timedOut: count('request.timed_out'),
    cancelled: count('request.cancelled'),
    revokedEarly: count('grant.revoked'),
    revokeFailures: count('revoke.failed'),
    medianTimeToApproveMs: data.tally.medianTimeToApproveMs,
  };
}
