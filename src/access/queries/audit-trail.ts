import type { Core } from '../core';
import { AccessError } from '../model/errors';
import { mayDecide } from '../approvals/escalation';
import type { AuditEvent, Person, RequestView } from '../model';
import { isInSet, isRequester } from '../people';

/** Whether the person is on the policy's `digest.security_team` (user groups expanded now). */
export function isSecurityTeam(core: Core, person: Person): Promise<boolean> {
  return isInSet(core, core.deps.policy.digest.security_team, person);
}

/** Refuses (audited, as `<what>.refused`) anyone not on the security team. */
export async function requireSecurityTeam(core: Core, person: Person, what: string): Promise<void> {
  if (await isSecurityTeam(core, person)) return;
  await core.audit({ action: `${what}.refused`, requestId: null, actor: person.account, data: { code: 'not_allowed' } });
  throw new AccessError('not_allowed', `Only the security team (policy digest.security_team) can use /jit ${what}.`);
}

export interface AuditTrail {
  view: RequestView;
  events: AuditEvent[];
}

/**
 * Whether the person may see a request at all: its requester, an approver of its role (or
 * of an escalation tier open now) and the security team. Everyone else is refused, audited
 * as `<what>.refused`, with the same answer whether or not the request exists.
 */
export async function requireMaySee(core: Core, person: Person, requestId: string, what: 'audit' | 'view'): Promise<RequestView> {
  const view = await core.view(requestId).catch(() => undefined);
  const role = view && core.deps.policy.roles.find((r) => r.id === view.request.roleId);
  const allowed =
    view &&
    role &&
    (isRequester(person, view.request) || (await mayDecide(core, role, view.request, person)) || (await isSecurityTeam(core, person)));
  if (allowed) return view;
  await core.audit({
    action: `${what}.refused`,
    requestId: view ? requestId : null,
    actor: person.account,
    data: { code: 'not_allowed', requestId },
  });
  throw new AccessError(
    'not_allowed',
    `Only the requester, an approver of its role or the security team can see ${what === 'audit' ? 'the audit trail of ' : ''}${requestId}.`,
  );
}

/**
 * The full timeline of one request, for its requester, the role's approvers and
 * the security team. Anyone else is refused, and the refusal is itself audited.
 */
export async function auditTrail(core: Core, person: Person, requestId: string): Promise<AuditTrail> {
  const view = await requireMaySee(core, person, requestId, 'audit');
  return { view, events: await core.deps.store.listAudit(requestId) };
}
