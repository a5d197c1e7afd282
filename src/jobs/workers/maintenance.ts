import type { Job } from 'bullmq';
import type { AccessService } from '../../access/service';
import { QUEUES } from '../queues';

/** The reconciler sweep (a BullMQ job scheduler runs it every JIT_RECONCILE_EVERY). */
export function maintenanceProcessor(service: AccessService) {
  return async (job: Job): Promise<unknown> => {
    QUEUES.maintenance.payload.parse(job.data);
    return service.reconcile();
  };
}
