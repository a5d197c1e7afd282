import type { App } from '@slack/bolt';
import { DENY_MODAL } from '../../blocks/deny-modal';
import { REQUEST_FIELDS, REQUEST_MODAL, roleSuggestions } from '../../blocks/request-modal';
import type { SlackListenerDeps } from '../../deps';
import { denySubmit } from './deny-submit';
import { requestSubmit } from './request-submit';

export function registerViews(app: App, deps: SlackListenerDeps): void {
  app.view(REQUEST_MODAL, requestSubmit(deps));
  app.view(DENY_MODAL, denySubmit(deps));
  // The request form's role picker, when it searches (more roles than a select holds): the roles this person may request.
  app.options(REQUEST_FIELDS.role.action, async ({ ack, options, body }) => {
    await ack(roleSuggestions(await deps.service.rolesFor({ platform: 'slack', userId: body.user.id }), options.value));
  });
}
