import type { RequestView } from '../../../access/model';
import type { Role } from '../../../access/policy';
import type { RequesterNotice } from '../../../access/ports';
import { formatDuration } from '../../../lib/duration';
import { approvedByWords, approverNames, durationWords, endedWords, expiringWords, onCallUnavailableWords } from '../../approval-words';
import { card, choiceSet, execute, text as block, VERBS, type AdaptiveCard, type CardElement } from './card';
import { plain, sandboxNote, teamsMarkup, teamsText, when } from './format';

/** The expiry warning's drop-down of extensions (its value goes with `jit.extend`). */
export const EXTEND_INPUT = 'extendMs';

function line(view: RequestView, role: Role, notice: RequesterNotice): string {
  const { request, grant } = view;
  const what = `**${role.id}** for ${durationWords(request)} (${request.id})`;
  // Approver ids here are whoever decided, on either platform; the approval card names their platform.
  switch (notice.kind) {
    case 'submitted':
      return `📥 Your request for ${what} is waiting for approval.`;
    case 'on_call_unavailable':
      return `⚠️ ${onCallUnavailableWords(notice, what, teamsMarkup)}`;
    case 'escalated':
      return `⏫ Nobody has decided on ${what} yet, so I am now also asking ${approverNames(notice.approvers, String, String, request.requesterId)} (escalation tier ${notice.tier + 1}).`;
    case 'approval_recorded':
      return `☑️ ${notice.by} approved ${what}; ${notice.remaining} more approval${notice.remaining > 1 ? 's' : ''} needed.`;
    case 'approved':
      return `✅ ${what} was approved ${approvedByWords(notice.by, String)}. Granting now…`;
    case 'denied':
      return `⛔ ${what} was denied by ${notice.by}: ${teamsText(notice.reason)}`;
    case 'granted':
      return `🔓 You now have ${what} through ${notice.providerLabel}, until ${grant?.expiresAt ? when(grant.expiresAt) : 'its expiry'}. Done early? Send \`revoke ${request.id}\``;
    case 'grant_failed':
      return `❌ ${what} could not be granted: ${teamsText(notice.error)}`;
    case 'expiring_soon':
      return `⌛ ${what} ${expiringWords(notice.msLeft, notice.extendChoices.length > 0)}`;
    case 'ended':
      return `🔒 ${endedWords(notice, what, String)}`;
    case 'revoke_verified':
      return `🔒 ${what}: revoked and verified — the provider now confirms the access is gone.`;
    case 'timed_out':
      return `⏰ ${what} timed out: nobody decided in time. Ask again if you still need it.`;
    case 'cancelled':
      return `✖️ You cancelled ${what}.`;
  }
}

/** "I'm done", and "Extend" with exactly the extensions the core offers (none: no control). */
function expiryActions(view: RequestView, extendChoices: number[]): { inputs: CardElement[]; actions: CardElement[] } {
  const data = { requestId: view.request.id };
  const done = { ...execute("I'm done", VERBS.done, data, 'destructive'), associatedInputs: 'none' };
  if (extendChoices.length === 0) return { inputs: [], actions: [done] };
  return {
    inputs: [choiceSet(EXTEND_INPUT, 'Extend by', extendChoices.map((ms) => ({ title: formatDuration(ms), value: String(ms) })))],
    actions: [execute('Extend', VERBS.extend, data, 'positive'), done],
  };
}

/** The 1:1 message the requester gets at one step: a summary line for notifications, and a card. */
export function requesterNotice(view: RequestView, role: Role, notice: RequesterNotice): { text: string; card: AdaptiveCard } {
  const summary = line(view, role, notice);
  const note = sandboxNote(role);
  const delivery = notice.kind === 'granted' ? notice.privateDelivery : undefined;
  const expiry = notice.kind === 'expiring_soon' ? expiryActions(view, notice.extendChoices) : { inputs: [], actions: [] };
  return {
    text: plain(summary),
    card: card([block(summary), delivery ? block(delivery, { fontType: 'Monospace' }) : undefined, ...expiry.inputs, note ? block(note, { isSubtle: true, size: 'Small' }) : undefined], expiry.actions),
  };
}
