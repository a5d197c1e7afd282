import { grantDurationMs, type Platform, type RequestView } from '../../../access/model';
import type { Role } from '../../../access/policy';
import { formatDuration } from '../../../lib/duration';
import { platformOfAccountId } from '../../../lib/ids';
import { showHidden } from '../../../lib/text';
import type { Markup } from '../../approval-words';

/**
 * Text a person or a cloud API supplied, as an Adaptive Card shows it literally: the
 * markdown Teams applies in TextBlocks and facts (emphasis, links, code, strikethrough,
 * lists and headings at a line's start) backslash-escaped, `{{…}}` broken apart so Teams
 * evaluates no DATE()/TIME() function in it, and invisible or direction-changing
 * characters shown (lib/text.ts). Every Teams renderer passes such text through this one
 * function.
 */
export function teamsText(text: string): string {
  return showHidden(text)
    .replace(/[\\`*_~[\]]/g, '\\$&')
    .replace(/^(\s*)([-+>#]|\d+\.)/gm, '$1\\$2')
    .replace(/\{\{/g, '{ {')
    .replace(/\}\}/g, '} }');
}

/**
 * A person as Teams text. Teams users are Entra object ids; people from Slack keep
 * their Slack id, marked as such (a request may be approved on the other platform).
 */
export function who(id: string, platform: Platform): string {
  return platform === 'slack' ? `Slack user ${teamsText(id)}` : `user ${teamsText(id)}`;
}

/** A person whose platform the text does not carry: Slack ids have their own shape (the policy checks it too). */
export function person(id: string): string {
  return who(id, platformOfAccountId(id));
}

/** Teams renders `{{DATE()}}`/`{{TIME()}}` in each reader's own time zone. */
export function when(date: Date): string {
  const iso = date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `{{DATE(${iso}, SHORT)}} {{TIME(${iso})}}`;
}

/** `2026-11-24 10:00 UTC`: a time where `{{DATE()}}` does not render (plain messages, notification summaries). */
export function utcTime(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The same text without `{{DATE()}}` functions (they only render inside cards): for notification summaries. */
export function plain(text: string): string {
  return text.replace(/\{\{DATE\(([^,]+), SHORT\)\}\} \{\{TIME\([^)]+\)\}\}/g, (_, iso: string) => utcTime(new Date(iso)));
}

/** Teams markdown for the shared wording (approval-words.ts). */
export const teamsMarkup: Markup = { text: teamsText, user: person, group: (id) => `Slack group ${id}`, when, bold: (t) => `**${t}**`, code: (t) => `\`${t}\`` };
/** The same, for a plain text message (no card, so no `{{DATE()}}`). */
export const teamsTextMarkup: Markup = { ...teamsMarkup, when: utcTime };

/** The break-glass marker as Teams shows it. */
export const TEAMS_BREAK_GLASS_MARKER = '🚨 BREAK-GLASS';

export const SANDBOX_NOTE = '🧪 **SANDBOX** — no real cloud access is given or taken.';

export function sandboxNote(role: Role): string | undefined {
  return role.provider === 'sandbox' ? SANDBOX_NOTE : undefined;
}

function approvers(view: RequestView): string {
  if (view.request.breakGlass) return `by the requester — ${TEAMS_BREAK_GLASS_MARKER}`;
  if (view.request.autoApproved) return 'by policy';
  return `by ${view.approvals.filter((a) => a.decision === 'approve').map((a) => who(a.approverId, a.approverPlatform)).join(', ')}`;
}

/** One line saying where the request stands, for cards and lists. */
export function statusLine(view: RequestView): string {
  const { request, approvals, grant } = view;
  const denied = approvals.find((a) => a.decision === 'deny');
  const verified = grant?.revokeVerifiedAt ? ' and verified' : '';
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
      return `🔒 Expired${grant?.revokedAt ? ` ${when(grant.revokedAt)}` : ''} — access revoked${verified}`;
    case 'revoked':
      return `🔒 Revoked early by ${grant?.revokeRequestedBy ? person(grant.revokeRequestedBy) : 'an operator'}${grant?.revokedAt ? ` at ${when(grant.revokedAt)}` : ''} — access revoked${verified}`;
    case 'denied':
      return `⛔ Denied by ${denied ? who(denied.approverId, denied.approverPlatform) : 'an approver'}${denied?.comment ? `: ${teamsText(denied.comment)}` : ''}`;
    case 'cancelled':
      return '✖️ Cancelled by the requester';
    case 'timed_out':
      return '⏰ Timed out — nobody decided in time';
    case 'failed':
      return `❌ Grant failed${grant?.failureReason ? `: ${teamsText(grant.failureReason)}` : ''}`;
  }
}

/** `**prod-admin** for 1h (INC-42)`, as list rows show it. */
export function summary(view: RequestView): string {
  const { request } = view;
  return `**${request.roleId}** for ${formatDuration(grantDurationMs(request))}${request.breakGlass ? ` ${TEAMS_BREAK_GLASS_MARKER}` : ''}${request.ticket ? ` (${teamsText(request.ticket)})` : ''}`;
}
