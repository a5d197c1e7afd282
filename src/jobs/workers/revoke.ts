import { DelayedError, type Job } from 'bullmq';
import type { AccessService } from '../../access/service';
import type { Metrics } from '../../lib/metrics';
import { QUEUES } from '../queues';

/**
 * Ends a grant at its expiry (or at once, for an early revoke). A job that comes before
 * the grant is due (its expiry was extended, or the process that queued it has a clock
 * behind the database's) waits again until the expiry, without spending an attempt.
 * Errors rethrow so BullMQ retries.
 */
export function revokeProcessor(service: AccessService, metrics: Metrics) {
  return async (job: Job, token?: string): Promise<void> => {
    const { grantId } = QUEUES.revoke.payload.parse(job.data);
    const result = await service.endDueGrant(grantId);
    if (result.ended === 'expired') metrics.revokeLateness.observe(result.lateMs / 1000);
    if ('dueInMs' in result && token) {
      await job.moveToDelayed(Date.now() + result.dueInMs, token);
      throw new DelayedError();
    }
  };
}
