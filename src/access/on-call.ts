import type { Core } from './core';
import type { Actor } from './model';
import type { OnCallSchedule, Role } from './policy';

export function describeSchedule(schedule: OnCallSchedule): string {
  return 'pagerduty_schedule' in schedule ? `PagerDuty schedule ${schedule.pagerduty_schedule}` : `Opsgenie schedule ${schedule.opsgenie_schedule}`;
}

/**
 * `approval.auto_if_on_call`: the schedule that makes the requester's request
 * approve itself, or null. Any failure (no e-mail, no lookup configured, the API
 * down) is audited and means "ask a person": never auto-approve on doubt.
 */
export async function onCallApproval(core: Core, actor: Actor, role: Role): Promise<OnCallSchedule | null> {
  const schedule = role.approval.auto_if_on_call;
  if (!schedule) return null;
  const { onCall, directory, policy, logger } = core.deps;
  const fallBack = async (why: string) => {
    logger.warn({ roleId: role.id, userId: actor.userId, why }, 'on-call look-up failed; asking approvers');
    await core.audit({ action: 'oncall.lookup_failed', requestId: null, actor, data: { roleId: role.id, schedule: describeSchedule(schedule), error: why } });
    return null;
  };
  if (!onCall) return fallBack('no on-call provider is configured (PAGERDUTY_API_KEY / OPSGENIE_API_KEY)');
  try {
    const email = policy.users[actor.userId]?.email ?? (await directory.emailOf?.(actor));
    if (!email) return await fallBack('no e-mail address known for the requester');
    return (await onCall.isOnCall(schedule, email)) ? schedule : null;
  } catch (e) {
    return fallBack(e instanceof Error ? e.message : String(e));
  }
}
