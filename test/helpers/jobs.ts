import type { Queue } from 'bullmq';
import { waitFor } from './wait';

/**
 * Runs a delayed BullMQ job now, as if its time had come (tests with an injected clock
 * never sleep until it), and waits until a worker has finished it. Throws when the
 * job failed. Jobs removed on completion count as finished.
 */
export async function runDelayedJobNow(queue: Queue, jobId: string, timeoutMs = 8000): Promise<void> {
  const job = await waitFor(() => queue.getJob(jobId), `job ${jobId} in ${queue.name}`, timeoutMs);
  if (await job.isDelayed()) await job.promote();
  await waitFor(async () => {
    const state = await queue.getJobState(jobId);
    if (state === 'failed') throw new Error(`job ${jobId} failed: ${(await queue.getJob(jobId))?.failedReason}`);
    return state === 'completed' || state === 'unknown';
  }, `job ${jobId} to finish`, timeoutMs);
}
