import type { Queue } from 'bullmq';
import { waitFor } from './wait';

/** Ids of the queue's delayed jobs: what is waiting for its time. */
export async function delayedJobs(queue: Queue): Promise<string[]> {
  return (await queue.getDelayed()).flatMap((job) => (job.id ? [job.id] : []));
}

/**
 * Runs a delayed job now instead of sleeping until its time: waits for it to be queued,
 * promotes it and waits until a worker has finished it (jitbot's queues remove completed
 * jobs). Tests on a manual clock move the clock to the job's time first, so the job sees
 * the time it was queued for. A job that fails (retried later, or given up) fails the test.
 */
export async function runDelayedJobNow(queue: Queue, jobId: string, timeoutMs = 8000): Promise<void> {
  const job = await waitFor(() => queue.getJob(jobId), `job ${jobId} in ${queue.name}`, timeoutMs);
  const attempts = job.attemptsMade;
  if (await job.isDelayed()) await job.promote();
  const outcome = await waitFor(async () => {
    const now = await queue.getJob(jobId);
    if (!now || (await now.getState()) === 'completed') return { ok: true };
    if ((await now.getState()) === 'failed' || now.attemptsMade > attempts) return { ok: false, reason: now.failedReason };
    return null;
  }, `job ${jobId} to finish`, timeoutMs);
  if (!outcome.ok) throw new Error(`job ${jobId} failed: ${outcome.reason}`);
}
