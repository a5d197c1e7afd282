import { denyModal } from '../../blocks/deny-modal';
import type { SlackListenerDeps } from '../../deps';
import { withUserErrors } from '../../replies';
import { buttonContext, type ButtonArgs } from './button';

/** Deny button (`jit.deny`): checks the clicker may decide, then asks for a reason. */
export function denyAction(deps: SlackListenerDeps) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    const { actor, requestId, tell } = buttonContext(args);
    await withUserErrors(deps.logger, tell, async () => {
      await deps.service.checkCanDecide(actor, requestId, 'deny');
      await args.client.views.open({ trigger_id: args.body.trigger_id, view: denyModal(requestId) });
    });
  };
}
