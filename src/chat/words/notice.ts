import type { RequestView } from '../../access/model';
import type { Role } from '../../access/policy';
import type { DeliveryPart, RequesterNotice } from '../../access/ports';
import { approvedByWords, approverNames, durationWords, endedWords, expiringWords, onCallUnavailableWords } from './approval';
import type { Markup } from './markup';

/** What the requester is told at one step of the lifecycle, worded once for Slack and Teams. */
export function requesterNoticeWords(view: RequestView, role: Role, notice: RequesterNotice, m: Markup): string {
  const { request, grant } = view;
  const what = `${m.bold(role.id)} for ${durationWords(request)} (${m.code(request.id)})`;
  const approvers = (set: Parameters<typeof approverNames>[0]) => approverNames(set, m.user, m.group, request.requesterId);
  switch (notice.kind) {
    case 'submitted':
      return `${m.emoji('inbox_tray')} Your request for ${what} is waiting for approval from ${role.approval.approvers ? approvers(role.approval.approvers) : 'the approvers'}.`;
    case 'on_call_unavailable':
      return `${m.emoji('warning')} ${onCallUnavailableWords(notice, what, m)}`;
    case 'escalated':
      return `${m.emoji('arrow_double_up')} Nobody has decided on ${what} yet, so I am now also asking ${approvers(notice.approvers)} (escalation tier ${notice.tier + 1}).`;
    case 'approval_recorded':
      return `${m.emoji('ballot_box_with_check')} ${m.user(notice.by)} approved ${what}; ${notice.remaining} more approval${notice.remaining > 1 ? 's' : ''} needed.`;
    case 'approved':
      return `${m.emoji('white_check_mark')} ${what} was approved ${approvedByWords(notice.by, m.user)}. Granting now…`;
    case 'denied':
      return `${m.emoji('no_entry')} ${what} was denied by ${m.user(notice.by)}: ${m.text(notice.reason)}`;
    case 'granted':
      return `${m.emoji('unlock')} You now have ${what} through ${notice.providerLabel}, until ${grant?.expiresAt ? m.when(grant.expiresAt) : 'its expiry'}. Done early? ${m.code(m.command(`revoke ${request.id}`))}`;
    case 'grant_failed':
      return `${m.emoji('x')} ${what} could not be granted: ${m.text(notice.error)}`;
    case 'expiring_soon':
      return `${m.emoji('hourglass')} ${what} ${expiringWords(notice.msLeft, notice.extendChoices.length > 0)}`;
    case 'ended':
      return `${m.emoji('lock')} ${endedWords(notice, what, m.user)}`;
    case 'revoke_verified':
      return `${m.emoji('lock')} ${what}: revoked and verified — the provider now confirms the access is gone.`;
    case 'timed_out':
      return `${m.emoji('alarm_clock')} ${what} timed out: nobody decided in time. Ask again if you still need it.`;
    case 'cancelled':
      return `${m.emoji('heavy_multiplication_x')} You cancelled ${what}.`;
  }
}

/**
 * A part of a provider's private delivery, worded in `m`; a `code` part is only its title
 * here (each platform lays the code out itself, where it can be copied as it is).
 */
export function deliveryWords(part: DeliveryPart, m: Markup): string {
  switch (part.kind) {
    case 'text':
      return part.text;
    case 'link':
      return `${m.bold(`${part.title}:`)} ${m.link(part.url, part.text)}${part.note ? ` (${part.note})` : ''}`;
    case 'code':
      return m.bold(`${part.title}:`);
    case 'note':
      return `${m.emoji(part.tone === 'warning' ? 'warning' : 'information_source')} ${part.text}`;
  }
}
