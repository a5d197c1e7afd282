import type { Job } from 'bullmq';
import type { AccessService } from '../../access/service';
import type { Logger } from '../../lib/logger';
import { QUEUES } from '../queues';
import { withFinalAttempt } from './final-attempt';

/** Reads what was done with an ended grant; when every attempt failed, records `grant.activity_failed`. */
export function activityProcessor(service: AccessService, logger: Logger) {
  return async (job: Job): Promise<void> => {
    const { grantId } = QUEUES.activity.payload.parse(job.data);
    await withFinalAttempt(
      job,
      logger,
      { grantId },
      () => service.recordActivity(grantId),
      (error, attempts) => service.recordActivityFailure(grantId, error, attempts),
    );
  };
}
