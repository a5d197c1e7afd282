import { extendChoices } from '../extensions/rules';
import { GRANT_TRANSITIONS, REQUEST_TRANSITIONS } from '../model/lifecycle';
import { grantDurationMs, type Grant } from '../model';
import type { Core } from '../core';
import { providerNamed } from './provider';
import { warnBeforeMs, type Role } from '../policy';
import { requesterProfile } from '../people';

/** Giving access: the grant row first, then the provider, then the revoke and the warning queued. */

/** The grant row for an approved request, written before any provider call. */
async function grantRowFor(core: Core, requestId: string, role: Role): Promise<Grant> {
  const { store, clock, ids } = core.deps;
  const existing = await store.getGrantForRequest(requestId);
  if (existing) return existing;
  const now = clock.now();
  const grant: Grant = {
    id: ids.grantId(),
    requestId,
    status: 'granting',
    provider: role.provider,
    providerRef: null,
    activatedAt: null,
    expiresAt: null,
    revokedAt: null,
    revokeRequestedBy: null,
    failureReason: null,
    revokeAttempts: 0,
    revokeVerifiedAt: null,
    verifyFailedAt: null,
    activity: null,
    createdAt: now,
    updatedAt: now,
  };
  await store.transaction(async (tx) => {
    await tx.insertGrant(grant);
    await tx.appendAudit(
      {
        action: 'grant.started',
        requestId,
        grantId: grant.id,
        actor: { platform: 'system', userId: 'worker' },
        data: { provider: role.provider },
      },
      now,
    );
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
  const result = await provider.grant({
    grantId: grant.id,
    request,
    role,
    expiresAt,
    requesterProfile: requesterProfile(core.deps.policy, request),
    priorRef: grant.providerRef,
    checkpoint: (ref) => store.saveGrantingRef(grant.id, ref, clock.now()),
  });
  const active = await store.transaction(async (tx) => {
    const g = await tx.transitionGrant(
      grant.id,
      GRANT_TRANSITIONS.activate,
      { providerRef: result.ref, activatedAt, expiresAt },
      activatedAt,
    );
    if (!g) return undefined;
    await tx.transitionRequest(requestId, REQUEST_TRANSITIONS.activate, activatedAt);
    await tx.appendAudit(
      {
        action: 'grant.activated',
        requestId,
        grantId: grant.id,
        actor: { platform: 'system', userId: 'worker' },
        data: { provider: provider.name, ref: result.ref, expiresAt: expiresAt.toISOString() },
      },
      activatedAt,
    );
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
    await tx.appendAudit(
      { action: 'grant.failed', requestId, grantId: grant?.id ?? null, actor: { platform: 'system', userId: 'worker' }, data: { error } },
      now,
    );
    return true;
  });
  if (!failed) return;
  if (grant) {
    const role = core.role((await core.request(requestId)).roleId);
    // The provider may have given part of the access before failing; revoke is idempotent.
    try {
      await providerNamed(core, grant.provider, role).revoke(grant, role);
    } catch (e) {
      logger.warn({ err: e, grantId: grant.id }, 'cleanup revoke after a failed grant failed');
    }
  }
  await core.announce(requestId, { kind: 'grant_failed', error });
}

/** Tells the requester their access ends soon (a delayed job calls this). */
export async function warnExpiring(core: Core, grantId: string): Promise<void> {
  const grant = await core.deps.store.getGrant(grantId);
  if (!grant || grant.status !== 'active' || !grant.expiresAt) return;
  const msLeft = grant.expiresAt.getTime() - core.deps.clock.now().getTime();
  if (msLeft <= 0) return;
  const request = await core.request(grant.requestId);
  await core.announce(
    grant.requestId,
    { kind: 'expiring_soon', msLeft, extendChoices: extendChoices(core.role(request.roleId), grant) },
    true,
    { request, grant },
  );
}
