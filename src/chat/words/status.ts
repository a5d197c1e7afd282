import { grantDurationMs, type RequestView } from '../../access/model';
import { formatDuration } from '../../lib/duration';
import type { Markup } from './markup';

/** `45m left` for an active grant (minutes are enough on a page people glance at; under a minute says so). */
export function timeLeftWords(view: RequestView, now: Date): string {
  const ms = (view.grant?.expiresAt?.getTime() ?? now.getTime()) - now.getTime();
  return ms < 60_000 ? 'less than a minute left' : `${formatDuration(Math.floor(ms / 60_000) * 60_000)} left`;
}

/** The break-glass marker every card, list row and alert carries. */
export const breakGlassMarker = (m: Markup) => `${m.emoji('rotating_light')} BREAK-GLASS`;

/** Who approved, as a card or list row says it: the requester under break-glass, the policy, or people. */
function approvedBy(view: RequestView, m: Markup): string {
  if (view.request.breakGlass) return `by the requester — ${breakGlassMarker(m)}`;
  if (view.request.autoApproved) return 'by policy';
  return `by ${view.approvals
    .filter((a) => a.decision === 'approve')
    .map((a) => m.user(a.approverId))
    .join(', ')}`;
}

/** One line saying where the request stands, for cards, lists and the audit trail. */
export function statusLine(view: RequestView, m: Markup): string {
  const { request, approvals, grant } = view;
  const denied = approvals.find((a) => a.decision === 'deny');
  const verified = grant?.revokeVerifiedAt ? ' and verified' : '';
  switch (request.status) {
    case 'pending': {
      const approved = approvals.filter((a) => a.decision === 'approve').length;
      return `${m.emoji('hourglass_flowing_sand')} Waiting for approval (${approved} of ${request.approvalsRequired})${approved ? ` — approved ${approvedBy(view, m)}` : ''}`;
    }
    case 'approved':
      return `${m.emoji('white_check_mark')} Approved ${approvedBy(view, m)} — granting…`;
    case 'active':
      return `${m.emoji('unlock')} ${m.bold('Active')} until ${grant?.expiresAt ? m.when(grant.expiresAt) : '…'} (approved ${approvedBy(view, m)})`;
    case 'expired':
      return `${m.emoji('lock')} Expired${grant?.revokedAt ? ` ${m.when(grant.revokedAt)}` : ''} — access revoked${verified}`;
    case 'revoked':
      return `${m.emoji('lock')} Revoked early by ${grant?.revokeRequestedBy ? m.user(grant.revokeRequestedBy) : 'an operator'}${grant?.revokedAt ? ` at ${m.when(grant.revokedAt)}` : ''} — access revoked${verified}`;
    case 'denied':
      return `${m.emoji('no_entry')} Denied by ${denied ? m.user(denied.approverId) : 'an approver'}${denied?.comment ? `: ${m.text(denied.comment)}` : ''}`;
    case 'cancelled':
      return `${m.emoji('heavy_multiplication_x')} Cancelled by the requester`;
    case 'timed_out':
      return `${m.emoji('alarm_clock')} Timed out — nobody decided in time`;
    case 'failed':
      return `${m.emoji('x')} Grant failed${grant?.failureReason ? `: ${m.text(grant.failureReason)}` : ''}`;
  }
}

/** `prod-admin for 1h`, the break-glass marker and the ticket, as list rows show a request. */
export function requestSummary(view: RequestView, m: Markup): string {
  const { request } = view;
  const parts = [`${m.bold(request.roleId)} for ${formatDuration(grantDurationMs(request))}`];
  if (request.breakGlass) parts.push(breakGlassMarker(m));
  if (request.ticket) parts.push(`(${m.text(request.ticket)})`);
  return parts.join(' ');
}
