import type { ActivityContext, ActivitySource, FetchedActivity, GrantActivity } from '../model/activity';
import type { Core } from '../core';
import { requesterProfile } from '../people';
import type { Grant } from '../model';
import type { AccessProvider } from '../ports';

/**
 * Activity during a grant: once it ended, its provider's activity log (CloudTrail,
 * Azure Activity Log) is read for the grant's window and a summary is stored on the
 * grant and audited. The lookup is a delayed job with retries; the reconciler
 * re-queues lookups whose job Redis lost.
 */

/** Events read for one grant at most; a busier session is summarised from its first ones (and says so). */
export const MAX_EVENTS = 10_000;
/** Distinct names kept in a summary (they are for people to read). */
export const MAX_NAMES = 100;
/** The reconciler re-queues lookups of grants that ended within this window (older ones predate the feature, and the clouds keep 90 days). */
export const ACTIVITY_REQUEUE_WINDOW_MS = 7 * 86_400_000;

const WORKER = { platform: 'system', userId: 'worker' } as const;

/** The summary of a grant whose provider keeps no activity log; `what` names the provider. */
const noActivityLog = (what: string): GrantActivity => ({ status: 'unavailable', reason: `${what} has no activity log to read` });

/** What a grant stores as it ends: null when a lookup will follow, else why there will be none. */
export function activityAtEnd(core: Core, provider: AccessProvider): GrantActivity | null {
  if (!core.deps.policy.activity.enabled) return { status: 'unavailable', reason: 'activity lookups are off (policy activity.enabled)' };
  if (!provider.activity) return noActivityLog(provider.label);
  return null;
}

/**
 * Queues the lookup: `activity.delay` after `endedAt` (the cloud's log lags behind),
 * or now when re-queued. A failure to queue is left to the reconciler.
 */
export async function queueActivityLookup(core: Core, grantId: string, endedAt?: Date): Promise<void> {
  const { scheduler, policy, logger, clock } = core.deps;
  const { delay, attempts, retry_backoff: backoffMs } = policy.activity;
  const at = endedAt ? new Date(endedAt.getTime() + delay) : clock.now();
  try {
    await scheduler.scheduleActivityLookup(grantId, at, { attempts, backoffMs });
  } catch (e) {
    logger.error({ err: e, grantId }, 'could not queue the activity lookup; the reconciler will retry');
  }
}

/** Reads the source's events for the window and counts them (up to MAX_EVENTS). */
export async function summarize(source: ActivitySource, ctx: ActivityContext, fetchedAt: Date): Promise<FetchedActivity> {
  const names = new Set<string>();
  const writeNames = new Set<string>();
  let eventCount = 0;
  let writeEventCount = 0;
  let truncated = false;
  for await (const event of source.events(ctx)) {
    if (eventCount === MAX_EVENTS) {
      truncated = true;
      break;
    }
    eventCount++;
    names.add(event.name);
    if (event.write) {
      writeEventCount++;
      writeNames.add(event.name);
    }
  }
  const sorted = (set: Set<string>) => [...set].sort().slice(0, MAX_NAMES);
  return {
    status: 'fetched',
    source: source.label(ctx),
    from: ctx.from.toISOString(),
    to: ctx.to.toISOString(),
    eventCount,
    eventNames: sorted(names),
    writeEventCount,
    writeEventNames: sorted(writeNames),
    truncated,
    fetchedAt: fetchedAt.toISOString(),
  };
}

/** Stores the activity once (a retried job or a second worker finds it there) and audits it. */
async function saveAndAudit(
  core: Core,
  grant: Grant,
  activity: GrantActivity,
  action: 'grant.activity' | 'grant.activity_failed',
  data: Record<string, unknown>,
): Promise<boolean> {
  const now = core.deps.clock.now();
  return core.deps.store.transaction(async (tx) => {
    const saved = await tx.saveActivity(grant.id, activity, now);
    if (saved) await tx.appendAudit({ action, requestId: grant.requestId, grantId: grant.id, actor: WORKER, data }, now);
    return saved;
  });
}

/**
 * The activity job: reads the ended grant's activity and stores its summary.
 * Idempotent; a provider failure throws (a ProviderError), so the job retries.
 */
export async function recordActivity(core: Core, grantId: string): Promise<GrantActivity | undefined> {
  const { store, clock, policy, providers } = core.deps;
  const grant = await store.getGrant(grantId);
  if (!grant || (grant.status !== 'expired' && grant.status !== 'revoked') || grant.activity) return grant?.activity ?? undefined;
  const request = await core.request(grant.requestId);
  const role = core.role(request.roleId);
  const provider = providers(grant.provider);
  const source = provider?.activity;
  if (!source) {
    const unavailable = noActivityLog(`provider ${grant.provider}`);
    await saveAndAudit(core, grant, unavailable, 'grant.activity', { available: false });
    return unavailable;
  }
  const from = grant.activatedAt ?? grant.createdAt;
  const to = grant.revokedAt ?? grant.expiresAt ?? clock.now();
  const summary = await summarize(
    source,
    { grant, request, role, requesterProfile: requesterProfile(policy, request), from, to },
    clock.now(),
  );
  await saveAndAudit(core, grant, summary, 'grant.activity', {
    source: summary.source,
    events: summary.eventCount,
    writes: summary.writeEventCount,
    writeNames: summary.writeEventNames.slice(0, 10),
  });
  return summary;
}

/** Every attempt failed: record it on the grant and in the audit log, never silently. */
export async function recordActivityFailure(core: Core, grantId: string, error: string, attempts: number): Promise<void> {
  const grant = await core.deps.store.getGrant(grantId);
  if (!grant) return;
  const failed: GrantActivity = { status: 'failed', error, attempts, at: core.deps.clock.now().toISOString() };
  await saveAndAudit(core, grant, failed, 'grant.activity_failed', { error, attempts });
}

/**
 * The reconciler's part: ended grants with no activity yet whose lookup should have
 * run by now get it queued again (a no-op while the job is still in Redis).
 */
export async function requeueLostActivity(core: Core, stalledAfterMs: number): Promise<number> {
  const { policy, clock, store } = core.deps;
  if (!policy.activity.enabled) return 0;
  const now = clock.now();
  const endedBefore = new Date(now.getTime() - policy.activity.delay - stalledAfterMs);
  const endedAfter = new Date(now.getTime() - ACTIVITY_REQUEUE_WINDOW_MS);
  const lost = await store.listGrantsAwaitingActivity(endedAfter, endedBefore, 500);
  for (const grant of lost) await queueActivityLookup(core, grant.id);
  return lost.length;
}
