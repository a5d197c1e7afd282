import type { Job } from 'bullmq';
import type { AccessService } from '../../access/service';
import { QUEUES } from '../queues';

/** The one reminder to approvers of a request still pending after `approvals.remind_after`. */
export function remindProcessor(service: AccessService) {
  return async (job: Job): Promise<void> => {
    const { requestId } = QUEUES.remind.payload.parse(job.data);
    await service.remindApprovers(requestId);
  };
}
