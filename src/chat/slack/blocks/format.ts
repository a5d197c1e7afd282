import type { RequestView } from '../../../access/model';
import type { Role } from '../../../access/policy';
import { formatDuration } from '../../../lib/duration';
import { BREAK_GLASS_MARKER } from '../../../access/break-glass';
import type { Markup } from '../../approval-words';

export const user = (id: string) => `<@${id}>`;
export const group = (id: string) => `<!subteam^${id}>`;

/** Slack renders `<!date^…>` in each reader's own time zone. */
export function when(date: Date): string {
  const seconds = Math.floor(date.getTime() / 1000);
  return `<!date^${seconds}^{date_short_pretty} {time_secs}|${date.toISOString()}>`;
}

/** Slack mrkdwn for the shared wording (approval-words.ts). */
export const slackMarkup: Markup = { user, group, when, bold: (t) => `*${t}*`, code: (t) => `\`${t}\`` };

export const SANDBOX_NOTE = ':test_tube: *SANDBOX* — no real cloud access is given or taken.';

/** The context line every message about a sandbox role carries. */
export function sandboxNote(role: Role): string | undefined {
  return role.provider === 'sandbox' ? SANDBOX_NOTE : undefined;
}

/** One line saying where the request stands, for cards and lists. */
export function statusLine(view: RequestView): string {
  const { request, approvals, grant } = view;
  const approvedBy = approvals.filter((a) => a.decision === 'approve').map((a) => user(a.approverId));
  const deniedBy = approvals.find((a) => a.decision === 'deny');
  const how = request.breakGlass ? `by the requester — ${BREAK_GLASS_MARKER}` : request.autoApproved ? 'by policy' : `by ${approvedBy.join(', ')}`;
  const verified = grant?.revokeVerifiedAt ? ' and verified' : '';
  switch (request.status) {
    case 'pending':
      return `:hourglass_flowing_sand: Waiting for approval (${approvedBy.length} of ${request.approvalsRequired})${approvedBy.length ? ` — approved by ${approvedBy.join(', ')}` : ''}`;
    case 'approved':
      return `:white_check_mark: Approved ${how} — granting…`;
    case 'active':
      return `:unlock: *Active* until ${grant?.expiresAt ? when(grant.expiresAt) : '…'} (approved ${how})`;
    case 'expired':
      return `:lock: Expired ${grant?.revokedAt ? when(grant.revokedAt) : ''} — access revoked${verified}`;
    case 'revoked':
      return `:lock: Revoked early by ${grant?.revokeRequestedBy ? user(grant.revokeRequestedBy) : 'an operator'}${grant?.revokedAt ? ` at ${when(grant.revokedAt)}` : ''} — access revoked${verified}`;
    case 'denied':
      return `:no_entry: Denied by ${deniedBy ? user(deniedBy.approverId) : 'an approver'}${deniedBy?.comment ? `: ${deniedBy.comment}` : ''}`;
    case 'cancelled':
      return ':heavy_multiplication_x: Cancelled by the requester';
    case 'timed_out':
      return ':alarm_clock: Timed out — nobody decided in time';
    case 'failed':
      return `:x: Grant failed${grant?.failureReason ? `: ${grant.failureReason}` : ''}`;
  }
}

/** `prod-admin for 1h` with the reason and ticket, as list rows show it. */
export function summary(view: RequestView): string {
  const { request } = view;
  const parts = [`*${request.roleId}* for ${formatDuration(request.approvedDurationMs ?? request.durationMs)}`];
  if (request.breakGlass) parts.push(BREAK_GLASS_MARKER);
  if (request.ticket) parts.push(`(${request.ticket})`);
  return parts.join(' ');
}
