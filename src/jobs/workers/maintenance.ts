import type { Job } from 'bullmq';
import type { AccessService } from '../../access/service';
import type { AuditSealer } from '../../store/repos/audit-sealer';
import { QUEUES } from '../queues';

/** The reconciler sweep (a BullMQ job scheduler runs it every JIT_RECONCILE_EVERY); it also seals audit rows a crashed process left unsealed. */
export function maintenanceProcessor(service: AccessService, auditSealer: AuditSealer) {
  return async (job: Job, _token?: string, signal?: AbortSignal): Promise<unknown> => {
    QUEUES.maintenance.payload.parse(job.data);
    await auditSealer.sealAll();
    return service.reconcile(signal);
  };
}
