import { AccessError, isAccessError } from '../model/errors';
import { REQUEST_TRANSITIONS } from '../model/lifecycle';
import type { AccessRequest, Approval, Decision, Person, RequestView } from '../model';
import type { Core } from '../core';
import { mayDecide } from './escalation';
import { crossPlatformDoubt, isRequester, type Party } from '../people';
import { timeOutRequest } from '../requests/file';
import { formatDuration } from '../../lib/duration';

export interface DecisionResult {
  view: RequestView;
  /** True when this decision settled the request (approved or denied). */
  settled: boolean;
  /** Approvals still needed after this one (0 once approved). */
  remaining: number;
}

/** Whether a pending request has waited past `approvals.pending_ttl` (the sweep may not have run yet). */
function pastPendingTtl(core: Core, request: AccessRequest): boolean {
  return core.deps.clock.now().getTime() - request.createdAt.getTime() >= core.deps.policy.approvals.pending_ttl;
}

/** The parties a decider must be told apart from: the requester, and who approved already. */
function partiesOf(request: AccessRequest, approvals: Approval[]): Party[] {
  return [
    { person: request.requesterPerson, platform: request.requesterPlatform, what: 'the requester' },
    ...approvals
      .filter((a) => a.decision === 'approve')
      .map((a) => ({ person: a.approverPerson, platform: a.approverPlatform, what: 'an earlier approver' })),
  ];
}

/**
 * Checks that do not need the row lock: the request exists and still waits, the person
 * is not the requester (on any platform) and is an approver of the role. Refusals are
 * audited and change nothing.
 */
export async function checkDecider(core: Core, requestId: string, person: Person, decision: Decision): Promise<void> {
  try {
    const request = await core.request(requestId);
    if (request.status !== 'pending')
      throw new AccessError('already_decided', `${requestId} is already ${request.status.replace('_', ' ')}.`);
    if (isRequester(person, request)) throw new AccessError('self_approval', `You cannot ${decision} your own request ${requestId}.`);
    const doubt = crossPlatformDoubt(person, partiesOf(request, []));
    if (doubt) throw new AccessError('unresolved_person', doubt);
    const role = core.role(request.roleId);
    if (!(await mayDecide(core, role, request, person))) {
      throw new AccessError('not_approver', `You are not an approver for ${role.id}, so you cannot ${decision} ${requestId}.`);
    }
  } catch (e) {
    if (isAccessError(e))
      await core.audit({
        action: 'decision.refused',
        requestId: e.code === 'not_found' ? null : requestId,
        actor: person.account,
        data: { decision, code: e.code, requestId },
      });
    throw e;
  }
}

/**
 * Records one approval; the request is approved once it has `required` distinct
 * approvals. `durationMs` approves a shorter grant than asked (the shortest any
 * approver chose wins).
 */
export async function approve(core: Core, person: Person, requestId: string, durationMs?: number): Promise<DecisionResult> {
  return decide(core, person, requestId, 'approve', null, durationMs);
}

/** An approver's shorter duration: below what was asked, at least the role's minimum. */
async function checkShorter(core: Core, person: Person, requestId: string, durationMs: number): Promise<void> {
  const request = await core.request(requestId);
  const role = core.role(request.roleId);
  let problem: string | undefined;
  if (!Number.isInteger(durationMs) || durationMs >= request.durationMs)
    problem = `You can only approve ${requestId} for less than the ${formatDuration(request.durationMs)} asked.`;
  else if (durationMs < role.min_duration) problem = `${role.id} must be granted for at least ${formatDuration(role.min_duration)}.`;
  if (!problem) return;
  await core.audit({
    action: 'decision.refused',
    requestId,
    actor: person.account,
    data: { decision: 'approve', code: 'bad_duration', durationMs },
  });
  throw new AccessError('bad_duration', problem);
}

/** One deny settles the request. */
export async function deny(core: Core, person: Person, requestId: string, reason: string): Promise<DecisionResult> {
  const comment = reason.trim();
  if (!comment) throw new AccessError('reason_required', 'Please say why you deny the request.');
  return decide(core, person, requestId, 'deny', comment.slice(0, 1000));
}

