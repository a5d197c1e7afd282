import { eachBounded, withDeadline } from '../lib/each-bounded';
import { requeueLostActivity } from './grants/activity';
import { requeueOwedChat } from './outbox/delivery';
import type { Core } from './core';
import { endGrant } from './grants/revoke';
import { remindIfDue } from './approvals/reminders';
import { timeOutRequest } from './requests/file';
import { remindOverdueReviews } from './requests/break-glass';
import { escalateDue } from './approvals/escalation';
import { retryUnverified } from './grants/verification';

/**
 * Work not finished within two sweeps (and at least 5 s) is taken to be lost: a revoke
 * still `revoking` died with its worker; an approved request not granted lost its job.
 * Redoing it is safe, because providers are idempotent and transitions conditional.
 */
export function stalledAfterMs(reconcileEveryMs: number): number {
  return Math.max(2 * reconcileEveryMs, 5000);
}

/** Due grants ended at once by a sweep (through the same batched path as the revoke queue, as many as its worker runs). */
const SWEEP_REVOKE_CONCURRENCY = 100;
/**
 * Due grants a sweep reads at a time. It reads again after each chunk, so a grant that falls
 * due while a long sweep runs (thousands expiring in a minute, their jobs lost) is ended in
 * that sweep, oldest first, not left for the next one.
 */
const SWEEP_CHUNK = 500;
/** One grant's end (a provider call) may take this long before the sweep moves on; it is retried once stalled. */
export const SWEEP_GRANT_BUDGET_MS = 30_000;

/** How long one sweep may run before it stops starting new work (the next sweep goes on from there). */
export function sweepBudgetMs(reconcileEveryMs: number): number {
  return Math.max(reconcileEveryMs, 60_000);
}

export interface ReconcileReport {
  grantsEnded: number;
  revokeFailures: number;
  /** Due grants left for the next sweep: this one ran out of time, or was stopped (shutdown). */
  grantsDeferred: number;
  requestsTimedOut: number;
  grantsRequeued: number;
  escalations: number;
  reviewReminders: number;
  revokesVerified: number;
  remindersSent: number;
  /** Ended grants whose activity lookup was queued again (usually still queued: then a no-op). */
  activityRequeued: number;
  /** Owed chat work queued again (usually still queued: then a no-op). */
  chatRequeued: number;
}

/**
 * The safety net under the queues: finds in Postgres everything past its time and
 * finishes it. If Redis loses every job, this alone still revokes all expired access.
 * Due grants end many at once through the revoke path the queue uses; what follows an
 * end (card updates, DMs, alerts) is owed chat work, never awaited here. One grant whose
 * provider hangs holds no other; a sweep stops starting work past its budget, or when
 * `signal` says the process is shutting down.
 */
export async function reconcile(core: Core, signal?: AbortSignal): Promise<ReconcileReport> {
  const { store, clock, logger, policy } = core.deps;
  const now = clock.now();
  const stalledBefore = new Date(now.getTime() - stalledAfterMs(core.deps.reconcileEveryMs));
  const stopAt = Date.now() + sweepBudgetMs(core.deps.reconcileEveryMs);
  const stopped = () => signal?.aborted === true || Date.now() > stopAt;
  const report: ReconcileReport = {
    grantsEnded: 0,
    revokeFailures: 0,
    grantsDeferred: 0,
    requestsTimedOut: 0,
    grantsRequeued: 0,
    escalations: 0,
    reviewReminders: 0,
    revokesVerified: 0,
    remindersSent: 0,
    activityRequeued: 0,
    chatRequeued: 0,
  };

  // Each grant is tried once per sweep: one that failed waits for the next sweep.
  const tried = new Set<string>();
  for (;;) {
    const due = (await store.listGrantsDueForRevoke(clock.now(), stalledBefore, SWEEP_CHUNK)).filter((g) => !tried.has(g.id));
    if (due.length === 0) break;
    await eachBounded(due, SWEEP_REVOKE_CONCURRENCY, async (grant) => {
      tried.add(grant.id);
      if (stopped()) return void report.grantsDeferred++;
      try {
        if ((await withDeadline(endGrant(core, grant.id, undefined, true), SWEEP_GRANT_BUDGET_MS, `ending grant ${grant.id}`)).ended)
          report.grantsEnded++;
      } catch (e) {
        report.revokeFailures++;
        logger.warn({ err: e, grantId: grant.id }, 'reconciler: revoke failed or took too long; will retry next sweep');
      }
    });
    if (stopped()) break;
  }
  if (stopped()) {
    logger.warn(report, 'reconciler: sweep stopped early (out of time, or shutting down); the next sweep goes on');
    return report;
  }

  for (const request of await store.listRequestsByStatus('pending', 5000)) {
    const ttl = policy.approvals.pending_ttl;
    if (request.createdAt.getTime() + ttl <= now.getTime()) {
      if (await timeOutRequest(core, request.id)) report.requestsTimedOut++;
    } else {
      report.escalations += await escalateDue(core, request);
      // A reminder whose job Redis lost is sent here (at most once: remindIfDue marks reminded_at under the row lock).
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
  report.chatRequeued = await requeueOwedChat(core, stalledBefore);
  // Re-queued grants are usually still in their queue (the add is then a no-op), so they alone are not news.
  if (
    report.grantsEnded +
      report.revokeFailures +
      report.requestsTimedOut +
      report.escalations +
      report.reviewReminders +
      report.revokesVerified >
    0
  )
    logger.info(report, 'reconciler finished work the queues had not');
  else if (report.grantsRequeued + report.activityRequeued + report.chatRequeued > 0)
    logger.debug(report, 'reconciler re-queued grants or activity lookups not yet done');
  return report;
}
