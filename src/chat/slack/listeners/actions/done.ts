import type { SlackListenerDeps } from '../../deps';
import { withUserErrors } from '../../replies';
import { buttonContext, type ButtonArgs } from './button';

/** "I'm done" on the expiry warning (`jit.done`): revokes the grant now. */
export function doneAction(deps: SlackListenerDeps) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    const { actor, requestId, tell } = buttonContext(args);
    await withUserErrors(deps.logger, tell, async () => {
      await deps.service.revoke(actor, requestId);
      await tell({ text: `:lock: Ending \`${requestId}\` now; I'll confirm when the access is gone.` });
    });
  };
}
