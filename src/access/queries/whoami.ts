import type { Core } from '../core';
import type { Actor, Person } from '../model';
import { accountsOf, mayRequest } from '../people';
import type { Role } from '../policy';

/** What `/jit whoami` shows: the person, the accounts that are theirs, and what they may do. */
export interface WhoAmI {
  person: Person;
  accounts: Actor[];
  mayRequest: Role[];
  mayApprove: Role[];
}

/** The roles whose `requesters` include the person, in policy order. */
export async function requestableRoles(core: Core, person: Person): Promise<Role[]> {
  const roles: Role[] = [];
  for (const role of core.deps.policy.roles) if (await mayRequest(core, role.requesters, person)) roles.push(role);
  return roles;
}

export async function whoAmI(core: Core, person: Person): Promise<WhoAmI> {
  const mayApprove: Role[] = [];
  for (const role of core.deps.policy.roles) if (await core.isApprover(role, person)) mayApprove.push(role);
  return { person, accounts: await accountsOf(core, person), mayRequest: await requestableRoles(core, person), mayApprove };
}
