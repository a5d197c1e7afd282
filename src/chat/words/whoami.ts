import type { Role } from '../../access/policy';
import type { WhoAmI } from '../../access/queries/whoami';
import type { Markup } from './markup';

const PLATFORM_NAMES = { slack: 'Slack', teams: 'Teams' } as const;

const roleList = (roles: Role[], m: Markup) => (roles.length ? roles.map((r) => m.code(r.id)).join(', ') : 'none');

/**
 * `/jit whoami`, worded once for Slack and Teams: the person jitbot takes the caller for,
 * the accounts it counts as theirs (one person across platforms), and what they may do.
 */
export function whoamiLines(who: WhoAmI, m: Markup): string[] {
  const { person } = who;
  const accounts = who.accounts
    .map((a) => `${PLATFORM_NAMES[a.platform]} ${a.platform === 'slack' ? m.user(a.userId) : m.code(a.userId)}`)
    .join(', ');
  return [
    person.email
      ? `You are ${m.bold(m.text(person.email))}: accounts with this e-mail count as one person for approvals and limits.`
      : `I know no e-mail for you, so this account counts as a person of its own; approvals across Slack and Teams need one (ask an admin: users:<id>.email, or Slack's users:read.email scope).`,
    `Your accounts: ${accounts}`,
    `You may request: ${roleList(who.mayRequest, m)}`,
    `You may approve: ${roleList(who.mayApprove, m)}`,
  ];
}

/** The line under `/jit roles` when the policy has roles the caller may not ask for. */
export function hiddenRolesWords(hidden: number): string | undefined {
  if (hidden === 0) return undefined;
  return `${hidden} more role${hidden === 1 ? '' : 's'} exist${hidden === 1 ? 's' : ''} that the policy does not let you request.`;
}

/** What `/jit roles` says to someone no role lets ask (`whoami` names the command on their platform). */
export function noRequestableRolesWords(whoami: string): string {
  return `There is no role you may request. Ask an admin to add you to a role's requesters in the policy; ${whoami} shows who I take you for.`;
}
