import { requeueLostActivity } from './activity';
import type { Core } from './core';
import { endGrant } from './grants';
import { remindIfDue } from './reminders';
import { timeOutRequest } from './requests';
import { remindOverdueReviews } from './break-glass';
import { escalateDue } from './escalation';
import { retryUnverified } from './verification';

/**
 * Work not finished within two sweeps (and at least 5 s) is taken to be lost: a revoke
 * still `revoking` died with its worker; an approved request not granted lost its job.
 * Redoing it is safe, because providers are idempotent and transitions conditional.
 */
export function stalledAfterMs(reconcileEveryMs: number): number {
  return Math.max(2 * reconcileEveryMs, 5000);
}

export interface ReconcileReport {
  grantsEnded: number;
  revokeFailures: number;
  requestsTimedOut: number;
  grantsRequeued: number;
  escalations: number;
  reviewReminders: number;
  revokesVerified: number;
  remindersSent: number;
  /** Ended grants whose activity lookup was queued again (usually still queued: then a no-op). */
  activityRequeued: number;
}

/**
 * The safety net under the queues: finds in Postgres everything past its time and
 * finishes it. If Redis loses every job, this alone still revokes all expired access.
 */
export async function reconcile(core: Core): Promise<ReconcileReport> {
  const { store, clock, logger, policy } = core.deps;
  const now = clock.now();
  const stalledBefore = new Date(now.getTime() - stalledAfterMs(core.deps.reconcileEveryMs));
  const report: ReconcileReport = { grantsEnded: 0, revokeFailures: 0, requestsTimedOut: 0, grantsRequeued: 0, escalations: 0, reviewReminders: 0, revokesVerified: 0, remindersSent: 0, activityRequeued: 0 };

  for (const grant of await store.listGrantsDueForRevoke(now, stalledBefore, 1000)) {
    try {
      if ((await endGrant(core, grant.id)).ended) report.grantsEnded++;
    } catch (e) {
      report.revokeFailures++;
      logger.warn({ err: e, grantId: grant.id }, 'reconciler: revoke failed; will retry next sweep');
    }
  }

  for (const request of await store.listRequestsByStatus('pending', 5000)) {
    const ttl = policy.approvals.pending_ttl;
    if (request.createdAt.getTime() + ttl <= now.getTime()) {
      if (await timeOutRequest(core, request.id)) report.requestsTimedOut++;
    } else {
      report.escalations += await escalateDue(core, request);
      // A reminder whose job Redis lost is sent here (at most once: remindIfDue checks the audit log).
      if (await remindIfDue(core, request.id)) report.remindersSent++;
    }
  }
  report.reviewReminders = await remindOverdueReviews(core);
  report.revokesVerified = await retryUnverified(core, stalledBefore);

  for (const request of await store.listRequestsByStatus('approved', 5000)) {
    if (request.updatedAt <= stalledBefore) {
      await core.queueGrant(request.id);
      report.grantsRequeued++;
    }
  }
  report.activityRequeued = await requeueLostActivity(core, stalledAfterMs(core.deps.reconcileEveryMs));
  // Re-queued grants are usually still in their queue (the add is then a no-op), so they alone are not news.
  if (report.grantsEnded + report.revokeFailures + report.requestsTimedOut + report.escalations + report.reviewReminders + report.revokesVerified > 0) logger.info(report, 'reconciler finished work the queues had not');
  else if (report.grantsRequeued + report.activityRequeued > 0) logger.debug(report, 'reconciler re-queued grants or activity lookups not yet done');
  return report;
}
