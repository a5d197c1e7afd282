import { formatDuration } from '../../lib/duration';
import type { Core } from '../core';
import type { AccessStore } from '../ports';
import { AccessError, isAccessError } from '../model/errors';
import type { Extension, ExtensionNotice } from '../model/extension';
import type { AccessRequest, AuditActor, Decision, Grant, Person } from '../model';
import { selfServiceLimitMs, whyNotExtendable } from './rules';
import { crossPlatformDoubt, isRequester, isSamePerson } from '../people';
import { warnBeforeMs, type Role } from '../policy';

export type ExtendResult = { outcome: 'extended'; expiresAt: Date; by: 'policy' } | { outcome: 'pending'; extensionId: number };

const POLICY: AuditActor = { platform: 'system', userId: 'policy' };

/** The new expiry, checked against the role's max_duration (counted from activation). */
function plan(role: Role, grant: Grant, addMs: number): { expiresAt: Date; totalMs: number } {
  const activatedAt = grant.activatedAt ?? grant.createdAt;
  const heldMs = grant.expiresAt!.getTime() - activatedAt.getTime();
  const totalMs = heldMs + addMs;
  if (totalMs > role.max_duration) {
    const room = role.max_duration - heldMs;
    const hint = room >= 60_000 ? `you can add at most ${formatDuration(room)}` : 'it is already at that limit';
    throw new AccessError(
      'bad_duration',
      `${role.id} can be held for at most ${formatDuration(role.max_duration)} in all; this grant already runs ${formatDuration(heldMs)}, so ${hint}.`,
    );
  }
  return { expiresAt: new Date(grant.expiresAt!.getTime() + addMs), totalMs };
}

/** Approved without a person while the new total stays within what self-service may reach (extensions/rules.ts). */
function autoApproved(role: Role, request: AccessRequest, totalMs: number): boolean {
  const limit = selfServiceLimitMs(role, request);
  return limit !== undefined && totalMs <= limit;
}

/** The request's active grant and role, after the permission and provider checks (in that order). */
async function extendableGrant(
  core: Core,
  person: Person,
  requestId: string,
): Promise<{ grant: Grant; request: AccessRequest; role: Role }> {
  const { request, grant } = await core.view(requestId);
  const role = core.role(request.roleId);
  if (!isRequester(person, request) && !(await core.isApprover(role, person))) {
    throw new AccessError('not_allowed', `Only the requester or an approver of ${role.id} can extend ${requestId}.`);
  }
  const why = whyNotExtendable(role);
  if (why) throw new AccessError('not_allowed', why);
  if (request.status !== 'active' || !grant || grant.status !== 'active' || !grant.expiresAt || grant.revokeRequestedBy) {
    throw new AccessError('already_decided', `${requestId} is ${request.status.replace('_', ' ')}; only active access can be extended.`);
  }
  return { grant, request, role };
}

/**
 * `/jit extend <id> <duration>`: the requester or an approver of the role asks to add
 * `addMs` to an active grant. Within the auto window it is applied at once; otherwise
 * an extension card asks the role's approvers. Refusals are audited and change nothing.
 */
export async function requestExtension(core: Core, person: Person, requestId: string, addMs: number): Promise<ExtendResult> {
  const { store, clock, notifier, logger } = core.deps;
  const actor = person.account;
  let ext: Extension;
  let auto: { expiresAt: Date } | null;
  try {
    const { grant, request, role } = await extendableGrant(core, person, requestId);
    const planned = plan(role, grant, addMs);
    auto = autoApproved(role, request, planned.totalMs) ? planned : null;
    const now = clock.now();
    const inserted = await store.transaction(async (tx) => {
      const row = await tx.insertExtension({
        requestId,
        grantId: grant.id,
        askedBy: actor.userId,
        askedByPlatform: actor.platform,
        askedByPerson: person.key,
        addMs,
        createdAt: now,
      });
      if (!row) throw new AccessError('already_decided', `${requestId} already has an extension waiting for approval.`);
      await tx.appendAudit(
        { action: 'extend.requested', requestId, grantId: grant.id, actor, data: { extensionId: row.id, addMs, totalMs: planned.totalMs } },
        now,
      );
      return row;
    });
    ext = inserted;
  } catch (e) {
    if (isAccessError(e))
      await core.audit({
        action: 'extend.refused',
        requestId: e.code === 'not_found' ? null : requestId,
        actor,
        data: { code: e.code, addMs, requestId },
      });
    throw e;
  }

  if (auto) {
    const applied = await apply(core, ext, POLICY).catch(async (e: unknown) => {
      // Nobody else will press Approve on an ask the policy approves: it ends here, and the requester may ask again.
      if (isAccessError(e) && e.code === 'try_again')
        await store.transaction((tx) => lapseIn(tx, ext, POLICY, clock.now(), { error: e.userMessage }));
      throw e;
    });
    if (applied.status !== 'approved') throw new AccessError('already_decided', `${requestId} ended before it could be extended.`);
    return { outcome: 'extended', expiresAt: applied.newExpiresAt!, by: 'policy' };
  }
  const view = await core.extensionView(ext.id);
  try {
    const cards = await notifier.postExtensionCards(view);
    await store.saveExtensionCards(ext.id, cards);
  } catch (e) {
    logger.error({ err: e, requestId, extensionId: ext.id }, 'could not post the extension card');
    await core.audit({
      action: 'notify.failed',
      requestId,
      actor: { platform: 'system', userId: 'worker' },
      data: { what: 'extension_card', extensionId: ext.id, error: String(e) },
    });
  }
  await tell(core, ext.id, { kind: 'extension_pending' });
  return { outcome: 'pending', extensionId: ext.id };
}

