import { AccessError } from '../model/errors';
import { REQUEST_TRANSITIONS } from '../model/lifecycle';
import type { AccessRequest, Person, RequestView } from '../model';
import type { Core } from '../core';
import { scheduleReminder } from '../approvals/reminders';
import { checkRequest, type RequestInput } from './rules';
import { announceBreakGlass } from './break-glass';
import { scheduleEscalations } from '../approvals/escalation';
import { LimitRefusal, refuseOverLimits } from './limits';
import { checkOnCall, describeSchedule } from './on-call';
import { isRequester, mayRequest } from '../people';
import { later } from '../outbox/delivery';
import type { Role } from '../policy';
import type { AccessStore } from '../ports';

/**
 * How a new request is settled at once, if it is: by policy, by the on-call schedule, or
 * break-glass. `onCallFailed`: the on-call look-up could not tell, so people decide.
 */
type Route =
  | { status: 'pending'; onCallFailed?: { schedule: string; error: string } }
  | { status: 'approved'; by: 'policy' | 'on_call' | 'break_glass'; data: Record<string, unknown> };

async function routeOf(core: Core, person: Person, role: Role, input: RequestInput): Promise<Route> {
  if (input.breakGlass) return { status: 'approved', by: 'break_glass', data: { breakGlass: true } };
  if (role.approval.auto) return { status: 'approved', by: 'policy', data: { auto: true } };
  const check = await checkOnCall(core, person, role);
  if (!check) return { status: 'pending' };
  const schedule = describeSchedule(check.schedule);
  if ('failed' in check) return { status: 'pending', onCallFailed: { schedule, error: check.failed } };
  return check.onCall ? { status: 'approved', by: 'on_call', data: { auto: true, onCall: schedule } } : { status: 'pending' };
}

/** Refuses, audited, a person the role's `requesters` do not include. */
async function requireEligible(core: Core, person: Person, role: Role): Promise<void> {
  if (await mayRequest(core, role.requesters, person)) return;
  await core.audit({
    action: 'request.refused',
    requestId: null,
    actor: person.account,
    data: { code: 'not_eligible', roleId: role.id, person: person.key },
  });
  throw new AccessError(
    'not_eligible',
    `You may not request ${role.id}: the policy does not list you among its requesters. \`/jit roles\` in Slack (\`roles\` in Teams) shows the roles you may request; ask an admin if you need this one.`,
  );
}

/**
 * Files a request: pending for approvers, or approved at once by policy
 * (`approval.auto`), by the on-call schedule (`approval.auto_if_on_call`) or by the
 * requester under break-glass. Only people the role's `requesters` name may ask.
 */
export async function requestAccess(core: Core, person: Person, input: RequestInput): Promise<RequestView> {
  const { store, clock, ids } = core.deps;
  const actor = person.account;
  const role = core.role(input.roleId);
  await requireEligible(core, person, role);
  const checked = checkRequest(role, input);
  const route = await routeOf(core, person, role, input);
  const now = clock.now();
  const approved = route.status === 'approved';
  const request: AccessRequest = {
    id: ids.requestId(),
    status: route.status,
    roleId: role.id,
    requesterId: actor.userId,
    requesterPlatform: actor.platform,
    requesterPerson: person.key,
    requesterEmail: person.email,
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
  try {
    await store.transaction(async (tx) => {
      await tx.lockPerson(person.key);
      await refuseOverLimits(core, tx, person, role);
      await fileRequest(tx, request, route, person, role, now);
    });
  } catch (e) {
    if (e instanceof LimitRefusal)
      await core.audit({ action: 'request.refused', requestId: null, actor, data: { code: e.code, roleId: role.id, ...e.data } });
    throw e;
  }
  return announceFiled(core, request, route, role, now);
}

/** The request's row and its audit trail, in the caller's transaction. */
async function fileRequest(tx: AccessStore, request: AccessRequest, route: Route, person: Person, role: Role, now: Date): Promise<void> {
  const actor = person.account;
  await tx.insertRequest(request);
  await tx.appendAudit(
    {
      action: 'request.created',
      requestId: request.id,
      actor,
      data: {
        roleId: role.id,
        durationMs: request.durationMs,
        reason: request.reason,
        ticket: request.ticket,
        breakGlass: request.breakGlass || undefined,
        person: person.key,
      },
    },
    now,
  );
  if (route.status === 'approved') {
    // Break-glass is the requester's own approval; the others are the policy's.
    await tx.appendAudit(
      {
        action: 'request.approved',
        requestId: request.id,
        actor: route.by === 'break_glass' ? actor : { platform: 'system', userId: 'policy' },
        data: route.data,
      },
      now,
    );
  } else if (route.onCallFailed) {
    await tx.appendAudit(
      {
        action: 'oncall.lookup_failed',
        requestId: request.id,
        actor: { platform: 'system', userId: 'policy' },
        data: { roleId: role.id, ...route.onCallFailed },
      },
      now,
    );
  }
}

/** After the request is filed: its card, the requester's notice, and what comes next (grant, reminders, escalations). */
async function announceFiled(core: Core, request: AccessRequest, route: Route, role: Role, now: Date): Promise<RequestView> {
  const { store, notifier, logger } = core.deps;
  const approved = route.status === 'approved';
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
    await core.audit({
      action: 'notify.failed',
      requestId: request.id,
      actor: { platform: 'system', userId: 'worker' },
      data: { what: 'approval_card', error: String(e) },
    });
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
  if (route.status === 'pending' && route.onCallFailed)
    await core.announce(request.id, { kind: 'on_call_unavailable', ...route.onCallFailed }, false);
  return view;
}

/** The requester withdraws a pending request. */
export async function cancelRequest(core: Core, person: Person, requestId: string): Promise<RequestView> {
  const { store, clock } = core.deps;
  const actor = person.account;
  const request = await core.request(requestId);
  if (!isRequester(person, request)) {
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
  if (done) await later(core, { kind: 'announce', requestId, notice: { kind: 'timed_out' }, refreshCards: true }, requestId);
  return Boolean(done);
}
