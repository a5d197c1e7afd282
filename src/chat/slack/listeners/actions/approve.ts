import type { SlackListenerDeps } from '../../deps';
import { publishHome } from '../../home';
import { withUserErrors } from '../../replies';
import { buttonContext, type ButtonArgs } from './button';

/** Approve button (`jit.approve`): the card itself is updated by the notifier. */
export function approveAction(deps: SlackListenerDeps) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    const { actor, requestId, tell } = buttonContext(args);
    await withUserErrors(deps.logger, tell, async () => {
      const result = await deps.service.approve(actor, requestId);
      if (!result.settled)
        await tell({ text: `:ballot_box_with_check: Your approval of \`${requestId}\` is recorded; ${result.remaining} more needed.` });
      // Clicked in the App Home: redraw it so the decided request leaves the list.
      if (args.body.container?.type === 'view') await publishHome(deps, args.client, actor.userId);
    });
  };
}
