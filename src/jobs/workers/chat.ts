import { DelayedError, type Job } from 'bullmq';
import { ChatDeliveryError } from '../../access/model/errors';
import type { AccessService } from '../../access/service';
import { QUEUES } from '../queues';

/**
 * Delivers owed chat work (chat_outbox). A failure rethrows so BullMQ retries with backoff;
 * when the platform asked to wait (a rate limit's Retry-After), the job waits exactly that
 * long, without holding a worker slot and without spending an attempt.
 */
export function chatProcessor(service: AccessService) {
  return async (job: Job, token?: string): Promise<void> => {
    const { outboxId } = QUEUES.chat.payload.parse(job.data);
    try {
      await service.deliverChat(outboxId);
    } catch (e) {
      if (e instanceof ChatDeliveryError && e.retryAfterMs && token) {
        await job.moveToDelayed(Date.now() + e.retryAfterMs, token);
        throw new DelayedError();
      }
      throw e;
    }
  };
}
