import type { RequestView } from '../../../access/model';
import type { Role } from '../../../access/policy';
import { formatDuration } from '../../../lib/duration';
import { reviewWords, shorterDurations } from '../../words/approval';
import { requestFacts, requestHeadline } from '../../words/approval-card';
import { card, choiceSet, execute, facts, text, VERBS, type AdaptiveCard, type CardElement } from './card';
import { sandboxNote, TEAMS_BREAK_GLASS_MARKER, teamsMarkup, teamsText } from './format';
import { statusLine } from '../../words/status';

/** The approval card's drop-down of shorter durations (its value goes with `jit.approve_duration`). */
export const DURATION_INPUT = 'durationMs';

/** Approve, Deny, and "Approve for less" with its choice when shorter grants are allowed. */
function decision(view: RequestView, role: Role): { inputs: CardElement[]; actions: CardElement[] } {
  const { request } = view;
  const data = { requestId: request.id };
  const shorter = shorterDurations(request.durationMs, role.min_duration);
  const buttons = [
    { ...execute('Approve', VERBS.approve, data, 'positive'), associatedInputs: 'none' },
    { ...execute('Deny', VERBS.deny, data, 'destructive'), associatedInputs: 'none' },
  ];
  if (shorter.length === 0) return { inputs: [], actions: buttons };
  return {
    inputs: [
      choiceSet(
        DURATION_INPUT,
        'Or approve for less',
        shorter.map((ms) => ({ title: formatDuration(ms), value: String(ms) })),
        'Pick a shorter duration',
      ),
    ],
    actions: [...buttons, execute('Approve for less', VERBS.approveDuration, data)],
  };
}

/** A break-glass use: the loud line, and "Reviewed" until an approver pressed it. */
function review(view: RequestView, role: Role): { body: CardElement[]; actions: CardElement[] } {
  const { request } = view;
  if (!request.breakGlass) return { body: [], actions: [] };
  const words = reviewWords(request, role, teamsMarkup);
  if (words.reviewed) return { body: [text(`🔍 ${words.text}`, { isSubtle: true })], actions: [] };
  return {
    body: [text(`${TEAMS_BREAK_GLASS_MARKER} — ${words.text}`, { color: 'Attention', weight: 'Bolder' })],
    actions: [execute('Reviewed', VERBS.review, { requestId: request.id })],
  };
}

/**
 * The card approvers see in the Teams approval channel; decisions only while the
 * request is pending, "Reviewed" while a break-glass use awaits review. `header`
 * heads an escalation tier's copy.
 */
export function approvalCard(view: RequestView, role: Role, notice?: string, header?: string): AdaptiveCard {
  const { request } = view;
  const note = sandboxNote(role);
  const decide = request.status === 'pending' ? decision(view, role) : { inputs: [], actions: [] };
  const reviewed = review(view, role);
  const marker = request.breakGlass ? `${TEAMS_BREAK_GLASS_MARKER} ` : '';
  return card(
    [
      header ? text(header, { weight: 'Bolder' }) : undefined,
      text(`${marker}Access request ${request.id} — ${request.status}`, { size: 'Medium', weight: 'Bolder' }),
      text(requestHeadline(view, role, teamsMarkup)),
      facts(requestFacts(view).map((f) => [f.label, f.theirs ? teamsText(f.value) : f.value])),
      text(statusLine(view, teamsMarkup), { isSubtle: true }),
      ...reviewed.body,
      ...decide.inputs,
      notice ? text(`⚠️ ${notice}`, { color: 'Attention' }) : undefined,
      note ? text(note, { isSubtle: true, size: 'Small' }) : undefined,
    ],
    [...decide.actions, ...reviewed.actions],
  );
}