/** An approver decides an extension card. The same rules as for requests: approvers only, never one's own. */
export async function decideExtension(core: Core, person: Person, extensionId: number, decision: Decision): Promise<Extension> {
  const { store, clock } = core.deps;
  const actor = person.account;
  let ext: Extension | undefined;
  try {
    ext = await store.getExtension(extensionId);
    if (!ext) throw new AccessError('not_found', `There is no extension ${extensionId}.`);
    if (ext.status !== 'pending') throw new AccessError('already_decided', `That extension of ${ext.requestId} is already ${ext.status}.`);
    const request = await core.request(ext.requestId);
    const role = core.role(request.roleId);
    const own =
      isRequester(person, request) ||
      isSamePerson(person, { person: ext.askedByPerson, platform: ext.askedByPlatform, accountId: ext.askedBy });
    if (own)
      throw new AccessError('self_approval', `You cannot ${decision} an extension you asked for or of your own access (${ext.requestId}).`);
    const doubt = crossPlatformDoubt(person, [
      { person: request.requesterPerson, platform: request.requesterPlatform, what: 'the requester' },
      { person: ext.askedByPerson, platform: ext.askedByPlatform, what: 'whoever asked for the extension' },
    ]);
    if (doubt) throw new AccessError('unresolved_person', doubt);
    if (!(await core.isApprover(role, person)))
      throw new AccessError(
        'not_approver',
        `You are not an approver for ${role.id}, so you cannot ${decision} this extension of ${ext.requestId}.`,
      );
  } catch (e) {
    if (isAccessError(e))
      await core.audit({
        action: 'extend.refused',
        requestId: ext?.requestId ?? null,
        actor,
        data: { decision, code: e.code, extensionId },
      });
    throw e;
  }
  if (decision === 'approve') return apply(core, ext, actor);

  const now = clock.now();
  const denied = await store.transaction(async (tx) => {
    const row = await tx.settleExtension(extensionId, {
      status: 'denied',
      decidedBy: actor.userId,
      decidedByPlatform: actor.platform,
      newExpiresAt: null,
      decidedAt: now,
    });
    if (row)
      await tx.appendAudit({ action: 'extend.denied', requestId: row.requestId, grantId: row.grantId, actor, data: { extensionId } }, now);
    return row;
  });
  if (!denied) throw new AccessError('already_decided', `That extension of ${ext.requestId} was decided a moment ago.`);
  await afterDecision(core, denied, { kind: 'extension_denied', by: actor.userId });
  return denied;
}

/**
 * Moves the grant's expiry and settles the ask in one transaction, then moves the
 * revoke job. A grant that ended meanwhile leaves the ask `lapsed`.
 */
