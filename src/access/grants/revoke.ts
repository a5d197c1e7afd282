import { activityAtEnd, queueActivityLookup } from './activity';
import { alertLater, later } from '../outbox/delivery';
import type { Core } from '../core';
import { AccessError } from '../model/errors';
import { providerNamed } from './provider';
import { GRANT_TRANSITIONS } from '../model/lifecycle';
import type { GrantWithRequest, Person } from '../model';
import type { AccessProvider, RevokeOutcome } from '../ports';
import { isRequester } from '../people';
import { verifyRevocation } from './verification';

/**
 * Taking access away, top to bottom: the revoke job's entry (`endDueGrant`), the end itself
 * (`endGrant`, also the reconciler's), a person's early revoke, and what an end settles
 * (extension asks lapse). Verification and activity follow in their own modules.
 */

/** After this many failed revoke attempts the security channel is alerted. */
export const ALERT_AFTER_REVOKE_ATTEMPTS = 2;

/** A revoke job that ran before its grant's expiry: it should run again in `dueInMs`. */
export interface NotYetDue {
  ended: false;
  dueInMs: number;
}

/**
 * The revoke worker's entry: ends the grant unless it is an active grant not yet due,
 * by the shared clock: its expiry was moved later (an extension) after this job was
 * queued, or the job was queued by a process whose clock is behind (BullMQ times delays
 * by the clock of the process that queued them). Early revokes and failed or stalled
 * revokes always proceed. Its follow-ups (verification, DMs) run behind the next
 * revokes (`revokeFollowUps`).
 */
export async function endDueGrant(core: Core, grantId: string): Promise<EndResult | NotYetDue> {
  const loaded = await core.deps.revokes.load(grantId);
  if (!loaded) return { ended: false };
  const { grant } = loaded;
  const dueInMs = grant.expiresAt ? grant.expiresAt.getTime() - core.deps.clock.now().getTime() : 0;
  if (grant.status === 'active' && !grant.revokeRequestedBy && dueInMs > 0) return { ended: false, dueInMs };
  return endGrant(core, grantId, loaded, true);
}

export type EndResult = { ended: 'expired' | 'revoked'; lateMs: number } | { ended: false };

/**
 * Takes the access away (the revoke worker and the reconciler call this). Idempotent:
 * a grant already ended is left alone. A provider failure marks `revoke_failed` and
 * rethrows so the caller retries. Its reads and writes go through `core.deps.revokes`, so
 * concurrent revokes share their round trips to the database.
 */
