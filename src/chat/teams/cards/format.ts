import type { Platform, RequestView } from '../../../access/model';
import type { Role } from '../../../access/policy';
import { formatDuration } from '../../../lib/duration';

/**
 * A person as Teams text. Teams users are Entra object ids; people from Slack keep
 * their Slack id, marked as such (a request may be approved on the other platform).
 */
export function who(id: string, platform: Platform): string {
  return platform === 'slack' ? `Slack user ${id}` : `user ${id}`;
}

/** Teams renders `{{DATE()}}`/`{{TIME()}}` in each reader's own time zone. */
export function when(date: Date): string {
  const iso = date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `{{DATE(${iso}, SHORT)}} {{TIME(${iso})}}`;
}

export const SANDBOX_NOTE = '🧪 **SANDBOX** — no real cloud access is given or taken.';

export function sandboxNote(role: Role): string | undefined {
  return role.provider === 'sandbox' ? SANDBOX_NOTE : undefined;
}

function approvers(view: RequestView): string {
  if (view.request.autoApproved) return 'by policy';
  return `by ${view.approvals.filter((a) => a.decision === 'approve').map((a) => who(a.approverId, a.approverPlatform)).join(', ')}`;
}

/** One line saying where the request stands, for cards and lists. */
export function statusLine(view: RequestView): string {
  const { request, approvals, grant } = view;
  const denied = approvals.find((a) => a.decision === 'deny');
  switch (request.status) {
    case 'pending': {
      const approved = approvals.filter((a) => a.decision === 'approve');
      return `⏳ Waiting for approval (${approved.length} of ${request.approvalsRequired})${approved.length ? ` — approved ${approvers(view)}` : ''}`;
    }
    case 'approved':
      return `✅ Approved ${approvers(view)} — granting…`;
    case 'active':
      return `🔓 **Active** until ${grant?.expiresAt ? when(grant.expiresAt) : '…'} (approved ${approvers(view)})`;
    case 'expired':
      return `🔒 Expired${grant?.revokedAt ? ` ${when(grant.revokedAt)}` : ''} — access revoked`;
    case 'revoked':
      return `🔒 Revoked early by ${grant?.revokeRequestedBy ?? 'an operator'}${grant?.revokedAt ? ` at ${when(grant.revokedAt)}` : ''}`;
    case 'denied':
      return `⛔ Denied by ${denied ? who(denied.approverId, denied.approverPlatform) : 'an approver'}${denied?.comment ? `: ${denied.comment}` : ''}`;
    case 'cancelled':
      return '✖️ Cancelled by the requester';
    case 'timed_out':
      return '⏰ Timed out — nobody decided in time';
    case 'failed':
      return `❌ Grant failed${grant?.failureReason ? `: ${grant.failureReason}` : ''}`;
  }
}

/** `**prod-admin** for 1h (INC-42)`, as list rows show it. */
export function summary(view: RequestView): string {
  const { request } = view;
  return `**${request.roleId}** for ${formatDuration(request.durationMs)}${request.ticket ? ` (${request.ticket})` : ''}`;
}
