import IORedis, { type Redis } from 'ioredis';
import type { Logger } from '../lib/logger';

/**
 * Two kinds of connection. Workers block on Redis and must wait out an outage
 * (`maxRetriesPerRequest: null`, BullMQ's requirement). Producers answer a person
 * who is waiting, so they fail fast and the person is told to try again.
 */
export function workerConnection(url: string): Redis {
  return new IORedis(url, { maxRetriesPerRequest: null, lazyConnect: true });
}

export function producerConnection(url: string): Redis {
  return new IORedis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000, lazyConnect: true });
}

/** True when Redis answers PING (readiness). */
export async function redisAnswers(redis: Redis): Promise<boolean> {
  try {
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  }
}

/**
 * Logs an outage once when it starts and once when Redis is back (ioredis retries on
 * its own and would otherwise print every failed attempt as an unhandled error).
 */
export function watchConnection(redis: Redis, name: string, logger: Logger): void {
  let down = false;
  redis.on('error', (err) => {
    if (down) return;
    down = true;
    logger.error(
      { err, connection: name },
      'Redis is unreachable; retrying (requests are still recorded; queued work resumes when it is back)',
    );
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info({ connection: name }, 'Redis is back');
  });
}
