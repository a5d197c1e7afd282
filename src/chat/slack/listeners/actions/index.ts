import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { REVOKE_NOW_ACTION } from '../../blocks/app-home';
import { APPROVE_ACTION, DENY_ACTION } from '../../blocks/approval-card';
import { EXTEND_APPROVE_ACTION, EXTEND_DENY_ACTION } from '../../blocks/extension-card';
import type { SlackListenerDeps } from '../../deps';
import { approveAction } from './approve';
import { denyAction } from './deny';
import { extendDecisionAction } from './extend-decision';
import { revokeNowAction } from './revoke-now';

export function registerActions(app: App, deps: SlackListenerDeps): void {
  app.action<BlockAction<ButtonAction>>(APPROVE_ACTION, approveAction(deps));
  app.action<BlockAction<ButtonAction>>(DENY_ACTION, denyAction(deps));
  app.action<BlockAction<ButtonAction>>(EXTEND_APPROVE_ACTION, extendDecisionAction(deps, 'approve'));
  app.action<BlockAction<ButtonAction>>(EXTEND_DENY_ACTION, extendDecisionAction(deps, 'deny'));
  app.action<BlockAction<ButtonAction>>(REVOKE_NOW_ACTION, revokeNowAction(deps));
}
