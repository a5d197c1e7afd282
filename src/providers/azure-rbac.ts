import { createHash } from 'node:crypto';
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import type { TokenCredential } from '@azure/identity';
import { ProviderError } from '../access/model/errors';
import type { ActivitySource } from '../access/model/activity';
import type { AccessRequest, Grant } from '../access/model';
import type { Policy, Role } from '../access/policy';
import type { AccessProvider, GrantContext, ProviderGrantResult } from '../access/ports';
import type { Clock } from '../lib/clock';
import { armProviderError, isGone } from './azure-errors';

/** Fixed namespace of jitbot's name-based UUIDs (RFC 9562 version 5). */
const NAMESPACE = Buffer.from('6f1d3c52a0b94e0c9a5e2b7c4d8e1f30', 'hex');

/** A deterministic GUID for a grant, so a retried create names the same assignment and is a no-op. */
export function assignmentNameFor(grantId: string, purpose: 'assign' | 'remove' = 'assign'): string {
  const hash = createHash('sha1').update(NAMESPACE).update(`${purpose}:${grantId}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface AzureRbacConfig {
  credential: TokenCredential;
  /** AZURE_ARM_ENDPOINT; unset → https://management.azure.com. */
  endpoint?: string;
  /** Needed by the client's constructor; every call jitbot makes names its scope instead. */
  subscriptionId?: string;
  /** Tests: trust the fake ARM server's certificate (the SDK sends bearer tokens over https only). */
  tlsCa?: string;
  /** Where the principal's activity is read afterwards (Azure Activity Log). */
  activity?: ActivitySource;
  clock: Clock;
}

type AzureSettings = NonNullable<Role['azure']>;

/**
 * Azure access as role assignments at the role's scope. `mode: pim` asks for a
 * time-bound assignment (schedule request with an expiration), so Azure itself
 * ends access even if our revoke never runs.
 */
export class AzureRbacProvider implements AccessProvider {
  readonly name = 'azure';
  readonly label = 'Azure RBAC';
  private readonly client: AuthorizationManagementClient;
  readonly activity?: ActivitySource;

  constructor(private readonly config: AzureRbacConfig) {
    this.activity = config.activity;
    this.client = new AuthorizationManagementClient(config.credential, config.subscriptionId ?? '00000000-0000-0000-0000-000000000000', {
      endpoint: config.endpoint,
      credentialScopes: config.endpoint ? undefined : 'https://management.azure.com/.default',
      tlsOptions: config.tlsCa ? { ca: config.tlsCa } : undefined,
    });
  }

  async grant(ctx: GrantContext): Promise<ProviderGrantResult> {
    const azure = this.settings(ctx.role);
    const principalId = principalIdOf(ctx.request, ctx.requesterProfile);
    const roleDefinitionId = fullRoleDefinitionId(azure);
    const name = assignmentNameFor(ctx.grantId);
    const what = `the ${ctx.role.id} role assignment at ${azure.scope}`;
    try {
      if (azure.mode === 'pim') {
        await this.client.roleAssignmentScheduleRequests.create(azure.scope, name, {
          principalId,
          roleDefinitionId,
          requestType: 'AdminAssign',
          justification: `jitbot ${ctx.request.id}${ctx.request.reason ? `: ${ctx.request.reason}` : ''}`.slice(0, 500),
          scheduleInfo: { startDateTime: this.config.clock.now(), expiration: { type: 'AfterDateTime', endDateTime: ctx.expiresAt } },
        });
      } else {
        await this.client.roleAssignments.create(azure.scope, name, {
          principalId,
          roleDefinitionId,
          principalType: 'User',
          description: `jitbot ${ctx.request.id} until ${ctx.expiresAt.toISOString()}`,
        });
      }
    } catch (e) {
      if (!(await this.alreadyMade(e, azure, name))) throw armProviderError(e, `creating ${what}`);
    }
    const note = azure.mode === 'pim' ? ' Azure PIM ends it on its own at the expiry.' : '';
    return {
      ref: `${azure.scope}/providers/Microsoft.Authorization/${azure.mode === 'pim' ? 'roleAssignmentScheduleRequests' : 'roleAssignments'}/${name}`,
      privateDelivery: [
        {
          kind: 'text',
          text: `Your Azure role assignment is in place at \`${azure.scope}\`; it can take a few minutes to take effect in the portal and CLI.${note}`,
        },
      ],
    };
  }

  async revoke(grant: Grant, role: Role): Promise<void> {
    const azure = this.settings(role);
    try {
      if (azure.mode === 'pim') {
        // PIM assignments end on their own at expiry; an AdminRemove ends one early.
        if (grant.expiresAt && grant.expiresAt.getTime() <= this.config.clock.now().getTime()) return;
        await this.client.roleAssignmentScheduleRequests.create(azure.scope, assignmentNameFor(grant.id, 'remove'), {
          principalId: await this.principalOfGrant(grant, azure.scope),
          roleDefinitionId: fullRoleDefinitionId(azure),
          requestType: 'AdminRemove',
          justification: `jitbot revoke of grant ${grant.id}`,
        });
      } else {
        await this.client.roleAssignments.delete(azure.scope, assignmentNameFor(grant.id));
      }
    } catch (e) {
      if (isGone(e)) return;
      throw armProviderError(e, `removing the ${role.id} role assignment at ${azure.scope}`);
    }
  }

  /**
   * Gone when the assignment answers 404. PIM: once past its expiry Azure ended it;
   * before that, our AdminRemove request must exist.
   */
  async verifyRevoked(grant: Grant, role: Role): Promise<boolean> {
    const azure = this.settings(role);
    try {
      if (azure.mode === 'pim') {
        if (grant.expiresAt && grant.expiresAt.getTime() <= this.config.clock.now().getTime()) return true;
        await this.client.roleAssignmentScheduleRequests.get(azure.scope, assignmentNameFor(grant.id, 'remove'));
        return true;
      }
      await this.client.roleAssignments.get(azure.scope, assignmentNameFor(grant.id));
      return false;
    } catch (e) {
      if (isGone(e)) return azure.mode !== 'pim';
      throw armProviderError(e, `checking the ${role.id} role assignment at ${azure.scope}`);
    }
  }

  /**
   * A retried create can find its own earlier work: ARM answers 409 for an existing
   * assignment (or PIM request). It is ours when it carries our deterministic name.
   */
  private async alreadyMade(e: unknown, azure: AzureSettings, name: string): Promise<boolean> {
    if ((e as { statusCode?: number }).statusCode !== 409) return false;
    try {
      if (azure.mode === 'pim') await this.client.roleAssignmentScheduleRequests.get(azure.scope, name);
      else await this.client.roleAssignments.get(azure.scope, name);
      return true;
    } catch (lookup) {
      if (isGone(lookup)) return false;
      throw armProviderError(lookup, `reading back assignment ${name} at ${azure.scope}`);
    }
  }

  private settings(role: Role): AzureSettings {
    if (!role.azure)
      throw new ProviderError(
        `Role ${role.id} uses provider azure but has no azure.scope / azure.role_definition_id in the policy file.`,
        true,
      );
    return role.azure;
  }

  /** The principal of a PIM grant, read back from its assign request (works from any instance, after a restart too). */
  private async principalOfGrant(grant: Grant, scope: string): Promise<string> {
    const request = await this.client.roleAssignmentScheduleRequests.get(scope, assignmentNameFor(grant.id));
    if (!request.principalId) throw new ProviderError(`Azure has no principal on the PIM request of grant ${grant.id}; will retry.`, false);
    return request.principalId;
  }
}

/** The requester's Entra object id: Teams user ids are object ids already; others come from the policy's users table. */
export function principalIdOf(request: AccessRequest, profile: Policy['users'][string] | undefined): string {
  if (request.requesterPlatform === 'teams') return request.requesterId;
  const mapped = profile?.azure_object_id;
  if (!mapped) {
    throw new ProviderError(
      `Azure needs your Entra object id and the policy file has none for you. Ask an admin to add it under users: ` +
        `\`${request.requesterId}: { email: you@example.com, azure_object_id: <your object id> }\` (Entra admin center → Users → you → Object ID).`,
      true,
    );
  }
  return mapped;
}

/** Policy files may give a role definition as its GUID; ARM wants the full id. */
function fullRoleDefinitionId(azure: AzureSettings): string {
  if (azure.role_definition_id.startsWith('/')) return azure.role_definition_id;
  const subscription = /^\/subscriptions\/[^/]+/i.exec(azure.scope)?.[0] ?? '';
  return `${subscription}/providers/Microsoft.Authorization/roleDefinitions/${azure.role_definition_id}`;
}
