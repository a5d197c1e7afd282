import type { Job } from 'bullmq';
import type { AccessService } from '../../access/service';
import { QUEUES } from '../queues';

/** Timed notices to people (the "expiring soon" DM). */
export function noticeProcessor(service: AccessService) {
  return async (job: Job): Promise<void> => {
    const { grantId } = QUEUES.notice.payload.parse(job.data);
    await service.warnExpiring(grantId);
  };
}
