import { Message } from 'slack-block-builder';
import type { RequestView } from '../../../access/model';
import type { Role } from '../../../access/policy';
import { formatDuration } from '../../../lib/duration';
import { SLACK_USER_ID } from '../../../lib/ids';
import { showHidden } from '../../../lib/text';
import { sectionText } from './limits';
import type { Markup } from '../../approval-words';

/**
 * Text a person or a cloud API supplied, as Slack mrkdwn shows it literally: `&`, `<` and
 * `>` escaped (so `<!channel>`, `<@U…>` and `<https://…|label>` are never pings, mentions
 * or links), invisible and direction-changing characters shown (lib/text.ts). Every
 * Slack renderer passes such text through this one function.
 */
export function slackText(text: string): string {
  return showHidden(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A mention, made only from an id; a Teams person (Entra object id) is named as such. */
export const user = (id: string) => (SLACK_USER_ID.test(id) ? `<@${id}>` : `Teams user ${slackText(id)}`);
export const group = (id: string) => `<!subteam^${id}>`;

export const BREAK_GLASS_MARKER = ':rotating_light: BREAK-GLASS';

/** Built Block Kit blocks, for messages that mix builder blocks with `plainText` ones. */
export function blocksOf(...builders: Array<Parameters<ReturnType<typeof Message>['blocks']>[number] | undefined>): unknown[] {
  return (Message().blocks(...builders).buildToObject().blocks as unknown[] | undefined) ?? [];
}

/**
 * A section in plain text: Slack applies no mrkdwn there, so someone's words stay
 * exactly their words (hidden characters shown; a section holds 3,000 characters).
 */
export function plainText(text: string): { type: 'section'; text: { type: 'plain_text'; text: string; emoji: false } } {
  return { type: 'section', text: { type: 'plain_text', text: sectionText(showHidden(text)), emoji: false } };
}

/** Slack renders `<!date^…>` in each reader's own time zone. */
export function when(date: Date): string {
  const seconds = Math.floor(date.getTime() / 1000);
  return `<!date^${seconds}^{date_short_pretty} {time_secs}|${date.toISOString()}>`;
}

/** Slack mrkdwn for the shared wording (approval-words.ts). */
export const slackMarkup: Markup = { text: slackText, user, group, when, bold: (t) => `*${t}*`, code: (t) => `\`${t}\`` };

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
      return `:no_entry: Denied by ${deniedBy ? user(deniedBy.approverId) : 'an approver'}${deniedBy?.comment ? `: ${slackText(deniedBy.comment)}` : ''}`;
    case 'cancelled':
      return ':heavy_multiplication_x: Cancelled by the requester';
    case 'timed_out':
      return ':alarm_clock: Timed out — nobody decided in time';
    case 'failed':
      return `:x: Grant failed${grant?.failureReason ? `: ${slackText(grant.failureReason)}` : ''}`;
  }
}

/** `prod-admin for 1h` with the reason and ticket, as list rows show it. */
export function summary(view: RequestView): string {
  const { request } = view;
  const parts = [`*${request.roleId}* for ${formatDuration(request.approvedDurationMs ?? request.durationMs)}`];
  if (request.breakGlass) parts.push(BREAK_GLASS_MARKER);
  if (request.ticket) parts.push(`(${slackText(request.ticket)})`);
  return parts.join(' ');
}
