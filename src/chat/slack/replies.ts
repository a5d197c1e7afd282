import { randomUUID } from 'node:crypto';
import { isAccessError } from '../../access/errors';
import type { Logger } from '../../lib/logger';

export type Reply = (message: { text: string; blocks?: unknown[] }) => Promise<unknown>;

/**
 * Runs a listener's work after its ack. A refusal from the core is shown to the
 * person as it is; anything else is logged with a reference and answered without
 * a stack trace.
 */
export async function withUserErrors(logger: Logger, reply: Reply, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (e) {
    if (isAccessError(e)) {
      await reply({ text: `:warning: ${e.userMessage}` }).catch((err) => logger.warn({ err }, 'could not send a refusal'));
      return;
    }
    const ref = randomUUID().slice(0, 8);
    logger.error({ err: e, ref }, 'slack listener failed');
    await reply({ text: `:boom: Something went wrong on jitbot's side (ref ${ref}). Please try again; if it keeps happening, tell your jitbot admins.` }).catch(() => undefined);
  }
}
