import type { Job } from 'bullmq';
import type { AccessService } from '../../access/service';
import type { Logger } from '../../lib/logger';
import { QUEUES } from '../queues';
import { withFinalAttempt } from './final-attempt';

/** Gives the access of an approved request; on the last attempt (or a permanent error) marks it failed. */
export function grantProcessor(service: AccessService, logger: Logger) {
  return async (job: Job): Promise<void> => {
    const { requestId } = QUEUES.grant.payload.parse(job.data);
    await withFinalAttempt(
      job,
      logger,
      { requestId },
      () => service.activateGrant(requestId),
      (error) => service.failGrant(requestId, error),
    );
  };
}
