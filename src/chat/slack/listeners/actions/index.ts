import type { App, BlockAction, ButtonAction, StaticSelectAction } from '@slack/bolt';
import { REVOKE_NOW_ACTION } from '../../blocks/app-home';
import { APPROVE_ACTION, APPROVE_DURATION_ACTION, DENY_ACTION, REVIEW_ACTION } from '../../blocks/approval-card';
import { EXTEND_APPROVE_ACTION, EXTEND_DENY_ACTION } from '../../blocks/extension-card';
import { DONE_ACTION, EXTEND_ACTION } from '../../blocks/notices';
import type { SlackListenerDeps } from '../../deps';
import { approveAction } from './approve';
import { approveDurationAction } from './approve-duration';
import { denyAction } from './deny';
import { doneAction } from './done';
import { extendAction } from './extend';
import { extendDecisionAction } from './extend-decision';
import { reviewAction } from './review';
import { revokeNowAction } from './revoke-now';

export function registerActions(app: App, deps: SlackListenerDeps): void {
  app.action<BlockAction<ButtonAction>>(APPROVE_ACTION, approveAction(deps));
  app.action<BlockAction<StaticSelectAction>>(APPROVE_DURATION_ACTION, approveDurationAction(deps));
  app.action<BlockAction<ButtonAction>>(DENY_ACTION, denyAction(deps));
  app.action<BlockAction<ButtonAction>>(EXTEND_APPROVE_ACTION, extendDecisionAction(deps, 'approve'));
  app.action<BlockAction<ButtonAction>>(EXTEND_DENY_ACTION, extendDecisionAction(deps, 'deny'));
  app.action<BlockAction<ButtonAction>>(REVOKE_NOW_ACTION, revokeNowAction(deps));
  app.action<BlockAction<ButtonAction>>(REVIEW_ACTION, reviewAction(deps));
  app.action<BlockAction<ButtonAction>>(DONE_ACTION, doneAction(deps));
  app.action<BlockAction<StaticSelectAction>>(EXTEND_ACTION, extendAction(deps));
}
