import { Queue, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { deleteQueueKeys } from '../test/helpers/redis';
import { MISSED_AFTER_MS } from './revoke';
import { summarise, type Summary } from './stats';

export interface BareFigures extends Summary {
  jobs: number;
  missed: number;
}

/**
 * The baseline of the revoke figure: plain BullMQ delayed jobs on the same Redis, due at
 * `dueOffsets` (ms after `startsAt`: jitbot's own expiry pattern), with a no-op processor
 * at jitbot's revoke concurrency. Lateness = when the processor starts − (timestamp + delay).
 */
export async function measureBareBullmq(
  redisUrl: string,
  prefix: string,
  startsAt: number,
  dueOffsets: number[],
  concurrency = 20,
): Promise<BareFigures> {
  const count = dueOffsets.length;
  const producer = new IORedis(redisUrl, { maxRetriesPerRequest: null });
  const consumer = new IORedis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('bare', { connection: producer, prefix });
  const lateness: number[] = [];
  const worker = new Worker('bare', async (job) => void lateness.push(Date.now() - (job.timestamp + (job.opts.delay ?? 0))), {
    connection: consumer,
    prefix,
    concurrency,
  });
  try {
    await worker.waitUntilReady();
    for (let from = 0; from < count; from += 1000) {
      const jobs = Array.from({ length: Math.min(1000, count - from) }, (_, k) => {
        const i = from + k;
        return {
          name: 'noop',
          data: { i },
          opts: { jobId: `bare-${i}`, delay: Math.max(0, startsAt + dueOffsets[i]! - Date.now()), removeOnComplete: true },
        };
      });
      await queue.addBulk(jobs);
    }
    const deadline = startsAt + (dueOffsets.at(-1) ?? 0) + MISSED_AFTER_MS;
    while (Date.now() < deadline && lateness.length < count) await new Promise((r) => setTimeout(r, 250));
    const missed = count - lateness.filter((ms) => ms <= MISSED_AFTER_MS).length;
    return { jobs: count, ...summarise(lateness), missed };
  } finally {
    await worker.close();
    await queue.close();
    producer.disconnect();
    consumer.disconnect();
    await deleteQueueKeys(prefix, redisUrl);
  }
}