async function apply(core: Core, ext: Extension, by: AuditActor): Promise<Extension> {
  const { store, clock, scheduler, logger } = core.deps;
  await moveProviderEnd(core, ext, by);
  const now = clock.now();
  const decider = { decidedBy: by.userId, decidedByPlatform: by.platform };
  const settled = await store.transaction(async (tx) => {
    const grant = await tx.getGrant(ext.grantId);
    const request = await tx.getRequest(ext.requestId);
    const role = request && core.role(request.roleId);
    const usable = grant && role && grant.status === 'active' && grant.expiresAt && !grant.revokeRequestedBy && grant.expiresAt > now;
    // Re-checked here: the grant may have been extended or ended since the ask.
    const planned = usable ? safePlan(role, grant, ext.addMs) : null;
    if (!planned || !(await tx.moveGrantExpiry(ext.grantId, grant!.expiresAt!, planned.expiresAt, now))) return lapseIn(tx, ext, by, now);
    const row = await tx.settleExtension(ext.id, { status: 'approved', ...decider, newExpiresAt: planned.expiresAt, decidedAt: now });
    if (!row) throw new AccessError('already_decided', `That extension of ${ext.requestId} was decided a moment ago.`);
    await tx.appendAudit(
      {
        action: 'extend.approved',
        requestId: ext.requestId,
        grantId: ext.grantId,
        actor: by,
        data: { extensionId: ext.id, addMs: ext.addMs },
      },
      now,
    );
    await tx.appendAudit(
      {
        action: 'grant.extended',
        requestId: ext.requestId,
        grantId: ext.grantId,
        actor: by,
        data: { from: grant!.expiresAt!.toISOString(), to: planned.expiresAt.toISOString(), totalMs: planned.totalMs },
      },
      now,
    );
    return row;
  });
  if (!settled) throw new AccessError('already_decided', `That extension of ${ext.requestId} was decided a moment ago.`);
  if (settled.status === 'approved' && settled.newExpiresAt) {
    const expiresAt = settled.newExpiresAt;
    try {
      await scheduler.scheduleRevoke(ext.grantId, expiresAt);
      const request = await core.request(ext.requestId);
      const warnBefore = warnBeforeMs(core.deps.policy, core.role(request.roleId));
      if (expiresAt.getTime() - now.getTime() > 2 * warnBefore)
        await scheduler.scheduleExpiryWarning(ext.grantId, new Date(expiresAt.getTime() - warnBefore));
    } catch (e) {
      // The old revoke job then finds the grant not yet due (endDueGrant) and waits for the new expiry; the reconciler is the backstop.
      logger.error({ err: e, grantId: ext.grantId }, 'could not move the revoke job; the reconciler will revoke at the new expiry');
    }
  }
  await afterDecision(
    core,
    settled,
    settled.status === 'approved'
      ? { kind: 'extended', by: by.platform === 'system' ? 'policy' : by.userId }
      : { kind: 'extension_lapsed' },
  );
  return settled;
}

/**
 * A provider that ends access on its own (Google's IAM condition) is told the new end before
 * the extension is recorded: if it cannot be told, nothing changes and the decider hears why.
 */
async function moveProviderEnd(core: Core, ext: Extension, by: AuditActor): Promise<void> {
  // The ask's own grant; the request is read only for a provider that has an end to move.
  const grant = await core.deps.store.getGrant(ext.grantId);
  const provider = grant && core.deps.providers(grant.provider);
  if (!grant?.expiresAt || grant.status !== 'active' || !provider?.extend) return;
  const role = core.role((await core.request(ext.requestId)).roleId);
  const planned = safePlan(role, grant, ext.addMs);
  if (!planned) return; // the transaction finds it no longer fits and lapses the ask
  try {
    await provider.extend(grant, role, planned.expiresAt);
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    await core.audit({
      action: 'extend.failed',
      requestId: ext.requestId,
      grantId: grant.id,
      actor: by,
      data: { extensionId: ext.id, error },
    });
    throw new AccessError('try_again', `${provider.label} could not move the end of ${ext.requestId}, so it was not extended: ${error}`);
  }
}

/** Ends an ask that can no longer be applied (`data` says why, when it is not that the grant ended or moved). */
async function lapseIn(
  tx: AccessStore,
  ext: Extension,
  by: AuditActor,
  now: Date,
  data: Record<string, unknown> = {},
): Promise<Extension | undefined> {
  const row = await tx.settleExtension(ext.id, {
    status: 'lapsed',
    decidedBy: by.userId,
    decidedByPlatform: by.platform,
    newExpiresAt: null,
    decidedAt: now,
  });
  if (row)
    await tx.appendAudit(
      { action: 'extend.lapsed', requestId: ext.requestId, grantId: ext.grantId, actor: by, data: { extensionId: ext.id, ...data } },
      now,
    );
  return row;
}

function safePlan(role: Role, grant: Grant, addMs: number): { expiresAt: Date; totalMs: number } | null {
  try {
    return plan(role, grant, addMs);
  } catch {
    return null;
  }
}

async function afterDecision(core: Core, ext: Extension, notice: ExtensionNotice): Promise<void> {
  if (ext.cards.length > 0) {
    try {
      await core.deps.notifier.updateExtensionCards(await core.extensionView(ext.id), ext.cards);
    } catch (e) {
      core.deps.logger.error({ err: e, extensionId: ext.id }, 'could not update the extension card');
    }
  }
  await tell(core, ext.id, notice);
}

/** Tells the requester; a chat failure never undoes the recorded decision. */
async function tell(core: Core, extensionId: number, notice: ExtensionNotice): Promise<void> {
  try {
    await core.deps.notifier.tellAboutExtension(await core.extensionView(extensionId), notice);
  } catch (e) {
    core.deps.logger.error({ err: e, extensionId, notice: notice.kind }, 'could not tell the requester about the extension');
  }
}
