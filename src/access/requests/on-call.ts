import type { Core } from '../core';
import type { Person } from '../model';
import type { OnCallSchedule, Role } from '../policy';

export function describeSchedule(schedule: OnCallSchedule): string {
  return 'pagerduty_schedule' in schedule
    ? `PagerDuty schedule ${schedule.pagerduty_schedule}`
    : `Opsgenie schedule ${schedule.opsgenie_schedule}`;
}

/** What the on-call check of `approval.auto_if_on_call` found; `failed` carries why it could not tell. */
export type OnCallCheck = { schedule: OnCallSchedule } & ({ onCall: boolean } | { failed: string });

/**
 * `approval.auto_if_on_call`: whether the requester is on call now, or null when the
 * role names no schedule. Any failure (no e-mail, no lookup configured, the API down)
 * comes back as `failed`: the caller asks a person, never auto-approves on doubt.
 */
export async function checkOnCall(core: Core, person: Person, role: Role): Promise<OnCallCheck | null> {
  const schedule = role.approval.auto_if_on_call;
  if (!schedule) return null;
  const { onCall, logger } = core.deps;
  const failed = (why: string): OnCallCheck => {
    logger.warn({ roleId: role.id, userId: person.account.userId, why }, 'on-call look-up failed; asking approvers');
    return { schedule, failed: why };
  };
  if (!onCall) return failed('no on-call provider is configured (PAGERDUTY_API_KEY / OPSGENIE_API_KEY)');
  try {
    if (!person.email) return failed('no e-mail address known for the requester');
    return { schedule, onCall: await onCall.isOnCall(schedule, person.email) };
  } catch (e) {
    return failed(e instanceof Error ? e.message : String(e));
  }
}
