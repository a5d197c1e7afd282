import type { Job } from 'bullmq';
import type { DigestService } from '../../audit/digest/service';
import type { Logger } from '../../lib/logger';
import { QUEUES } from '../queues';

/** The daily digest (a job scheduler runs it at digest.cron). Busy → throw, so BullMQ retries after the other run. */
export function digestProcessor(digests: DigestService, logger: Logger) {
  return async (job: Job): Promise<string> => {
    QUEUES.digest.payload.parse(job.data);
    const outcome = await digests.publishPrevious();
    if (outcome.status === 'busy') throw new Error(`the digest of ${outcome.day} is being posted by another run; retrying later`);
    if (outcome.status === 'not_configured') logger.warn('daily digest built but not posted: no Slack bot token or digest.slack_channel');
    return outcome.status;
  };
}
