import { activityAtEnd, queueActivityLookup } from './activity';
import { AccessError } from './errors';
import { extendChoices } from './extend-rules';
import { GRANT_TRANSITIONS, REQUEST_TRANSITIONS } from './lifecycle';
import { grantDurationMs, type Grant, type GrantWithRequest, type Person } from './model';
import type { Core } from './core';
import { warnBeforeMs, type Role } from './policy';
import type { AccessProvider } from './ports';
import { isRequester, requesterProfile } from './people';
import { verifyRevocation } from './verification';
import { alertLater, later } from './chat-delivery';

/** After this many failed revoke attempts the security channel is alerted. */
export const ALERT_AFTER_REVOKE_ATTEMPTS = 2;

/**
 * The provider by name: the role's when access is given, the grant's own when it is taken
 * away (a grant is ended where it was given, even if the policy moved its role since).
 */
function providerNamed(core: Core, name: string, role: Role): AccessProvider {
  const provider = core.deps.providers(name);
  if (!provider) throw new AccessError('not_allowed', `Provider "${name}" of role ${role.id} is not configured on this server.`);
  return provider;
}

/** The grant row for an approved request, written before any provider call. */
async function grantRowFor(core: Core, requestId: string, role: Role): Promise<Grant> {
  const { store, clock, ids } = core.deps;
  const existing = await store.getGrantForRequest(requestId);
  if (existing) return existing;
  const now = clock.now();
  const grant: Grant = {
    id: ids.grantId(), requestId, status: 'granting', provider: role.provider, providerRef: null,
    activatedAt: null, expiresAt: null, revokedAt: null, revokeRequestedBy: null, failureReason: null,
    revokeAttempts: 0, revokeVerifiedAt: null, verifyFailedAt: null, activity: null, createdAt: now, updatedAt: now,
  };
  await store.transaction(async (tx) => {
    await tx.insertGrant(grant);
    await tx.appendAudit({ action: 'grant.started', requestId, grantId: grant.id, actor: { platform: 'system', userId: 'worker' }, data: { provider: role.provider } }, now);
  });
  // Two workers may race here; the unique request_id keeps one row, and both use it.
  return (await store.getGrantForRequest(requestId)) ?? grant;
}

/**
 * Gives the access of an approved request (the grant worker calls this, with retries).
 * Idempotent: a retry after a crash finds the `granting` row and calls the provider again.
 */
export async function activateGrant(core: Core, requestId: string): Promise<Grant | null> {
  const { store, clock, scheduler, logger } = core.deps;
  const request = await core.request(requestId);
  if (request.status !== 'approved') return (await store.getGrantForRequest(requestId)) ?? null;
  const role = core.role(request.roleId);
  const provider = providerNamed(core, role.provider, role);
  const grant = await grantRowFor(core, requestId, role);
  if (grant.status !== 'granting') return grant;

  const activatedAt = clock.now();
  const durationMs = grantDurationMs(request);
  const expiresAt = new Date(activatedAt.getTime() + durationMs);
  const result = await provider.grant({ grantId: grant.id, request, role, expiresAt, requesterProfile: requesterProfile(core.deps.policy, request) });
  const active = await store.transaction(async (tx) => {
    const g = await tx.transitionGrant(grant.id, GRANT_TRANSITIONS.activate, { providerRef: result.ref, activatedAt, expiresAt }, activatedAt);
    if (!g) return undefined;
    await tx.transitionRequest(requestId, REQUEST_TRANSITIONS.activate, activatedAt);
    await tx.appendAudit({ action: 'grant.activated', requestId, grantId: grant.id, actor: { platform: 'system', userId: 'worker' }, data: { provider: provider.name, ref: result.ref, expiresAt: expiresAt.toISOString() } }, activatedAt);
    return g;
  });
  if (!active) return (await store.getGrant(grant.id)) ?? null;

  try {
    await scheduler.scheduleRevoke(grant.id, expiresAt);
    // Warned `warn_before` ahead (policy), when the grant is long enough for a warning to make sense.
    const warnBefore = warnBeforeMs(core.deps.policy, role);
    if (durationMs > 2 * warnBefore) await scheduler.scheduleExpiryWarning(grant.id, new Date(expiresAt.getTime() - warnBefore));
  } catch (e) {
    logger.error({ err: e, grantId: grant.id }, 'could not schedule the revoke; the reconciler will revoke at expiry');
  }
  await core.announce(requestId, { kind: 'granted', providerLabel: provider.label, privateDelivery: result.privateDelivery });
  return active;
}

