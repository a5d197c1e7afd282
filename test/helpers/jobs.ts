import { Worker, type Processor, type Queue } from 'bullmq';
import IORedis from 'ioredis';
import { TEST_REDIS_URL } from './redis';

/** Makes a delayed job runnable now: tests never wait out a real delay. */
export async function runDelayedNow(queue: Queue, jobId: string): Promise<void> {
  const job = await queue.getJob(jobId);
  if (!job) throw new Error(`no job ${jobId} in queue ${queue.name}`);
  if (await job.isDelayed()) await job.promote();
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
