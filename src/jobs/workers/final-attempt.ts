import type { Job } from 'bullmq';
import { ProviderError } from '../../access/model/errors';
import type { Logger } from '../../lib/logger';

/**
 * Runs one attempt of a job with retries. A failure rethrows so BullMQ retries, except
 * on the last attempt or a permanent provider error: then `giveUp` records the outcome
 * (a job that just runs out of attempts would fail silently).
 */
export async function withFinalAttempt(
  job: Job,
  logger: Logger,
  context: Record<string, unknown>,
  attempt: () => Promise<unknown>,
  giveUp: (error: string, attempts: number) => Promise<void>,
): Promise<void> {
  try {
    await attempt();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const attempts = job.attemptsMade + 1;
    const permanent = e instanceof ProviderError && e.permanent;
    logger.warn({ err: e, ...context, queue: job.queueName, attempt: attempts, permanent }, 'job attempt failed');
    if (attempts >= (job.opts.attempts ?? 1) || permanent) {
      await giveUp(message, attempts);
      return;
    }
    throw e;
  }
}
