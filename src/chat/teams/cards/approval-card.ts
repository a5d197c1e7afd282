import type { RequestView } from '../../../access/model';
import type { Role } from '../../../access/policy';
import { formatDuration } from '../../../lib/duration';
import { card, execute, facts, text, VERBS, type AdaptiveCard } from './card';
import { sandboxNote, statusLine, who } from './format';

/** The card approvers see in the Teams approval channel; buttons only while the request is pending. */
export function approvalCard(view: RequestView, role: Role, notice?: string): AdaptiveCard {
  const { request } = view;
  const pending = request.status === 'pending';
  const note = sandboxNote(role);
  return card(
    [
      text(`Access request ${request.id} — ${request.status}`, { size: 'Medium', weight: 'Bolder' }),
      text(`${who(request.requesterId, request.requesterPlatform)} requests **${role.id}**${role.description ? ` — ${role.description}` : ''}`),
      facts([
        ['Request', request.id],
        ['Duration', formatDuration(request.durationMs)],
        ['Reason', request.reason ?? '—'],
        ['Ticket', request.ticket ?? '—'],
      ]),
      text(statusLine(view), { isSubtle: true }),
      notice ? text(`⚠️ ${notice}`, { color: 'Attention' }) : undefined,
      note ? text(note, { isSubtle: true, size: 'Small' }) : undefined,
    ],
    pending ? [execute('Approve', VERBS.approve, { requestId: request.id }, 'positive'), execute('Deny', VERBS.deny, { requestId: request.id }, 'destructive')] : [],
  );
}
