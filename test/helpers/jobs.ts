import { Worker, type Job, type Processor, type Queue } from 'bullmq';
import { and, asc, isNull } from 'drizzle-orm';
import type { Runtime } from '../../src/runtime';
import { chatOutbox } from '../../src/store/schema';
import IORedis from 'ioredis';
import { TEST_REDIS_URL } from './redis';
import { waitFor } from './wait';

/** Ids of the queue's delayed jobs: what is waiting for its time. */
export async function delayedJobs(queue: Queue): Promise<string[]> {
  return (await queue.getDelayed()).flatMap((job) => (job.id ? [job.id] : []));
}

/**
 * Makes a delayed job runnable now (tests never wait out a real delay): waits for it to be
 * queued and promotes it. Tests that watch retries use this and follow the outcome themselves.
 */
export async function promoteNow(queue: Queue, jobId: string, timeoutMs = 8000): Promise<Job> {
  const job = await waitFor(() => queue.getJob(jobId), `job ${jobId} in ${queue.name}`, timeoutMs);
  if (await job.isDelayed()) await job.promote();
  return job;
}

/**
 * Runs a delayed job now and waits until a worker has finished it (jitbot's queues remove
 * completed jobs). Tests on a manual clock move the clock to the job's time first, so the
 * job sees the time it was queued for. A job that fails (retried later, or given up) fails the test.
 */
export async function runDelayedJobNow(queue: Queue, jobId: string, timeoutMs = 8000): Promise<void> {
  const attempts = (await promoteNow(queue, jobId, timeoutMs)).attemptsMade;
  const outcome = await waitFor(
    async () => {
      const now = await queue.getJob(jobId);
      if (!now || (await now.getState()) === 'completed') return { ok: true };
      if ((await now.getState()) === 'failed' || now.attemptsMade > attempts) return { ok: false, reason: now.failedReason };
      return null;
    },
    `job ${jobId} to finish`,
    timeoutMs,
  );
  if (!outcome.ok) throw new Error(`job ${jobId} failed: ${outcome.reason}`);
}

/** One real BullMQ worker on a test's queue prefix, for tests that run one kind of job through BullMQ's retries. */
export async function startWorker(queueName: string, prefix: string, processor: Processor): Promise<{ close(): Promise<void> }> {
  const connection = new IORedis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const worker = new Worker(queueName, processor, { connection, prefix });
  await worker.waitUntilReady();
  return {
    close: async () => {
      await worker.close();
      connection.disconnect();
    },
  };
}

/**
 * Plays the chat worker in runtimes without workers (`role: 'web'` on a manual clock):
 * delivers, oldest first, every piece of chat work still owed, as the `chat` queue would.
 * Returns how many it delivered.
 */
export async function deliverOwedChat(runtime: Runtime): Promise<number> {
  const owed = await runtime.database.db
    .select({ id: chatOutbox.id })
    .from(chatOutbox)
    .where(and(isNull(chatOutbox.deliveredAt), isNull(chatOutbox.abandonedAt)))
    .orderBy(asc(chatOutbox.id));
  for (const { id } of owed) await runtime.service.deliverChat(id);
  return owed.length;
}
