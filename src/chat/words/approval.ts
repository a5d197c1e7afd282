import { reviewDueAt } from '../../access/requests/break-glass';
import { grantDurationMs, type AccessRequest } from '../../access/model';
import type { ApproverSet, EscalationTier, Role } from '../../access/policy';
import type { RequesterNotice } from '../../access/ports';
import { formatDuration } from '../../lib/duration';
import type { Markup } from './markup';

/** Platform-neutral wording shared by the Slack and Teams renderers of the policy features. */

/** `1h`, or `30m (approved shorter than the 1h asked)` when an approver shortened it. */
export function durationWords(request: AccessRequest): string {
  const granted = grantDurationMs(request);
  return granted === request.durationMs
    ? formatDuration(granted)
    : `${formatDuration(granted)} (approved shorter than the ${formatDuration(request.durationMs)} asked)`;
}

/** Who approved, for a notice: a person (rendered by `user`), the policy, the on-call schedule or break-glass. */
export function approvedByWords(by: Extract<RequesterNotice, { kind: 'approved' }>['by'], user: (id: string) => string): string {
  switch (by) {
    case 'policy':
      return 'by policy';
    case 'on_call':
      return 'automatically because you are on call now';
    case 'break_glass':
      return 'by you under BREAK-GLASS; an approver will review it afterwards';
    default:
      return `by ${user(by)}`;
  }
}

/**
 * The approvers of a set, as mentions (`group` renders a user group), leaving out `requester`:
 * told who may approve their request, a requester who is also an approver of the role is not
 * one of them (nobody approves their own request).
 */
export function approverNames(set: ApproverSet, user: (id: string) => string, group: (id: string) => string, requester?: string): string {
  const others = (ids: string[]) => ids.filter((id) => id !== requester);
  return (
    [
      ...others(set.slack_users).map(user),
      ...set.slack_usergroups.map(group),
      ...others(set.teams_users).map(user),
      ...set.entra_groups.map(group),
    ].join(', ') || (requester ? 'nobody else (ask an admin to add approvers)' : 'nobody')
  );
}

/** Shorter grants an approver may pick: common lengths below the asked one, at least the role's minimum. */
export function shorterDurations(askedMs: number, minMs: number): number[] {
  const CHOICES = [5, 15, 30, 60, 120, 240, 480, 720, 1440].map((m) => m * 60_000);
  return CHOICES.filter((ms) => ms < askedMs && ms >= minMs);
}

/** The nudge to approvers (named, so each platform can @mention them), in the approval card's thread, of a request still pending. */
export function reminderWords(request: AccessRequest, approvers: ApproverSet | undefined, m: Markup): string {
  const from = approvers ? ` from ${approverNames(approvers, m.user, m.group, request.requesterId)}` : '';
  return `${m.emoji('bell')} Reminder: ${m.code(request.id)} (${m.bold(request.roleId)} for ${m.user(request.requesterId)}) is still waiting for approval${from}. Approve or deny it on the card above.`;
}

/**
 * The header of an escalation tier's card (after the platform's emoji): whom it asks, and why.
 * Kept when the card is updated, so it is worded for after the decision too.
 */
export function escalationWords(request: AccessRequest, tier: EscalationTier, tierIndex: number, m: Markup): string {
  const names = approverNames(tier.approvers, m.user, m.group);
  const ask = request.status === 'pending' ? `${names}, you can now decide.` : `${names} were asked too.`;
  return `${m.bold('Escalated')} (tier ${tierIndex + 1}): nobody decided on ${m.code(request.id)} within ${formatDuration(tier.after)}. ${ask}`;
}

/** A break-glass card's review line: who reviewed it, or who must by when (after the platform's marker). */
export function reviewWords(request: AccessRequest, role: Role, m: Markup): { reviewed: boolean; text: string } {
  if (request.reviewedAt && request.reviewedBy)
    return { reviewed: true, text: `Break-glass reviewed by ${m.user(request.reviewedBy)} ${m.when(request.reviewedAt)}` };
  const overdue = request.reviewRemindedAt ? ` ${m.bold('Review overdue.')}` : '';
  return {
    reviewed: false,
    text: `self-approved by ${m.user(request.requesterId)}. An approver of ${role.id} must review it by ${m.when(reviewDueAt(request, role))}.${overdue}`,
  };
}

/** What the expiry warning says before its buttons (`canExtend`: it offers "Extend"). */
export function expiringWords(msLeft: number, canExtend: boolean): string {
  const extend = canExtend ? ' Need longer? Pick a time under "Extend".' : '';
  return `expires in ${formatDuration(msLeft)}.${extend} Finished already? Press "I'm done" to end it now.`;
}

/** Why a request of an `auto_if_on_call` role went to people after all (`what` names the request). */
export function onCallUnavailableWords(
  notice: Extract<RequesterNotice, { kind: 'on_call_unavailable' }>,
  what: string,
  m: Pick<Markup, 'text'>,
): string {
  return `I could not check whether you are on call in ${notice.schedule} (${m.text(notice.error)}), so ${what} was not approved automatically: it waits for the approvers like any other request.`;
}

/** The sentence after "your access was revoked": what the provider's check found (empty when none ran). */
function verificationWords(verification: Extract<RequesterNotice, { kind: 'ended' }>['verification']): string {
  switch (verification) {
    case 'verified':
      return ' Revoked and verified: the provider confirms the access is gone.';
    case 'still_standing':
      return ' But the provider still shows the access, so the revoke is not verified yet: the security team is alerted, and I am revoking again and re-checking every minute. I will tell you once it is confirmed.';
    case 'unchecked':
      return '';
  }
}

/** What the requester is told when their access ended (`what` names the request; `user` marks up who revoked it). */
export function endedWords(notice: Extract<RequesterNotice, { kind: 'ended' }>, what: string, user: (id: string) => string): string {
  const checked = verificationWords(notice.verification);
  return notice.how === 'revoked'
    ? `${what} was revoked early${notice.by ? ` by ${user(notice.by)}` : ''}.${checked || ' Your access is gone.'}`
    : `${what} has expired and your access was revoked.${checked}`;
}
