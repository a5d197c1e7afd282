import type { Logger } from '../../lib/logger';
import { failureMessage } from '../failure';
import { slackMarkup } from './blocks/format';

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
    const failure = failureMessage(logger, e, 'slack listener', slackMarkup);
    await reply({ text: `${failure.refusal ? ':warning:' : ':boom:'} ${failure.text}` }).catch((err) =>
      logger.warn({ err }, 'could not send a refusal'),
    );
  }
}
