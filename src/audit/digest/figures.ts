import type { DigestData, DigestFigures } from './model';

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The day's counts, read from the audit events of the day (the log is the record). */
export function computeFigures(data: DigestData): DigestFigures {
  const count = (action: string) => data.events.filter((e) => e.action === action).length;
  const requestsById = new Map(data.requests.map((r) => [r.id, r]));
  const approveTimes = data.events
    .filter((e) => e.action === 'request.approved' && e.actor.platform !== 'system' && e.requestId)
    .map((e) => e.at.getTime() - (requestsById.get(e.requestId!)?.createdAt.getTime() ?? e.at.getTime()));
  return {
    requests: count('request.created'),
    granted: count('grant.activated'),
    autoApproved: data.events.filter((e) => e.action === 'request.approved' && e.actor.userId === 'policy').length,
    denied: count('request.denied'),
    timedOut: count('request.timed_out'),
    cancelled: count('request.cancelled'),
    revokedEarly: count('grant.revoked'),
    revokeFailures: count('revoke.failed'),
    medianTimeToApproveMs: median(approveTimes),
  };
}
