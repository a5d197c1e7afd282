import type { Core } from '../core';
import { alertLater, later } from '../outbox/delivery';
import type { Grant, GrantWithRequest } from '../model';

/**
 * Revoke verification: after a revoke the provider is asked whether the access is
 * really gone (`verifyRevoked`). A failed check alerts the security channel, revokes
 * again and checks again later (a delayed job; the reconciler backs it up).
 */

/** Delay before a failed verification is retried. */
export const VERIFY_RETRY_MS = 60_000;
/** The reconciler retries verification of grants that ended within this window. */
export const VERIFY_WINDOW_MS = 86_400_000;

export type VerifyOutcome = 'verified' | 'still_standing' | 'unsupported' | 'not_ended';

/**
 * Checks one ended grant. After an earlier failed check it revokes again first
 * (providers' revokes are idempotent) and announces the recovery.
 */
export async function verifyRevocation(core: Core, grantId: string, justEnded?: GrantWithRequest): Promise<VerifyOutcome> {
  const { store, clock, providers, logger } = core.deps;
  const grant = justEnded?.grant ?? (await store.getGrant(grantId));
  if (!grant || (grant.status !== 'expired' && grant.status !== 'revoked')) return 'not_ended';
  if (grant.revokeVerifiedAt) return 'verified';
  const request = justEnded?.request ?? (await store.getRequest(grant.requestId));
  const role = request && core.deps.policy.roles.find((r) => r.id === request.roleId);
  const provider = providers(grant.provider);
  if (!role || !provider?.verifyRevoked) return 'unsupported';

  const failedBefore = grant.verifyFailedAt !== null;
  let gone = false;
  let error: string | undefined;
  try {
    if (failedBefore) await provider.revoke(grant, role);
    gone = await provider.verifyRevoked(grant, role);
    if (!gone) error = `${provider.label} still shows the access`;
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  const now = clock.now();
  if (gone) {
    const marked = await core.deps.revokes.verified(grant);
    if (marked && failedBefore) await recovered(core, grant);
    return 'verified';
  }
  if (!failedBefore) await store.markVerifyFailed(grantId, now);
  await core.audit({
    action: 'revoke.verify_failed',
    requestId: grant.requestId,
    grantId,
    actor: { platform: 'system', userId: 'worker' },
    data: { error },
  });
  if (!failedBefore) await alertLater(core, { kind: 'revoke_unverified', requestId: request.id, grantId, error: error ?? 'unknown error' });
  try {
    await core.deps.scheduler.scheduleRevokeVerification(grantId, new Date(now.getTime() + VERIFY_RETRY_MS));
  } catch (e) {
    logger.error({ err: e, grantId }, 'could not queue the verification retry; the reconciler will retry');
  }
  return 'still_standing';
}

async function recovered(core: Core, grant: Grant): Promise<void> {
  await alertLater(core, { kind: 'revoke_verified', requestId: grant.requestId, grantId: grant.id });
  await later(
    core,
    { kind: 'announce', requestId: grant.requestId, notice: { kind: 'revoke_verified' }, refreshCards: true },
    grant.requestId,
  );
}

/** The reconciler's part: grants that ended a while ago and are still unverified. */
export async function retryUnverified(core: Core, stalledBefore: Date): Promise<number> {
  const { store, clock } = core.deps;
  const since = new Date(clock.now().getTime() - VERIFY_WINDOW_MS);
  let verified = 0;
  for (const grant of await store.listGrantsAwaitingVerification(stalledBefore, 500)) {
    if (grant.revokedAt && grant.revokedAt < since) continue;
    if (!core.deps.providers(grant.provider)?.verifyRevoked) continue;
    if ((await verifyRevocation(core, grant.id)) === 'verified') verified++;
  }
  return verified;
}