export async function endGrant(core: Core, grantId: string, known?: GrantWithRequest, detachFollowUps = false): Promise<EndResult> {
  const { store, clock } = core.deps;
  const loaded = known ?? (await core.deps.revokes.load(grantId));
  if (!loaded) return { ended: false };
  const { request } = loaded;
  const role = core.role(request.roleId);
  const grant = await core.deps.revokes.start(loaded.grant);
  if (!grant) return { ended: false };

  let provider: AccessProvider;
  let outcome: RevokeOutcome | void;
  try {
    provider = providerNamed(core, grant.provider, role);
    outcome = await provider.revoke(grant, role);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const now = clock.now();
    const attempts = await store.transaction(async (tx) => {
      const n = await tx.incrementRevokeAttempts(grantId, now);
      await tx.transitionGrant(grantId, GRANT_TRANSITIONS.revokeFailed, { failureReason: message }, now);
      await tx.appendAudit(
        {
          action: 'revoke.failed',
          requestId: grant.requestId,
          grantId,
          actor: { platform: 'system', userId: 'worker' },
          data: { attempt: n, error: message },
        },
        now,
      );
      return n;
    });
    if (attempts === ALERT_AFTER_REVOKE_ATTEMPTS)
      await alertLater(core, { kind: 'revoke_failing', requestId: request.id, grantId, attempts, error: message });
    throw e;
  }

  const how = grant.revokeRequestedBy ? 'revoked' : 'expired';
  const endedAt = clock.now();
  const lateMs = grant.expiresAt && how === 'expired' ? Math.max(0, endedAt.getTime() - grant.expiresAt.getTime()) : 0;
  // No activity log to read (the sandbox, lookups off): say so on the grant now, rather than queue a lookup.
  const activity = activityAtEnd(core, provider);
  const ended = await core.deps.revokes.finish({ grant, request, how, endedAt, lateMs, activity });
  if (!ended) return { ended: false };
  const followUps = async () => {
    if (!activity) await queueActivityLookup(core, grantId, endedAt);
    if (outcome?.tidyUpAt) await queueTidyUp(core, grantId, outcome.tidyUpAt);
    // A pending ask to extend it can no longer be approved; on a database hiccup the ask lapses when clicked.
    await lapseExtensionsOf(core, grantId).catch((e: unknown) =>
      core.deps.logger.warn({ err: e, grantId }, "could not lapse the ended grant's extension asks"),
    );
    if (grant.revokeAttempts >= ALERT_AFTER_REVOKE_ATTEMPTS)
      await alertLater(core, { kind: 'revoke_recovered', requestId: request.id, grantId, attempts: grant.revokeAttempts });
    // A check that cannot run now (database hiccup) is left to the reconciler; the revoke itself stands.
    const verification = await verifyRevocation(core, grantId, ended).then(
      (outcome) => (outcome === 'verified' || outcome === 'still_standing' ? outcome : 'unchecked'),
      (e: unknown) => {
        core.deps.logger.error({ err: e, grantId }, 'revoke verification failed to run; the reconciler will retry');
        return 'unchecked' as const;
      },
    );
    // Cards and the requester's DM are owed work of the chat queue: the revoke never waits on chat.
    await later(
      core,
      {
        kind: 'announce',
        requestId: grant.requestId,
        notice: { kind: 'ended', how, by: grant.revokeRequestedBy ?? undefined, verification },
        refreshCards: true,
      },
      grant.requestId,
    );
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
  if (request.status !== 'active' || !grant)
    throw new AccessError('already_decided', `${requestId} is ${request.status.replace('_', ' ')}; there is no active access to revoke.`);
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

/**
 * A grant ended: an ask to extend it can no longer be approved. Its pending asks are
 * settled `lapsed` (audited) and their cards redrawn without buttons, as owed chat work.
 */
export async function lapseExtensionsOf(core: Core, grantId: string): Promise<void> {
  const lapsed = await core.deps.store.lapsePendingExtensions(
    grantId,
    { action: 'extend.lapsed', actor: { platform: 'system', userId: 'worker' } },
    core.deps.clock.now(),
  );
  for (const ext of lapsed) {
    if (ext.cards.length > 0) await later(core, { kind: 'extension_cards', requestId: ext.requestId, extensionId: ext.id }, ext.requestId);
  }
}

/**
 * A provider's revoke may leave something in place for a while (Identity Center: a deny on
 * the person's live sessions, kept until they have died). Its removal is queued; a lost job
 * leaves nothing that still acts (the deny carries its own end) and the next write of the
 * same policy prunes it.
 */
async function queueTidyUp(core: Core, grantId: string, at: Date): Promise<void> {
  try {
    await core.deps.scheduler.scheduleTidyUp(grantId, at);
  } catch (e) {
    core.deps.logger.warn({ err: e, grantId }, 'could not queue the tidy-up; what it would remove ends on its own');
  }
}

/** The tidy-up job: false when the grant or its provider's tidy-up is gone. */
export async function tidyUp(core: Core, grantId: string): Promise<boolean> {
  const grant = await core.deps.store.getGrant(grantId);
  const request = grant && (await core.deps.store.getRequest(grant.requestId));
  const role = request && core.deps.policy.roles.find((r) => r.id === request.roleId);
  const provider = grant && core.deps.providers(grant.provider);
  if (!grant || !role || !provider?.tidyUp) return false;
  await provider.tidyUp(grant, role);
  await core.audit({
    action: 'revoke.tidied_up',
    requestId: grant.requestId,
    grantId,
    actor: { platform: 'system', userId: 'worker' },
    data: { provider: grant.provider },
  });
  return true;
}
