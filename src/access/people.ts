import { platformOfAccountId } from '../lib/ids';
import type { Core } from './core';
import { AccessError } from './model/errors';
import type { AccessRequest, Actor, Identity, Person, Platform } from './model';
import type { Policy, Requesters } from './policy';

/**
 * People, not accounts. Slack and Teams say who an account is (its e-mail) and whether it
 * belongs here at all; the policy's `users:` table may override the e-mail. Accounts with
 * one e-mail are one person: self-approval, N-of-M approvals, limits and eligibility all
 * count people, whichever platform they act from.
 */

const PLATFORM_NAMES: Record<Platform, string> = { slack: 'Slack', teams: 'Teams' };

/** The person key of an account: its e-mail when known, else the account itself. */
export function personKey(actor: Actor, email: string | null): string {
  return email ? `email:${email}` : `${actor.platform}:${actor.userId}`;
}

/**
 * Whether `person` is whoever a row names: the same person, or the very same account (rows
 * written before people existed name each account as its own person).
 */
export function isSamePerson(person: Person, named: { person: string; platform: Platform; accountId: string }): boolean {
  return named.person === person.key || (named.platform === person.account.platform && named.accountId === person.account.userId);
}

/** Whether the person filed the request. */
export function isRequester(person: Person, request: AccessRequest): boolean {
  return isSamePerson(person, { person: request.requesterPerson, platform: request.requesterPlatform, accountId: request.requesterId });
}

/** Whether a person key stands for an e-mail (so it can be matched across platforms). */
export function isResolved(key: string): boolean {
  return key.startsWith('email:');
}

/** Why an account may not use jitbot at all, or undefined when it may. */
function whyNotAdmitted(core: Core, actor: Actor, identity: Identity): string | undefined {
  const { policy } = core.deps;
  const allowGuests = actor.platform === 'slack' ? policy.slack.allow_guests : policy.teams.allow_guests;
  const setting = actor.platform === 'slack' ? 'slack.allow_guests' : 'teams.allow_guests';
  if (identity.deleted) return `your ${PLATFORM_NAMES[actor.platform]} account is deactivated.`;
  if (identity.bot) return 'bots and apps cannot ask for or approve access.';
  if (identity.external && !allowGuests)
    return `you are not a member of this ${actor.platform === 'slack' ? 'workspace (Slack Connect)' : 'tenant'}. An admin can allow guests and externals with ${setting} in the policy.`;
  if (identity.guest && !allowGuests)
    return `guest accounts cannot use jitbot here. An admin can allow them with ${setting} in the policy.`;
  return undefined;
}

/**
 * The person acting through `actor`, once the account is known to be one that may use
 * jitbot: not deactivated, not a bot, not a guest or external unless the policy allows
 * them. Refusals are audited. The directory says `try_again` when the platform cannot be
 * asked just now.
 */
export async function personOf(core: Core, actor: Actor): Promise<Person> {
  const { people, policy } = core.deps;
  const identity = await people.lookup(actor);
  const why = identity && whyNotAdmitted(core, actor, identity);
  if (why) {
    await core.audit({ action: 'access.refused', requestId: null, actor, data: { code: 'not_admitted', why } });
    throw new AccessError('not_allowed', `Sorry, jitbot cannot act for you: ${why}`);
  }
  const email = policy.users[actor.userId]?.email?.toLowerCase() ?? identity?.email ?? null;
  return { key: personKey(actor, email), email, account: actor };
}

/**
 * Every account of the person: the one they act through, any other whose platform gives
 * the same e-mail, and any the policy's `users:` table gives that e-mail (the override wins
 * over what the platform says).
 */
export async function accountsOf(core: Core, person: Person): Promise<Actor[]> {
  const accounts = new Map<string, Actor>([[`${person.account.platform}:${person.account.userId}`, person.account]]);
  if (!person.email) return [...accounts.values()];
  const overrides = core.deps.policy.users;
  for (const i of await core.deps.people.withEmail(person.email)) {
    const overridden = overrides[i.accountId]?.email?.toLowerCase();
    if (overridden === undefined || overridden === person.email)
      accounts.set(`${i.platform}:${i.accountId}`, { platform: i.platform, userId: i.accountId });
  }
  for (const [id, profile] of Object.entries(overrides)) {
    if (profile.email?.toLowerCase() === person.email)
      accounts.set(`${platformOfAccountId(id)}:${id}`, { platform: platformOfAccountId(id), userId: id });
  }
  return [...accounts.values()];
}

