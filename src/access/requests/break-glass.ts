import type { Core } from '../core';
import { alertLater, later } from '../outbox/delivery';
import { AccessError, isAccessError } from '../model/errors';
import type { AccessRequest, Person, RequestView } from '../model';
import { crossPlatformDoubt, isRequester } from '../people';
import type { Role } from '../policy';

/**
 * Break-glass (`break_glass: true` on a role): the requester approves their own
 * request with a mandatory reason, access starts at once, the approval and security
 * channels hear of it loudly, and an approver must press "Reviewed" within
 * `break_glass_review_within`, or a reminder (and the daily digest) says so.
 */

/** Tells the security channel and queues the review deadline check (the reconciler backs it up). */
export async function announceBreakGlass(core: Core, view: RequestView, role: Role): Promise<void> {
  const { notifier, scheduler, logger } = core.deps;
  const { request } = view;
  const due = reviewDueAt(request, role);
  await notifier
    .alertSecurity({ kind: 'break_glass', request, role, reviewBy: due }, request.requesterPlatform)
    .catch((e: unknown) => logger.error({ err: e, requestId: request.id }, 'could not announce break-glass to the security channel'));
  try {
    await scheduler.scheduleBreakGlassReview(request.id, due);
  } catch (e) {
    logger.error({ err: e, requestId: request.id }, 'could not queue the break-glass review check; the reconciler will do it');
  }
}

export function reviewDueAt(request: AccessRequest, role: Role): Date {
  return new Date(request.createdAt.getTime() + role.break_glass_review_within);
}

/** An approver of the role (not the requester) confirms they looked at the break-glass use. */
export async function reviewBreakGlass(core: Core, person: Person, requestId: string): Promise<RequestView> {
  const { store, clock } = core.deps;
  const actor = person.account;
  try {
    const request = await core.request(requestId);
    if (!request.breakGlass) throw new AccessError('bad_input', `${requestId} was not a break-glass request; there is nothing to review.`);
    if (isRequester(person, request))
      throw new AccessError('self_approval', `You cannot review your own break-glass use ${requestId}; another approver must.`);
    const doubt = crossPlatformDoubt(person, [
      { person: request.requesterPerson, platform: request.requesterPlatform, what: 'the requester' },
    ]);
    if (doubt) throw new AccessError('unresolved_person', doubt);
    const role = core.role(request.roleId);
    if (!(await core.isApprover(role, person)))
      throw new AccessError('not_approver', `You are not an approver for ${role.id}, so you cannot review ${requestId}.`);
    const now = clock.now();
    const marked = await store.transaction(async (tx) => {
      const ok = await tx.markReviewed(requestId, actor.userId, now);
      if (ok)
        await tx.appendAudit({ action: 'break_glass.reviewed', requestId, actor, data: { late: now > reviewDueAt(request, role) } }, now);
      return ok;
    });
    if (!marked) throw new AccessError('already_decided', `${requestId} was already reviewed.`);
  } catch (e) {
    if (isAccessError(e))
      await core.audit({ action: 'review.refused', requestId: e.code === 'not_found' ? null : requestId, actor, data: { code: e.code } });
    throw e;
  }
  await core.announce(requestId);
  return core.view(requestId);
}

/** At the deadline: when nobody reviewed, remind the security channel once (audited, so the digest sees it). */
export async function remindOverdueReview(core: Core, requestId: string): Promise<boolean> {
  const { store, clock } = core.deps;
  const request = await store.getRequest(requestId);
  if (!request?.breakGlass || request.reviewedAt || request.reviewRemindedAt) return false;
  const role = core.role(request.roleId);
  const now = clock.now();
  if (reviewDueAt(request, role) > now) return false;
  const marked = await store.transaction(async (tx) => {
    const ok = await tx.markReviewReminded(requestId, now);
    if (ok)
      await tx.appendAudit(
        {
          action: 'break_glass.review_overdue',
          requestId,
          actor: { platform: 'system', userId: 'scheduler' },
          data: { within: role.break_glass_review_within },
        },
        now,
      );
    return ok;
  });
  if (!marked) return false;
  await alertLater(core, { kind: 'break_glass_review_overdue', requestId }, request.requesterPlatform);
  await later(core, { kind: 'announce', requestId, refreshCards: true }, requestId);
  return true;
}

/** The reconciler's part: reminders a lost job did not send. */
export async function remindOverdueReviews(core: Core): Promise<number> {
  const windows = core.deps.policy.roles.filter((r) => r.break_glass).map((r) => r.break_glass_review_within);
  if (windows.length === 0) return 0;
  const before = new Date(core.deps.clock.now().getTime() - Math.min(...windows));
  let sent = 0;
  for (const request of await core.deps.store.listBreakGlassReviewsDue(before, 500))
    if (await remindOverdueReview(core, request.id)) sent++;
  return sent;
}
