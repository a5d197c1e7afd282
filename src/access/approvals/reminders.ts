import { later } from '../outbox/delivery';
import type { Core } from '../core';

/** When a pending request's approvers are reminded (`approvals.remind_after` after it was filed). */
export function reminderDueAt(core: Core, createdAt: Date): Date {
  return new Date(createdAt.getTime() + core.deps.policy.approvals.remind_after);
}

/** Queues the one reminder of a new pending request; the reconciler sends it if Redis loses the job. */
export async function scheduleReminder(core: Core, requestId: string, createdAt: Date): Promise<void> {
  try {
    await core.deps.scheduler.scheduleReminder(requestId, reminderDueAt(core, createdAt));
  } catch (e) {
    core.deps.logger.warn({ err: e, requestId }, 'could not queue the approval reminder; the reconciler will send it');
  }
}

/**
 * Reminds the approvers of a request still pending past `remind_after`, once per request:
 * the row lock makes the job and the reconciler agree on who sends it, and `reminded_at`
 * is the record that it was sent (audited as `request.reminded`). Returns whether it sent one.
 */
export async function remindIfDue(core: Core, requestId: string): Promise<boolean> {
  const { store, clock } = core.deps;
  const now = clock.now();
  const claimed = await store.transaction(async (tx) => {
    const request = await tx.lockRequest(requestId);
    if (!request || request.status !== 'pending' || reminderDueAt(core, request.createdAt) > now) return false;
    if (!(await tx.markReminded(requestId, now))) return false;
    await tx.appendAudit({ action: 'request.reminded', requestId, actor: { platform: 'system', userId: 'scheduler' } }, now);
    return true;
  });
  if (!claimed) return false;
  await later(core, { kind: 'reminder', requestId }, requestId);
  return true;
}