/** People named by Slack users, Slack user groups, Teams users and Entra groups (approvers, tiers, the security team, requesters). */
export interface NamedPeople {
  slack_users: string[];
  slack_usergroups: string[];
  teams_users: string[];
  entra_groups: string[];
}

/** Whether any account of the person is named by the set, its Slack user groups and Entra groups expanded now. */
export async function isInSet(core: Core, set: NamedPeople | undefined, person: Person): Promise<boolean> {
  if (!set) return false;
  const accounts = await accountsOf(core, person);
  const teamsUsers = set.teams_users.map((id) => id.toLowerCase());
  if (accounts.some((a) => (a.platform === 'slack' ? set.slack_users.includes(a.userId) : teamsUsers.includes(a.userId.toLowerCase()))))
    return true;
  const slackIds = accounts.filter((a) => a.platform === 'slack').map((a) => a.userId);
  for (const group of slackIds.length > 0 ? set.slack_usergroups : []) {
    const members = await core.slackGroupMembers(group);
    if (slackIds.some((id) => members.includes(id))) return true;
  }
  if (set.entra_groups.length === 0) return false;
  const objectIds = entraObjectIds(core.deps.policy, accounts);
  return objectIds.length > 0 && core.inEntraGroups(objectIds, set.entra_groups);
}

/** The person's Entra object ids: their Teams accounts', and any `users.<slack id>.azure_object_id` of the policy. */
function entraObjectIds(policy: Policy, accounts: Actor[]): string[] {
  const ids = accounts.map((a) => (a.platform === 'teams' ? a.userId : policy.users[a.userId]?.azure_object_id));
  return [...new Set(ids.filter((id): id is string => Boolean(id)).map((id) => id.toLowerCase()))];
}

/** The domain of an e-mail address, lower case. */
const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1);

/** Whether the person may ask for a role under its `requesters`. */
export async function mayRequest(core: Core, requesters: Requesters, person: Person): Promise<boolean> {
  if (requesters.anyone) return true;
  if (person.email && (requesters.emails.includes(person.email) || requesters.email_domains.includes(domainOf(person.email)))) return true;
  return isInSet(core, requesters, person);
}

/** Someone already party to a decision: the requester, or an earlier approver. */
export interface Party {
  person: string;
  platform: Platform;
  what: string;
}

/**
 * Why `person` cannot be told apart from a party on another platform, or undefined when
 * they can. Two accounts on one platform are two people (the platform says so); across
 * platforms only e-mails tell, so an account without one cannot be counted there.
 */
export function crossPlatformDoubt(person: Person, parties: Party[]): string | undefined {
  for (const party of parties) {
    if (party.platform === person.account.platform) continue;
    if (isResolved(person.key) && isResolved(party.person)) continue;
    const whose = isResolved(person.key)
      ? `${party.what}'s ${PLATFORM_NAMES[party.platform]} account has`
      : `your ${PLATFORM_NAMES[person.account.platform]} account has`;
    return (
      `I cannot tell whether you and ${party.what} (on ${PLATFORM_NAMES[party.platform]}) are different people: ${whose} no e-mail I can read. ` +
      `Decide from ${PLATFORM_NAMES[party.platform]}, or ask an admin to give the account an e-mail (users:<id>.email in the policy, or the users:read.email scope for Slack).`
    );
  }
  return undefined;
}

/**
 * What providers know of the requester: the policy's `users:` entry (an Azure object id),
 * with the e-mail the request was filed under (the platform's, or the override).
 */
export function requesterProfile(policy: Policy, request: AccessRequest): Policy['users'][string] {
  const override = policy.users[request.requesterId];
  const email = request.requesterEmail ?? override?.email;
  return { ...override, ...(email ? { email } : {}) };
}
