import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { SlackListenerDeps } from '../../deps';
import { publishHome } from '../../home';

/** `app_home_opened`: the Home tab is drawn fresh each time it is opened. */
export function appHomeOpened(deps: SlackListenerDeps) {
  return async ({ event, client, logger }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs): Promise<void> => {
    if (event.tab !== 'home') return;
    await publishHome(deps, client, event.user).catch((err) => logger.error('could not publish App Home', err));
  };
}
