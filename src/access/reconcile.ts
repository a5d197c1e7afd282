import type { Core } from './core';
import { endGrant } from './grants';
import { timeOutRequest } from './requests';

/** A revoke still `revoking` after this long is taken to have died with its worker. */
export const STALLED_REVOKE_MS = 2 * 60_000;
/** An approved request not granted after this long has lost its grant job. */
export const STALLED_GRANT_MS = 60_000;

export interface ReconcileReport {
  grantsEnded: number;
  revokeFailures: number;
  requestsTimedOut: number;
  grantsRequeued: number;
}

/**
 * The safety net under the queues: finds in Postgres everything past its time and
 * finishes it. If Redis loses every job, this alone still revokes all expired access.
 */
export async function reconcile(core: Core): Promise<ReconcileReport> {
  const { store, clock, logger, policy } = core.deps;
  const now = clock.now();
  const report: ReconcileReport = { grantsEnded: 0, revokeFailures: 0, requestsTimedOut: 0, grantsRequeued: 0 };

  for (const grant of await store.listGrantsDueForRevoke(now, new Date(now.getTime() - STALLED_REVOKE_MS), 1000)) {
    try {
      if ((await endGrant(core, grant.id)).ended) report.grantsEnded++;
    } catch (e) {
      report.revokeFailures++;
      logger.warn({ err: e, grantId: grant.id }, 'reconciler: revoke failed; will retry next sweep');
    }
  }

  for (const request of await store.listRequestsByStatus('pending', 5000)) {
    const ttl = policy.approvals.pending_ttl;
    if (request.createdAt.getTime() + ttl <= now.getTime() && (await timeOutRequest(core, request.id))) report.requestsTimedOut++;
  }

  for (const request of await store.listRequestsByStatus('approved', 5000)) {
    if (request.updatedAt.getTime() + STALLED_GRANT_MS <= now.getTime()) {
      await core.queueGrant(request.id);
      report.grantsRequeued++;
    }
  }
  if (report.grantsEnded + report.revokeFailures + report.requestsTimedOut + report.grantsRequeued > 0) logger.info(report, 'reconciler finished work the queues had not');
  return report;
}
