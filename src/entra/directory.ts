import type { TokenCredential } from '@azure/identity';
import type { EntraDirectory } from '../access/ports';
import type { Policy } from '../access/policy';
import type { Env } from '../config/env';
import type { Clock } from '../lib/clock';
import { GraphGroups } from './graph-groups';

/** Every place the policy names Entra groups: requesters, approvers, escalation tiers, the security team. */
export function entraGroupsNamed(policy: Policy): string[] {
  const groups = new Set(policy.digest.security_team.entra_groups);
  for (const role of policy.roles) {
    for (const g of role.requesters.entra_groups) groups.add(g);
    for (const g of role.approval.approvers?.entra_groups ?? []) groups.add(g);
    for (const tier of role.approval.escalation) for (const g of tier.approvers.entra_groups) groups.add(g);
  }
  return [...groups];
}

/**
 * Microsoft Graph for the policy's Entra groups, with the Teams bot's own app registration
 * (its secret, or its user-assigned managed identity); undefined when the policy names none.
 * A policy that names groups without the credentials to read them stops start-up.
 */
export async function entraDirectory(
  env: Env,
  policy: Policy,
  clock: Clock,
  credential?: TokenCredential,
): Promise<EntraDirectory | undefined> {
  if (entraGroupsNamed(policy).length === 0) return undefined;
  return new GraphGroups({ credential: credential ?? (await graphCredential(env)), baseUrl: env.JIT_GRAPH_URL, clock });
}

/** @azure/identity is loaded only here: about 40 MB of modules a policy without Entra groups never needs. */
async function graphCredential(env: Env): Promise<TokenCredential> {
  const need =
    "The policy names entra_groups, which jitbot reads through Microsoft Graph with the Teams bot's app registration (application permission GroupMember.Read.All, admin-consented)";
  if (!env.MICROSOFT_APP_ID) throw new Error(`${need}: set MICROSOFT_APP_ID.`);
  const { ClientSecretCredential, ManagedIdentityCredential } = await import('@azure/identity');
  if (env.MICROSOFT_APP_TYPE === 'UserAssignedMSI') return new ManagedIdentityCredential({ clientId: env.MICROSOFT_APP_ID });
  if (!env.MICROSOFT_APP_TENANT_ID || !env.MICROSOFT_APP_PASSWORD)
    throw new Error(`${need}: set MICROSOFT_APP_TENANT_ID (your tenant) and MICROSOFT_APP_PASSWORD.`);
  return new ClientSecretCredential(env.MICROSOFT_APP_TENANT_ID, env.MICROSOFT_APP_ID, env.MICROSOFT_APP_PASSWORD);
}
