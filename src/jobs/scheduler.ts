import type { JobsOptions, Queue } from 'bullmq';
import type { Scheduler } from '../access/ports';
import type { Clock } from '../lib/clock';
import type { QueueSet } from './queue-set';
import { QUEUES, type Payload } from './queues';

/** The core's Scheduler port on BullMQ. Every job id is derived, so each job is queued once. */
export class BullScheduler implements Scheduler {
  constructor(
    private readonly queues: QueueSet,
    private readonly clock: Clock,
  ) {}

  enqueueChat(outboxId: number): Promise<void> {
    const payload = { outboxId };
    return this.addOrRetry(this.queues.chat, QUEUES.chat.name, payload, { jobId: QUEUES.chat.jobId(payload) });
  }

  enqueueGrant(requestId: string): Promise<void> {
    const payload = { requestId };
    return this.addOrRetry(this.queues.grant, QUEUES.grant.name, payload, { jobId: QUEUES.grant.jobId(payload) });
  }

  scheduleActivityLookup(grantId: string, at: Date, retry: { attempts: number; backoffMs: number }): Promise<void> {
    const payload = { grantId };
    const delay = Math.max(0, at.getTime() - this.clock.now().getTime());
    return this.addOrRetry(this.queues.activity, QUEUES.activity.name, payload, {
      jobId: QUEUES.activity.jobId(payload),
      delay,
      attempts: retry.attempts,
      backoff: { type: 'exponential', delay: retry.backoffMs },
    });
  }

  scheduleRevoke(grantId: string, at: Date): Promise<void> {
    const payload = { grantId };
    return this.addOrMove(this.queues.revoke, QUEUES.revoke.name, payload, QUEUES.revoke.jobId(payload), at);
  }

  scheduleReminder(requestId: string, at: Date): Promise<void> {
    const payload = { requestId };
    return this.addOrMove(this.queues.remind, QUEUES.remind.name, payload, QUEUES.remind.jobId(payload), at);
  }

  scheduleExpiryWarning(grantId: string, at: Date): Promise<void> {
    return this.notice({ kind: 'expiry_warning', grantId }, at);
  }

  scheduleEscalation(requestId: string, tier: number, at: Date): Promise<void> {
    return this.notice({ kind: 'escalation', requestId, tier }, at);
  }

  scheduleBreakGlassReview(requestId: string, at: Date): Promise<void> {
    return this.notice({ kind: 'break_glass_review', requestId }, at);
  }

  scheduleRevokeVerification(grantId: string, at: Date): Promise<void> {
    return this.notice({ kind: 'verify_revoke', grantId, at: at.getTime() }, at);
  }

  scheduleTidyUp(grantId: string, at: Date): Promise<void> {
    return this.notice({ kind: 'tidy_up', grantId }, at);
  }

  private notice(payload: Payload<'notice'>, at: Date): Promise<void> {
    return this.addOrMove(this.queues.notice, QUEUES.notice.name, payload, QUEUES.notice.jobId(payload), at);
  }

  /**
   * Adds the job; an id already queued (waiting, delayed, between retries) is left as it
   * is. A job that failed outside our processor (stalled too often) keeps its id: it is
   * retried, or adding under the same id would silently do nothing.
   */
  private async addOrRetry(queue: Queue, name: string, data: object, opts: JobsOptions & { jobId: string }): Promise<void> {
    const existing = await queue.getJob(opts.jobId);
    if (existing && (await existing.isFailed())) {
      await existing.retry();
      return;
    }
    await queue.add(name, data, opts);
  }

  /** Adds the delayed job, or moves an already delayed one to the new time (early revoke, extend). */
  private async addOrMove(queue: Queue, name: string, data: object, jobId: string, at: Date): Promise<void> {
    const delay = Math.max(0, at.getTime() - this.clock.now().getTime());
    const existing = await queue.getJob(jobId);
    if (existing && (await existing.isDelayed())) {
      // promote() makes it runnable now; changeDelay(0) would leave it waiting for the next delay check.
      await (delay === 0 ? existing.promote() : existing.changeDelay(delay));
      return;
    }
    await queue.add(name, data, { jobId, delay });
  }
}
