import type { SlackListenerDeps } from '../../deps';
import { withUserErrors } from '../../replies';
import { buttonContext, type ButtonArgs } from './button';

/** "Reviewed" on a break-glass card (`jit.review`); the card itself is updated by the notifier. */
export function reviewAction(deps: SlackListenerDeps) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    const { actor, requestId, tell } = buttonContext(args);
    await withUserErrors(deps.logger, tell, async () => {
      await deps.service.reviewBreakGlass(actor, requestId);
      await tell({ text: `:mag: You reviewed the break-glass use \`${requestId}\`.` });
    });
  };
}
