import type { AdaptiveCardInvokeValue } from 'botbuilder';
import { isAccessError } from '../../../access/errors';
import { failureMessage } from '../../failure';
import { approvalCard } from '../cards/approval-card';
import { card, text, VERBS, type AdaptiveCard } from '../cards/card';
import type { TeamsDeps } from '../deps';
import { actorOf } from '../identity';
import type { Activity } from 'botbuilder';
import { approveAction } from './approve';
import { backAction } from './back';
import { requestIdOf, type CardAction } from './context';
import { denyAction } from './deny';
import { denySubmitAction } from './deny-submit';
import { requestSubmitAction } from './request-submit';

const ACTIONS: Record<string, CardAction> = {
  [VERBS.approve]: approveAction,
  [VERBS.deny]: denyAction,
  [VERBS.denySubmit]: denySubmitAction,
  [VERBS.back]: backAction,
  [VERBS.requestSubmit]: requestSubmitAction,
};

/**
 * Runs the card action named by the verb and returns the card that replaces the
 * clicked one for the clicker. A refusal shows on the card it concerns; anything
 * else is logged with a reference.
 */
export async function runCardAction(deps: TeamsDeps, activity: Partial<Activity>, value: AdaptiveCardInvokeValue): Promise<AdaptiveCard> {
  const data = value.action?.data && typeof value.action.data === 'object' ? (value.action.data as Record<string, unknown>) : {};
  const action = ACTIONS[value.action?.verb ?? ''];
  try {
    if (!action) return card([text(`⚠️ I don't know the card action "${String(value.action?.verb).slice(0, 50)}".`)]);
    return await action(deps, { actor: actorOf(activity), data });
  } catch (e) {
    const failure = failureMessage(deps.logger, e, `teams card action ${value.action?.verb}`);
    if (isAccessError(e) && e.code !== 'not_found' && data.requestId !== undefined) {
      const shown = await deps.service.view(requestIdOf(data)).catch(() => undefined);
      if (shown) return approvalCard(shown, deps.service.role(shown.request.roleId), failure.text);
    }
    return card([text(`${failure.refusal ? '⚠️' : '💥'} ${failure.text}`)]);
  }
}
