import type { Job } from 'bullmq';
import type { AccessService } from '../../access/service';
import { QUEUES } from '../queues';

/** Timed notices and checks: the "expiring soon" DM, escalation tiers, break-glass review deadlines, revoke verification retries, providers' tidy-ups. */
export function noticeProcessor(service: AccessService) {
  return async (job: Job): Promise<void> => {
    const payload = QUEUES.notice.payload.parse(job.data);
    switch (payload.kind) {
      case 'expiry_warning':
        await service.warnExpiring(payload.grantId);
        return;
      case 'escalation':
        await service.escalate(payload.requestId, payload.tier);
        return;
      case 'break_glass_review':
        await service.remindOverdueReview(payload.requestId);
        return;
      case 'verify_revoke':
        await service.verifyRevocation(payload.grantId);
        return;
      case 'tidy_up':
        await service.tidyUp(payload.grantId);
        return;
    }
  };
}
