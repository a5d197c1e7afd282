import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../lib/logger';
import { QUEUES, type QueueKey } from './queues';

export const QUEUE_KEYS = Object.keys(QUEUES) as QueueKey[];

export type QueueSet = { [K in QueueKey]: Queue } & { close(): Promise<void> };

/** Opens one BullMQ Queue (producer) per entry of QUEUES, all on one connection and prefix. */
export function openQueues(connection: Redis, prefix: string, logger: Logger): QueueSet {
  const entries = QUEUE_KEYS.map((key) => {
    const spec = QUEUES[key];
    const queue = new Queue(spec.name, { connection, prefix, defaultJobOptions: spec.defaults });
    // Connection errors are reported once by watchConnection; per-queue repeats are noise.
    queue.on('error', (err) => logger.debug({ err, queue: key }, 'queue error'));
    return [key, queue] as const;
  });
  const queues = Object.fromEntries(entries) as { [K in QueueKey]: Queue };
  return { ...queues, close: async () => void (await Promise.all(entries.map(([, q]) => q.close()))) };
}
