import type { DigestData } from './model';

export interface DigestLookups {
  /** Who approved each request (approve decisions only, in order). */
  approvers: Map<string, string[]>;
  /** How many `revoke.failed` events each grant had in the day. */
  revokeFailures: Map<string, number>;
}

/**
 * Indexes built once per digest build, so per-grant replies and anomaly rules look
 * up instead of scanning every approval and event for each grant (quadratic on busy days).
 */
export function lookups(data: DigestData): DigestLookups {
  const approvers = new Map<string, string[]>();
  for (const a of data.approvals) {
    if (a.decision !== 'approve') continue;
    const list = approvers.get(a.requestId);
    if (list) list.push(a.approverId);
    else approvers.set(a.requestId, [a.approverId]);
  }
  const revokeFailures = new Map<string, number>();
  for (const e of data.notable)
    if (e.action === 'revoke.failed' && e.grantId) revokeFailures.set(e.grantId, (revokeFailures.get(e.grantId) ?? 0) + 1);
  return { approvers, revokeFailures };
}