/** The grant could not be given after every retry: record it, undo any partial access, tell people. */
export async function failGrant(core: Core, requestId: string, error: string): Promise<void> {
  const { store, clock, logger } = core.deps;
  const grant = await store.getGrantForRequest(requestId);
  const now = clock.now();
  const failed = await store.transaction(async (tx) => {
    const r = await tx.transitionRequest(requestId, REQUEST_TRANSITIONS.fail, now);
    if (!r) return false;
    if (grant) await tx.transitionGrant(grant.id, GRANT_TRANSITIONS.fail, { failureReason: error }, now);
    await tx.appendAudit({ action: 'grant.failed', requestId, grantId: grant?.id ?? null, actor: { platform: 'system', userId: 'worker' }, data: { error } }, now);
    return true;
  });
  if (!failed) return;
  if (grant) {
    const role = core.role((await core.request(requestId)).roleId);
    // The provider may have given part of the access before failing; revoke is idempotent.
    try { await providerNamed(core, grant.provider, role).revoke(grant, role); } catch (e) { logger.warn({ err: e, grantId: grant.id }, 'cleanup revoke after a failed grant failed'); }
  }
  await core.announce(requestId, { kind: 'grant_failed', error });
}

export type EndResult = { ended: 'expired' | 'revoked'; lateMs: number } | { ended: false };

/**
 * Takes the access away (the revoke worker and the reconciler call this). Idempotent:
 * a grant already ended is left alone. A provider failure marks `revoke_failed` and
 * rethrows so the caller retries. Its reads and writes go through `core.revokes`, so
 * concurrent revokes share their round trips to the database.
 */
export async function endGrant(core: Core, grantId: string, known?: GrantWithRequest, detachFollowUps = false): Promise<EndResult> {
  const { store, clock } = core.deps;
  const loaded = known ?? (await core.revokes.load.submit(grantId));
  if (!loaded) return { ended: false };
  const { request } = loaded;
  const role = core.role(request.roleId);
  const grant = await core.revokes.start.submit(loaded.grant);
  if (!grant) return { ended: false };

  let provider: AccessProvider;
  try {
    provider = providerNamed(core, grant.provider, role);
    await provider.revoke(grant, role);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const now = clock.now();
    const attempts = await store.transaction(async (tx) => {
      const n = await tx.incrementRevokeAttempts(grantId, now);
      await tx.transitionGrant(grantId, GRANT_TRANSITIONS.revokeFailed, { failureReason: message }, now);
      await tx.appendAudit({ action: 'revoke.failed', requestId: grant.requestId, grantId, actor: { platform: 'system', userId: 'worker' }, data: { attempt: n, error: message } }, now);
      return n;
    });
    if (attempts === ALERT_AFTER_REVOKE_ATTEMPTS) await alertLater(core, { kind: 'revoke_failing', requestId: request.id, grantId, attempts, error: message });
    throw e;
  }

  const how = grant.revokeRequestedBy ? 'revoked' : 'expired';
  const endedAt = clock.now();
  const lateMs = grant.expiresAt && how === 'expired' ? Math.max(0, endedAt.getTime() - grant.expiresAt.getTime()) : 0;
  // No activity log to read (the sandbox, lookups off): say so on the grant now, rather than queue a lookup.
  const activity = activityAtEnd(core, provider);
  const ended = await core.revokes.finish.submit({ grant, request, how, endedAt, lateMs, activity });
  if (!ended) return { ended: false };
  const followUps = async () => {
    if (!activity) await queueActivityLookup(core, grantId, endedAt);
    // A pending ask to extend it can no longer be approved; on a database hiccup the ask lapses when clicked.
    await lapseExtensionsOf(core, grantId).catch((e: unknown) => core.deps.logger.warn({ err: e, grantId }, 'could not lapse the ended grant\'s extension asks'));
    if (grant.revokeAttempts >= ALERT_AFTER_REVOKE_ATTEMPTS) await alertLater(core, { kind: 'revoke_recovered', requestId: request.id, grantId, attempts: grant.revokeAttempts });
    // A check that cannot run now (database hiccup) is left to the reconciler; the revoke itself stands.
    const verification = await verifyRevocation(core, grantId, ended).then(
      (outcome) => (outcome === 'verified' || outcome === 'still_standing' ? outcome : 'unchecked'),
      (e: unknown) => { core.deps.logger.error({ err: e, grantId }, 'revoke verification failed to run; the reconciler will retry'); return 'unchecked' as const; },
    );
    // Cards and the requester's DM are owed work of the chat queue: the revoke never waits on chat.
    await later(core, { kind: 'announce', requestId: grant.requestId, notice: { kind: 'ended', how, by: grant.revokeRequestedBy ?? undefined, verification }, refreshCards: true }, grant.requestId);
  };
  // The end is recorded: what follows may wait behind the next revokes (a crash now leaves
  // the verification to the reconciler; the access is already gone and recorded).
  const runner = core.deps.revokeFollowUps;
  if (detachFollowUps && runner) runner.run(`follow-ups of grant ${grantId}`, followUps);
  else await followUps();
  return { ended: how, lateMs };
}

