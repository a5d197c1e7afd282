import type { Job } from 'bullmq';
import type { DigestService } from '../../audit/digest/service';
import type { Logger } from '../../lib/logger';
import { QUEUES } from '../queues';

/** The daily digest (a job scheduler runs it at digest.cron). Busy → throw, so BullMQ retries after the other run. */
export function digestProcessor(digests: DigestService, logger: Logger) {
  return async (job: Job): Promise<string> => {
    QUEUES.digest.payload.parse(job.data);
    const outcomes = await digests.publishPrevious();
    const busy = outcomes.find((o) => o.status === 'busy');
    // A platform already posted is edited, not posted again, by the retry (its ledger row remembers it).
    if (busy?.status === 'busy') throw new Error(`the digest of ${busy.day} is being posted by another run; retrying later`);
    if (outcomes.some((o) => o.status === 'not_configured'))
      logger.warn('daily digest built but not posted: no chat platform with digest.slack_channel or digest.teams_channel');
    return outcomes.map((o) => o.status).join(',');
  };
}
