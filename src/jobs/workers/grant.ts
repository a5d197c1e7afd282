import type { Job } from 'bullmq';
import { ProviderError } from '../../access/errors';
import type { AccessService } from '../../access/service';
import type { Logger } from '../../lib/logger';
import { QUEUES } from '../queues';

/** Gives the access of an approved request; on the last attempt (or a permanent error) marks it failed. */
export function grantProcessor(service: AccessService, logger: Logger) {
  return async (job: Job): Promise<void> => {
    const { requestId } = QUEUES.grant.payload.parse(job.data);
    try {
      await service.activateGrant(requestId);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const permanent = e instanceof ProviderError && e.permanent;
      logger.warn({ err: e, requestId, attempt: job.attemptsMade + 1, permanent }, 'grant attempt failed');
      if (lastAttempt || permanent) {
        await service.failGrant(requestId, message);
        return;
      }
      throw e;
    }
  };
}
