import type { RequestView } from '../../../access/model';
import type { Role } from '../../../access/policy';
import type { RequesterNotice } from '../../../access/ports';
import { formatDuration } from '../../../lib/duration';
import { deliveryWords, requesterNoticeWords } from '../../words/notice';
import { card, choiceSet, execute, text as block, VERBS, type AdaptiveCard, type CardElement } from './card';
import { plain, sandboxNote, teamsMarkup } from './format';

/** The expiry warning's drop-down of extensions (its value goes with `jit.extend`). */
export const EXTEND_INPUT = 'extendMs';

/** "I'm done", and "Extend" with exactly the extensions the core offers (none: no control). */
function expiryActions(view: RequestView, extendChoices: number[]): { inputs: CardElement[]; actions: CardElement[] } {
  const data = { requestId: view.request.id };
  const done = { ...execute("I'm done", VERBS.done, data, 'destructive'), associatedInputs: 'none' };
  if (extendChoices.length === 0) return { inputs: [], actions: [done] };
  return {
    inputs: [
      choiceSet(
        EXTEND_INPUT,
        'Extend by',
        extendChoices.map((ms) => ({ title: formatDuration(ms), value: String(ms) })),
        'Pick how much longer',
      ),
    ],
    actions: [execute('Extend', VERBS.extend, data, 'positive'), done],
  };
}

/** The 1:1 message the requester gets at one step: a summary line for notifications, and a card. */
export function requesterNotice(view: RequestView, role: Role, notice: RequesterNotice): { text: string; card: AdaptiveCard } {
  const summary = requesterNoticeWords(view, role, notice, teamsMarkup);
  const note = sandboxNote(role);
  const delivery = notice.kind === 'granted' ? notice.privateDelivery : undefined;
  const expiry = notice.kind === 'expiring_soon' ? expiryActions(view, notice.extendChoices) : { inputs: [], actions: [] };
  return {
    text: plain(summary),
    card: card(
      [
        block(summary),
        ...(delivery ?? []).flatMap((part) => [
          block(deliveryWords(part, teamsMarkup)),
          // Code as it is, to copy: a monospace block of its own (Teams has no code fences in a TextBlock).
          part.kind === 'code' ? block(part.code, { fontType: 'Monospace' }) : undefined,
        ]),
        ...expiry.inputs,
        note ? block(note, { isSubtle: true, size: 'Small' }) : undefined,
      ],
      expiry.actions,
    ),
  };
}
