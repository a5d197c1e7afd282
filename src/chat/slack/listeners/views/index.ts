import type { App } from '@slack/bolt';
import { DENY_MODAL } from '../../blocks/deny-modal';
import { REQUEST_MODAL } from '../../blocks/request-modal';
import type { SlackListenerDeps } from '../../deps';
import { denySubmit } from './deny-submit';
import { requestSubmit } from './request-submit';

export function registerViews(app: App, deps: SlackListenerDeps): void {
  app.view(REQUEST_MODAL, requestSubmit(deps));
  app.view(DENY_MODAL, denySubmit(deps));
}
