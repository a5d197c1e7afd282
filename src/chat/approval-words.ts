import { reviewDueAt } from '../access/break-glass';
import { grantDurationMs, type AccessRequest } from '../access/model';
import type { ApproverSet, EscalationTier, Role } from '../access/policy';
import type { RequesterNotice } from '../access/ports';
import { formatDuration } from '../lib/duration';

/** Platform-neutral wording shared by the Slack and Teams renderers of the policy features. */

/** `1h`, or `30m (approved shorter than the 1h asked)` when an approver shortened it. */
export function durationWords(request: AccessRequest): string {
  const granted = grantDurationMs(request);
  return granted === request.durationMs ? formatDuration(granted) : `${formatDuration(granted)} (approved shorter than the ${formatDuration(request.durationMs)} asked)`;
}

/** Who approved, for a notice: a person (rendered by `user`), the policy, the on-call schedule or break-glass. */
export function approvedByWords(by: Extract<RequesterNotice, { kind: 'approved' }>['by'], user: (id: string) => string): string {
  switch (by) {
    case 'policy': return 'by policy';
    case 'on_call': return 'automatically because you are on call now';
    case 'break_glass': return 'by you under BREAK-GLASS; an approver will review it afterwards';
    default: return `by ${user(by)}`;
  }
}

/** The approvers of a set, as mentions (`group` renders a user group). */
export function approverNames(set: ApproverSet, user: (id: string) => string, group: (id: string) => string): string {
  return [...set.slack_users.map(user), ...set.slack_usergroups.map(group), ...set.teams_users].join(', ') || 'nobody';
}

/** Shorter grants an approver may pick: common lengths below the asked one, at least the role's minimum. */
export function shorterDurations(askedMs: number, minMs: number): number[] {
  const CHOICES = [5, 15, 30, 60, 120, 240, 480, 720, 1440].map((m) => m * 60_000);
  return CHOICES.filter((ms) => ms < askedMs && ms >= minMs);
}

/** How a platform marks up people, times and emphasis (Slack mrkdwn, Teams markdown). */
export interface Markup {
  user(id: string): string;
  group(id: string): string;
  when(date: Date): string;
  bold(text: string): string;
  code(text: string): string;
}

/** The header of an escalation tier's card (after the platform's emoji): whom it now asks, and why. */
export function escalationWords(requestId: string, tier: EscalationTier, tierIndex: number, m: Markup): string {
  return `${m.bold('Escalated')} (tier ${tierIndex + 1}): nobody decided on ${m.code(requestId)} within ${formatDuration(tier.after)}. ${approverNames(tier.approvers, m.user, m.group)}, you can now decide.`;
}

/** A break-glass card's review line: who reviewed it, or who must by when (after the platform's marker). */
export function reviewWords(request: AccessRequest, role: Role, m: Markup): { reviewed: boolean; text: string } {
  if (request.reviewedAt && request.reviewedBy) return { reviewed: true, text: `Break-glass reviewed by ${m.user(request.reviewedBy)} ${m.when(request.reviewedAt)}` };
  const overdue = request.reviewRemindedAt ? ` ${m.bold('Review overdue.')}` : '';
  return { reviewed: false, text: `self-approved by ${m.user(request.requesterId)}. An approver of ${role.id} must review it by ${m.when(reviewDueAt(request, role))}.${overdue}` };
}

/** What the expiry warning says before its buttons. */
export function expiringWords(msLeft: number): string {
  return `expires in ${formatDuration(msLeft)}. Finished already? Press "I'm done" to end it now.`;
}
