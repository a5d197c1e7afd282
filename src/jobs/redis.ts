import IORedis, { type Redis } from 'ioredis';

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
