import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { waitFor } from '../test/helpers/wait';
import { countGrants, expiryOf, fileGrantsExpiringIn, type ExpiryWindow } from './revoke';
import type { BenchStack } from './stack';
import { summarise, type Summary } from './stats';

export interface BackstopFigures extends Summary {
  grants: number;
  /** Grants not ended within the wait. */
  missed: number;
}

/**
 * The backstop: `count` grants of the auto-approved role, all active and expiring within
 * the window, then their revoke jobs lost before the first expiry (the revoke queue
 * obliterated, as a Redis flush or a fresh deployment does) and, with `slackDown`, Slack
 * answering 503 to everything but auth.test. The reconciler alone must end them; lateness
 * is `revoked_at − expires_at`. `first` numbers the requesters so runs on one stack do
 * not collide.
 */
export async function measureBackstop(
  stack: BenchStack,
  count: number,
  window: ExpiryWindow,
  opts: { slackDown: boolean; first: number },
): Promise<BackstopFigures> {
  const reason = `backstop bench ${opts.first}`;
  await fileGrantsExpiringIn(stack, count, window, reason, opts.first);
  await waitFor(async () => (await countGrants(stack, reason, ['active'])) >= count, `${count} grants active`, 300_000, 250);

  const redis = new IORedis(stack.redisUrl, { maxRetriesPerRequest: null });
  const revokes = new Queue('revoke', { connection: redis, prefix: stack.prefix });
  try {
    if (opts.slackDown) await stack.slackOutage({ status: 503 });
    await revokes.obliterate({ force: true });
    const lastExpiry = expiryOf(window, count, count);
    await waitFor(
      async () => (await countGrants(stack, reason, ['expired', 'revoked'])) >= count,
      `${count} grants ended by the reconciler`,
      Math.max(0, lastExpiry - Date.now()) + 180_000,
      500,
    ).catch(() => undefined);
  } finally {
    if (opts.slackDown) await stack.slackOutage(undefined);
    await revokes.close();
    redis.disconnect();
  }
  const rows = await stack.pg<Array<{ ms: number | null }>>`
    select extract(epoch from (g.revoked_at - g.expires_at)) * 1000 as ms from grants g join access_requests r on r.id = g.request_id where r.reason = ${reason}`;
  const lateness = rows.flatMap((r) => (r.ms === null ? [] : [Number(r.ms)]));
  return { grants: count, ...summarise(lateness), missed: count - lateness.length };
}
