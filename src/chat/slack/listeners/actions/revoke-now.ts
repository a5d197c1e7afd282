import type { SlackListenerDeps } from '../../deps';
import { publishHome } from '../../home';
import { withUserErrors } from '../../replies';
import { buttonContext, type ButtonArgs } from './button';

/** "Revoke now" in the App Home: ends the grant early, then redraws the Home tab. */
export function revokeNowAction(deps: SlackListenerDeps) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    const { actor, requestId, tell } = buttonContext(args);
    await withUserErrors(deps.logger, tell, async () => {
      await deps.service.revoke(actor, requestId);
      await publishHome(deps, args.client, actor.userId);
    });
  };
}
