import type { Core } from './core';
import { AccessError } from './errors';
import type { Actor, AuditEvent, RequestView } from './model';
import { isListedApprover } from './rules';

/** Whether the actor is on the policy's `digest.security_team` (user groups expanded now). */
export async function isSecurityTeam(core: Core, actor: Actor): Promise<boolean> {
  const team = core.deps.policy.digest.security_team;
  const members = new Set<string>();
  if (actor.platform === 'slack' && !team.slack_users.includes(actor.userId)) {
    for (const group of team.slack_usergroups) for (const member of await core.deps.directory.slackGroupMembers(group)) members.add(member);
  }
  return isListedApprover(team, actor, members);
}

/** Refuses (audited, as `<what>.refused`) anyone not on the security team. */
export async function requireSecurityTeam(core: Core, actor: Actor, what: string): Promise<void> {
  if (await isSecurityTeam(core, actor)) return;
  await core.audit({ action: `${what}.refused`, requestId: null, actor, data: { code: 'not_allowed' } });
  throw new AccessError('not_allowed', `Only the security team (policy digest.security_team) can use /jit ${what}.`);
}

export interface AuditTrail {
  view: RequestView;
  events: AuditEvent[];
}

/**
 * The full timeline of one request, for its requester, the role's approvers and
 * the security team. Anyone else is refused, and the refusal is itself audited.
 */
export async function auditTrail(core: Core, actor: Actor, requestId: string): Promise<AuditTrail> {
  const view = await core.view(requestId);
  const role = core.role(view.request.roleId);
  const mine = view.request.requesterId === actor.userId && view.request.requesterPlatform === actor.platform;
  if (!mine && !(await core.isApprover(role, actor)) && !(await isSecurityTeam(core, actor))) {
    await core.audit({ action: 'audit.refused', requestId, actor, data: { code: 'not_allowed' } });
    throw new AccessError('not_allowed', `Only the requester, an approver of ${role.id} or the security team can see the audit trail of ${requestId}.`);
  }
  return { view, events: await core.deps.store.listAudit(requestId) };
}