/** A decision too late to count: the request is timed out now, as the sweep would have. */
class PastTtl extends AccessError {}

async function decide(
  core: Core,
  person: Person,
  requestId: string,
  decision: Decision,
  comment: string | null,
  durationMs?: number,
): Promise<DecisionResult> {
  const actor = person.account;
  await checkDecider(core, requestId, person, decision);
  if (durationMs !== undefined) await checkShorter(core, person, requestId, durationMs);
  const { store, clock } = core.deps;
  const now = clock.now();
  let outcome: { settled: boolean; remaining: number };
  try {
    // The row lock serialises concurrent clicks: exactly one of them settles the request.
    outcome = await store.transaction(async (tx) => {
      const request = await tx.lockRequest(requestId);
      if (!request || request.status !== 'pending')
        throw new AccessError('already_decided', `${requestId} is already ${request?.status.replace('_', ' ') ?? 'gone'}.`);
      if (pastPendingTtl(core, request))
        throw new PastTtl(
          'already_decided',
          `${requestId} waited longer than ${formatDuration(core.deps.policy.approvals.pending_ttl)} for a decision and has timed out; the requester can ask again.`,
        );
      // Checked under the lock: the approvals it is told apart from cannot change meanwhile.
      const doubt = crossPlatformDoubt(person, partiesOf(request, await tx.listApprovals(requestId)));
      if (doubt) throw new AccessError('unresolved_person', doubt);
      // One decision per person: the unique index refuses a second one from any of their accounts.
      const inserted = await tx.insertApproval({
        requestId,
        approverId: actor.userId,
        approverPlatform: actor.platform,
        approverPerson: person.key,
        decision,
        comment,
        createdAt: now,
      });
      if (!inserted)
        throw new AccessError(
          'already_voted',
          `You have already decided on ${requestId}${person.email ? ' (from this or another of your accounts)' : ''}.`,
        );
      await tx.appendAudit(
        {
          action: `approval.${decision}`,
          requestId,
          actor,
          data: comment ? { reason: comment } : durationMs !== undefined ? { durationMs, asked: request.durationMs } : undefined,
        },
        now,
      );
      if (durationMs !== undefined) await tx.shortenApprovedDuration(requestId, durationMs);
      if (decision === 'deny') {
        await tx.transitionRequest(requestId, REQUEST_TRANSITIONS.deny, now);
        await tx.appendAudit({ action: 'request.denied', requestId, actor, data: { reason: comment } }, now);
        return { settled: true, remaining: 0 };
      }
      const approvals = (await tx.listApprovals(requestId)).filter((a) => a.decision === 'approve').length;
      const remaining = Math.max(0, request.approvalsRequired - approvals);
      if (remaining > 0) return { settled: false, remaining };
      await tx.transitionRequest(requestId, REQUEST_TRANSITIONS.approve, now);
      await tx.appendAudit({ action: 'request.approved', requestId, actor, data: { approvals } }, now);
      return { settled: true, remaining: 0 };
    });
  } catch (e) {
    if (isAccessError(e))
      await core.audit({
        action: 'decision.refused',
        requestId,
        actor,
        data: { decision, code: e instanceof PastTtl ? 'timed_out' : e.code },
      });
    if (e instanceof PastTtl) await timeOutRequest(core, requestId);
    throw e;
  }

  if (decision === 'deny') {
    await core.announce(requestId, { kind: 'denied', by: actor.userId, reason: comment ?? '' });
  } else if (outcome.settled) {
    // The grant is queued first: access never waits on chat round trips (announce() keeps the cards right).
    await core.queueGrant(requestId);
    await core.announce(requestId, { kind: 'approved', by: actor.userId });
  } else {
    await core.announce(requestId, { kind: 'approval_recorded', by: actor.userId, remaining: outcome.remaining });
  }
  return { view: await core.view(requestId), ...outcome };
}
