import type { Job } from 'bullmq';
import type { AccessService } from '../../access/service';
import type { Metrics } from '../../lib/metrics';
import { QUEUES } from '../queues';

/** Ends a grant at its expiry (or at once, for an early revoke); an extended grant waits for its new expiry. Errors rethrow so BullMQ retries. */
export function revokeProcessor(service: AccessService, metrics: Metrics) {
  return async (job: Job): Promise<void> => {
    const { grantId } = QUEUES.revoke.payload.parse(job.data);
    const result = await service.endDueGrant(grantId);
    if (result.ended === 'expired') metrics.revokeLateness.observe(result.lateMs / 1000);
  };
}
