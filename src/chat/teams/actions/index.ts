import type { Activity, AdaptiveCardInvokeValue } from 'botbuilder';
import { isAccessError } from '../../../access/model/errors';
import type { Actor } from '../../../access/model';
import { failureMessage } from '../../failure';
import { teamsMarkup } from '../cards/format';
import { approvalCard } from '../cards/approval-card';
import { card, text, VERBS, type AdaptiveCard } from '../cards/card';
import { extensionCard } from '../cards/extension-card';
import type { TeamsDeps } from '../deps';
import { actorOf } from '../identity';
import { approveAction } from './approve';
import { approveDurationAction } from './approve-duration';
import { backAction } from './back';
import { requestIdOf, type CardAction } from './context';
import { denyAction } from './deny';
import { denySubmitAction } from './deny-submit';
import { doneAction } from './done';
import { extendAction } from './extend';
import { ExtensionData, extendDecisionAction } from './extend-decision';
import { requestSubmitAction } from './request-submit';
import { reviewAction } from './review';

/** A Map, not an object: a verb like `toString` must not find anything. */
const ACTIONS = new Map<string, CardAction>([
  [VERBS.approve, approveAction],
  [VERBS.approveDuration, approveDurationAction],
  [VERBS.deny, denyAction],
  [VERBS.denySubmit, denySubmitAction],
  [VERBS.back, backAction],
  [VERBS.review, reviewAction],
  [VERBS.requestSubmit, requestSubmitAction],
  [VERBS.done, doneAction],
  [VERBS.extend, extendAction],
  [VERBS.extendApprove, extendDecisionAction('approve')],
  [VERBS.extendDeny, extendDecisionAction('deny')],
]);

type RefusalCard = (deps: TeamsDeps, actor: Actor, data: Record<string, unknown>, refusal: string) => Promise<AdaptiveCard | undefined>;

/** The approval card as it stands, with the refusal on it; only to those who may see the request. */
const onApprovalCard: RefusalCard = async ({ service }, actor, data, refusal) => {
  const shown = data.requestId === undefined ? undefined : await service.viewFor(actor, requestIdOf(data), 'view').catch(() => undefined);
  return shown && approvalCard(shown, service.role(shown.request.roleId), refusal);
};

/** The extension card as it stands, with the refusal on it; only to those who may see its request. */
const onExtensionCard: RefusalCard = async ({ service }, actor, data, refusal) => {
  const parsed = ExtensionData.safeParse(data);
  const shown = parsed.success ? await service.extensionView(parsed.data.extensionId).catch(() => undefined) : undefined;
  const visible =
    shown &&
    (await service.viewFor(actor, shown.request.request.id, 'view').then(
      () => true,
      () => false,
    ));
  return visible ? extensionCard(shown, refusal) : undefined;
};

/** Verbs whose refusals are shown on the card they were clicked on (the others answer with the refusal alone). */
const REFUSAL_CARDS = new Map<string, RefusalCard>([
  ...[VERBS.approve, VERBS.approveDuration, VERBS.deny, VERBS.denySubmit, VERBS.back, VERBS.review].map(
    (verb) => [verb, onApprovalCard] as const,
  ),
  ...[VERBS.extendApprove, VERBS.extendDeny].map((verb) => [verb, onExtensionCard] as const),
]);

/**
 * Runs the card action named by the verb and returns the card that replaces the
 * clicked one for the clicker. A refusal shows on the card it concerns; anything
 * else is logged with a reference.
 */
export async function runCardAction(deps: TeamsDeps, activity: Partial<Activity>, value: AdaptiveCardInvokeValue): Promise<AdaptiveCard> {
  const raw = value.action?.data;
  const data = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const verb = String(value.action?.verb ?? '');
  const action = ACTIONS.get(verb);
  let actor: Actor | undefined;
  try {
    if (!action) return card([text(`⚠️ I don't know the card action "${verb.slice(0, 50)}".`)]);
    actor = actorOf(activity);
    return await action(deps, { actor, data });
  } catch (e) {
    const failure = failureMessage(deps.logger, e, `teams card action ${verb.slice(0, 50)}`, teamsMarkup);
    const onCard = actor && isAccessError(e) && e.code !== 'not_found' ? REFUSAL_CARDS.get(verb) : undefined;
    const shown = onCard && actor && (await onCard(deps, actor, data, failure.text));
    return shown || card([text(`${failure.refusal ? '⚠️' : '💥'} ${failure.text}`)]);
  }
}
