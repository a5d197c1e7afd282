import { later } from '../outbox/delivery';
import type { Core } from '../core';
import type { AccessRequest, Person } from '../model';
import { isInSet } from '../people';
import type { Role } from '../policy';

/**
 * `approval.escalation`: when nobody decides within a tier's `after`, that tier's
 * approvers are asked too (and may decide from then on). Delayed jobs post each
 * tier on time; the reconciler posts any a lost job missed. The request still
 * times out at `approvals.pending_ttl`.
 */

/** Indexes of the tiers whose time has come for this request. */
export function openTiers(role: Role, request: AccessRequest, now: Date): number[] {
  const waited = now.getTime() - request.createdAt.getTime();
  return role.approval.escalation.flatMap((tier, i) => (tier.after <= waited ? [i] : []));
}

/** An approver of the role, or of a tier that is open now. */
export async function mayDecide(core: Core, role: Role, request: AccessRequest, person: Person): Promise<boolean> {
  return (await core.isApprover(role, person)) || isOpenTierApprover(core, role, request, person);
}

/** An approver of a tier of this request that is open now (the role's own approvers aside). */
export async function isOpenTierApprover(core: Core, role: Role, request: AccessRequest, person: Person): Promise<boolean> {
  for (const i of openTiers(role, request, core.deps.clock.now())) {
    if (await isInSet(core, role.approval.escalation[i]?.approvers, person)) return true;
  }
  return false;
}

/** Queues one delayed job per tier; a queue failure is left to the reconciler. */
export async function scheduleEscalations(core: Core, request: AccessRequest, role: Role): Promise<void> {
  const { scheduler, logger } = core.deps;
  for (const [i, tier] of role.approval.escalation.entries()) {
    try {
      await scheduler.scheduleEscalation(request.id, i, new Date(request.createdAt.getTime() + tier.after));
    } catch (e) {
      logger.error({ err: e, requestId: request.id, tier: i }, 'could not queue the escalation; the reconciler will post it');
    }
  }
}

/**
 * Asks tier `tier` of a still-pending request, once: the row lock and the request's
 * `escalated_tiers` make a second call (job retry, reconciler) a no-op. True when it asked.
 */
export async function escalate(core: Core, requestId: string, tier: number): Promise<boolean> {
  const { store, clock } = core.deps;
  const now = clock.now();
  const request = await store.getRequest(requestId);
  if (!request || request.status !== 'pending') return false;
  const role = core.role(request.roleId);
  const step = role.approval.escalation[tier];
  if (!step || !openTiers(role, request, now).includes(tier)) return false;
  const asked = await store.transaction(async (tx) => {
    const locked = await tx.lockRequest(requestId);
    if (!locked || locked.status !== 'pending') return false;
    if (!(await tx.markEscalated(requestId, tier))) return false;
    await tx.appendAudit(
      {
        action: 'request.escalated',
        requestId,
        actor: { platform: 'system', userId: 'scheduler' },
        data: { tier, after: step.after, approvers: step.approvers },
      },
      now,
    );
    return true;
  });
  if (!asked) return false;
  // The tier's card and the requester's notice are owed chat work: a sweep never waits on chat.
  await later(core, { kind: 'escalation_cards', requestId, tier }, requestId);
  await later(
    core,
    { kind: 'announce', requestId, notice: { kind: 'escalated', tier, approvers: step.approvers }, refreshCards: false },
    requestId,
  );
  return true;
}

/** The reconciler's part: every open tier of a pending request that was not asked yet. */
export async function escalateDue(core: Core, request: AccessRequest): Promise<number> {
  const role = core.deps.policy.roles.find((r) => r.id === request.roleId);
  if (!role || role.approval.escalation.length === 0) return 0;
  let asked = 0;
  for (const i of openTiers(role, request, core.deps.clock.now())) if (await escalate(core, request.id, i)) asked++;
  return asked;
}