/** A person ends an active grant early: the requester, or an approver of the role. */
export async function revokeEarly(core: Core, person: Person, requestId: string): Promise<void> {
  const { store, clock, scheduler, logger } = core.deps;
  const actor = person.account;
  const { request, grant } = await core.view(requestId);
  const role = core.role(request.roleId);
  const allowed = isRequester(person, request) || (await core.isApprover(role, person));
  if (!allowed) {
    await core.audit({ action: 'revoke.refused', requestId, actor, data: { code: 'not_allowed' } });
    throw new AccessError('not_allowed', `Only the requester or an approver of ${role.id} can revoke ${requestId}.`);
  }
  if (request.status !== 'active' || !grant) throw new AccessError('already_decided', `${requestId} is ${request.status.replace('_', ' ')}; there is no active access to revoke.`);
  const now = clock.now();
  const marked = await store.transaction(async (tx) => {
    const ok = await tx.requestRevoke(grant.id, actor.userId, now);
    if (ok) await tx.appendAudit({ action: 'revoke.requested', requestId, grantId: grant.id, actor }, now);
    return ok;
  });
  if (!marked) throw new AccessError('already_decided', `${requestId} is already being revoked.`);
  try {
    await scheduler.scheduleRevoke(grant.id, now);
  } catch (e) {
    // No queue: revoke right here rather than leave access standing.
    logger.warn({ err: e, grantId: grant.id }, 'could not queue the early revoke; revoking inline');
    await endGrant(core, grant.id);
  }
}

/** Tells the requester their access ends soon (a delayed job calls this). */
export async function warnExpiring(core: Core, grantId: string): Promise<void> {
  const grant = await core.deps.store.getGrant(grantId);
  if (!grant || grant.status !== 'active' || !grant.expiresAt) return;
  const msLeft = grant.expiresAt.getTime() - core.deps.clock.now().getTime();
  if (msLeft <= 0) return;
  const request = await core.request(grant.requestId);
  await core.announce(grant.requestId, { kind: 'expiring_soon', msLeft, extendChoices: extendChoices(core.role(request.roleId), grant) }, true, { request, grant });
}

/**
 * A grant ended: an ask to extend it can no longer be approved. Its pending asks are
 * settled `lapsed` (audited) and their cards redrawn without buttons, as owed chat work.
 */
export async function lapseExtensionsOf(core: Core, grantId: string): Promise<void> {
  const lapsed = await core.deps.store.lapsePendingExtensions(grantId, { action: 'extend.lapsed', actor: { platform: 'system', userId: 'worker' } }, core.deps.clock.now());
  for (const ext of lapsed) {
    if (ext.cards.length > 0) await later(core, { kind: 'extension_cards', requestId: ext.requestId, extensionId: ext.id }, ext.requestId);
  }
}
