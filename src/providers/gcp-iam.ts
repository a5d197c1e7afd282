import { ProviderError } from '../access/model/errors';
import type { AccessRequest, Grant } from '../access/model';
import type { Policy, Role } from '../access/policy';
import type { AccessProvider, DeliveryPart, GrantContext, ProviderGrantResult } from '../access/ports';
import type { GcpBinding, GcpIamPolicies, GcpIamPolicy } from './gcp-iam-policies';

type GcpSettings = NonNullable<Role['gcp']>;

/** The title of the binding jitbot writes for a request; the only bindings jitbot ever changes carry one. */
export function bindingTitle(requestId: string): string {
  return `jit-${requestId}`;
}

/** The IAM condition that ends the binding at the expiry, enforced by Google even when jitbot is down. */
export function expiryCondition(expiresAt: Date): string {
  return `request.time < timestamp("${expiresAt.toISOString()}")`;
}

/**
 * Google Cloud access as a conditional IAM binding on a project, folder or organization:
 * the role for the requester, only while `request.time` is before the expiry. Ending early
 * (or tidying up after the expiry) removes jitbot's binding; nothing else in the policy
 * is touched.
 */
export class GcpIamProvider implements AccessProvider {
  readonly name = 'gcp';
  readonly label = 'Google Cloud IAM';

  constructor(private readonly policies: GcpIamPolicies) {}

  async grant(ctx: GrantContext): Promise<ProviderGrantResult> {
    const gcp = settingsOf(ctx.role);
    const title = bindingTitle(ctx.request.id);
    const binding: GcpBinding = {
      role: gcp.role,
      members: [memberOf(ctx.request, ctx.requesterProfile)],
      condition: {
        title,
        description: `jitbot grant ${ctx.grantId} of ${ctx.role.id}`,
        expression: expiryCondition(ctx.expiresAt),
      },
    };
    await this.policies.update(gcp.resource, (policy) => {
      const mine = bindingsTitled(policy, title);
      if (mine.length === 1 && sameBinding(mine[0]!, binding)) return null; // a retried grant finds its own work
      return withBindings(policy, title, [binding]);
    });
    return { ref: `${gcp.resource}#${title}`, privateDelivery: delivery(gcp) };
  }

  async revoke(grant: Grant, role: Role): Promise<void> {
    const { resource, title } = placeOf(grant, role);
    await this.policies.update(resource, (policy) => (bindingsTitled(policy, title).length > 0 ? withBindings(policy, title, []) : null));
  }

  /** Gone when the resource's policy, read back, holds no binding with the grant's title. */
  async verifyRevoked(grant: Grant, role: Role): Promise<boolean> {
    const { resource, title } = placeOf(grant, role);
    return bindingsTitled(await this.policies.read(resource), title).length === 0;
  }

  /** Moves the condition's timestamp, so Google ends the access at the new expiry. */
  async extend(grant: Grant, role: Role, expiresAt: Date): Promise<void> {
    const { resource, title } = placeOf(grant, role);
    const expression = expiryCondition(expiresAt);
    await this.policies.update(resource, (policy) => {
      const mine = bindingsTitled(policy, title);
      if (mine.length === 0)
        throw new ProviderError(
          `jitbot's binding ${title} is no longer in the IAM policy of ${resource} (it was removed outside jitbot), so there is nothing to extend.`,
          true,
        );
      if (mine.every((b) => b.condition?.expression === expression)) return null;
      return withBindings(
        policy,
        title,
        mine.map((b) => ({ ...b, condition: { ...b.condition!, expression } })),
      );
    });
  }
}

/** The requester as an IAM member: `users.<id>.gcp_member` from the policy file, else `user:<their e-mail>`. */
export function memberOf(request: AccessRequest, profile: Policy['users'][string] | undefined): string {
  if (profile?.gcp_member) return profile.gcp_member;
  if (profile?.email) return `user:${profile.email}`;
  throw new ProviderError(
    `Google Cloud needs the e-mail of your Google account and jitbot knows none for you. Ask an admin to add it under users: ` +
      `\`${request.requesterId}: { email: you@example.com }\` (or gcp_member: user:you@example.com).`,
    true,
  );
}

function settingsOf(role: Role): GcpSettings {
  if (!role.gcp) throw new ProviderError(`Role ${role.id} uses provider gcp but has no gcp.resource / gcp.role in the policy file.`, true);
  return role.gcp;
}

/** Where a grant's binding lives, from the reference stored at grant time (the policy file may have moved the role since). */
function placeOf(grant: Grant, role: Role): { resource: string; title: string } {
  const [resource, title] = (grant.providerRef ?? '').split('#');
  return resource && title ? { resource, title } : { resource: settingsOf(role).resource, title: bindingTitle(grant.requestId) };
}

function bindingsTitled(policy: GcpIamPolicy, title: string): GcpBinding[] {
  return (policy.bindings ?? []).filter((b) => b.condition?.title === title);
}

/** The policy with jitbot's bindings of this title replaced by `mine`; every other binding as it was. */
function withBindings(policy: GcpIamPolicy, title: string, mine: GcpBinding[]): GcpIamPolicy {
  return { ...policy, bindings: [...(policy.bindings ?? []).filter((b) => b.condition?.title !== title), ...mine] };
}

function sameBinding(a: GcpBinding, b: GcpBinding): boolean {
  return a.role === b.role && a.members.join() === b.members.join() && a.condition?.expression === b.condition?.expression;
}

/** The Cloud console's IAM page of the resource. */
function consoleUrl(resource: string): string {
  const [kind, id] = resource.split('/') as [string, string];
  const param = kind === 'projects' ? 'project' : kind === 'folders' ? 'folder' : 'organizationId';
  return `https://console.cloud.google.com/iam-admin/iam?${param}=${encodeURIComponent(id)}`;
}

function delivery(gcp: GcpSettings): DeliveryPart[] {
  return [
    {
      kind: 'text',
      text: `You hold \`${gcp.role}\` on \`${gcp.resource}\`; Google ends it on its own at the expiry. It can take a minute or two to take effect.`,
    },
    { kind: 'link', title: 'Google Cloud console', text: `IAM of ${gcp.resource}`, url: consoleUrl(gcp.resource) },
  ];
}
