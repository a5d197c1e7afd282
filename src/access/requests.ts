import { AccessError } from './errors';
import { REQUEST_TRANSITIONS } from './lifecycle';
import type { AccessRequest, Actor, RequestView } from './model';
import type { Core } from './core';
import { scheduleReminder } from './reminders';
import { checkRequest, type RequestInput } from './rules';
import { announceBreakGlass } from './break-glass';
import { scheduleEscalations } from './escalation';
import { refuseDuplicates } from './hygiene';
import { checkOnCall, describeSchedule } from './on-call';
import type { Role } from './policy';

/**
 * How a new request is settled at once, if it is: by policy, by the on-call schedule, or
 * break-glass. `onCallFailed`: the on-call look-up could not tell, so people decide.
 */
type Route =
  | { status: 'pending'; onCallFailed?: { schedule: string; error: string } }
  | { status: 'approved'; by: 'policy' | 'on_call' | 'break_glass'; data: Record<string, unknown> };

async function routeOf(core: Core, actor: Actor, role: Role, input: RequestInput): Promise<Route> {
  if (input.breakGlass) return { status: 'approved', by: 'break_glass', data: { breakGlass: true } };
  if (role.approval.auto) return { status: 'approved', by: 'policy', data: { auto: true } };
  const check = await checkOnCall(core, actor, role);
  if (!check) return { status: 'pending' };
  const schedule = describeSchedule(check.schedule);
  if ('failed' in check) return { status: 'pending', onCallFailed: { schedule, error: check.failed } };
  return check.onCall ? { status: 'approved', by: 'on_call', data: { auto: true, onCall: schedule } } : { status: 'pending' };
}

/**
 * Files a request: pending for approvers, or approved at once by policy
 * (`approval.auto`), by the on-call schedule (`approval.auto_if_on_call`) or by the
 * requester under break-glass.
 */
export async function requestAccess(core: Core, actor: Actor, input: RequestInput): Promise<RequestView> {
  const { store, clock, ids, notifier, logger } = core.deps;
  const role = core.role(input.roleId);
  const checked = checkRequest(role, input);
  const now = clock.now();
  const limit = core.deps.policy.limits.requests_per_hour;
  if ((await store.countRequestsSince(actor.userId, new Date(now.getTime() - 3_600_000))) >= limit) {
    await core.audit({ action: 'request.refused', requestId: null, actor, data: { code: 'rate_limited', roleId: role.id } });
    throw new AccessError('rate_limited', `You have made ${limit} requests in the last hour, the most allowed. Please wait, or ask an admin.`);
  }
  await refuseDuplicates(core, actor, role);
  const route = await routeOf(core, actor, role, input);
  const approved = route.status === 'approved';
  const request: AccessRequest = {
    id: ids.requestId(),
    status: route.status,
    roleId: role.id,
    requesterId: actor.userId,
    requesterPlatform: actor.platform,
    ...checked,
    approvalsRequired: approved ? 0 : role.approval.required,
    autoApproved: approved && route.by !== 'break_glass',
    createdAt: now,
    updatedAt: now,
    decidedAt: approved ? now : null,
    approvedDurationMs: null,
    breakGlass: approved && route.by === 'break_glass',
    reviewedBy: null,
    reviewedAt: null,
    reviewRemindedAt: null,
  };
  await store.transaction(async (tx) => {
    await tx.insertRequest(request);
    await tx.appendAudit({ action: 'request.created', requestId: request.id, actor, data: { roleId: role.id, durationMs: checked.durationMs, reason: checked.reason, ticket: checked.ticket, breakGlass: request.breakGlass || undefined } }, now);
    if (approved) {
      // Break-glass is the requester's own approval; the others are the policy's.
      await tx.appendAudit({ action: 'request.approved', requestId: request.id, actor: route.by === 'break_glass' ? actor : { platform: 'system', userId: 'policy' }, data: route.data }, now);
    } else if (route.onCallFailed) {
      await tx.appendAudit({ action: 'oncall.lookup_failed', requestId: request.id, actor: { platform: 'system', userId: 'policy' }, data: { roleId: role.id, ...route.onCallFailed } }, now);
    }
  });

  const view: RequestView = { request, approvals: [], grant: null };
  if (approved && route.by !== 'break_glass') {
    await core.queueGrant(request.id);
    await core.announce(request.id, { kind: 'approved', by: route.by });
    return view;
  }
  try {
    // Break-glass posts its (loud, review-only) card too, so approvers see it where they decide.
    const refs = await notifier.postApprovalCards(view, role);
    await store.saveMessageRefs(request.id, refs);
  } catch (e) {
    // The request stands (approvers can use /jit pending); make the gap visible.
    logger.error({ err: e, requestId: request.id }, 'could not post the approval card');
    await core.audit({ action: 'notify.failed', requestId: request.id, actor: { platform: 'system', userId: 'worker' }, data: { what: 'approval_card', error: String(e) } });
  }
  if (request.breakGlass) {
    await announceBreakGlass(core, view, role);
    await core.queueGrant(request.id);
    await core.announce(request.id, { kind: 'approved', by: 'break_glass' }, false);
    return view;
  }
  await scheduleEscalations(core, request, role);
  await scheduleReminder(core, request.id, now);
  await core.announce(request.id, { kind: 'submitted' }, false);
  if (route.status === 'pending' && route.onCallFailed) await core.announce(request.id, { kind: 'on_call_unavailable', ...route.onCallFailed }, false);
  return view;
}

/** The requester withdraws a pending request. */
export async function cancelRequest(core: Core, actor: Actor, requestId: string): Promise<RequestView> {
  const { store, clock } = core.deps;
  const request = await core.request(requestId);
  if (request.requesterId !== actor.userId) {
    await core.audit({ action: 'cancel.refused', requestId, actor, data: { code: 'not_allowed' } });
    throw new AccessError('not_allowed', `Only the requester can cancel ${requestId}.`);
  }
  const now = clock.now();
  const done = await store.transaction(async (tx) => {
    const updated = await tx.transitionRequest(requestId, REQUEST_TRANSITIONS.cancel, now);
    if (updated) await tx.appendAudit({ action: 'request.cancelled', requestId, actor }, now);
    return updated;
  });
  if (!done) throw new AccessError('already_decided', `${requestId} is ${request.status} and can no longer be cancelled.`);
  await core.announce(requestId, { kind: 'cancelled' });
  return core.view(requestId);
}

/** Ends a pending request nobody decided on within the role's TTL. */
export async function timeOutRequest(core: Core, requestId: string): Promise<boolean> {
  const { store, clock } = core.deps;
  const now = clock.now();
  const done = await store.transaction(async (tx) => {
    const updated = await tx.transitionRequest(requestId, REQUEST_TRANSITIONS.timeOut, now);
    if (updated) await tx.appendAudit({ action: 'request.timed_out', requestId, actor: { platform: 'system', userId: 'reconciler' } }, now);
    return updated;
  });
  if (done) await core.announce(requestId, { kind: 'timed_out' });
  return Boolean(done);
}
