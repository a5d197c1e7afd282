import type { App } from '@slack/bolt';
import type { SlackListenerDeps } from '../../deps';
import { appHomeOpened } from './app-home-opened';

export function registerEvents(app: App, deps: SlackListenerDeps): void {
  app.event('app_home_opened', appHomeOpened(deps));
}
