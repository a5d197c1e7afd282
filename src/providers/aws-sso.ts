import { ProviderError } from '../access/model/errors';
import type { Grant, GrantStatus } from '../access/model';
import type { Role } from '../access/policy';
import type { AccessProvider, DeliveryPart, GrantContext, GrantLedger, ProviderGrantResult, RevokeOutcome } from '../access/ports';
import type { Clock } from '../lib/clock';
import { withoutSpent, writeUntilPresent } from './aws-deny-policy';
import type { IdentityCenter, SsoTarget } from './aws-identity-center';
import { deniesSessions, withSessionDeny } from './aws-sso-deny';

export interface AwsSsoConfig {
  center: IdentityCenter;
  /** Other grants of the same person and permission set: who else still needs the assignment. */
  ledger: GrantLedger;
  /** The AWS access portal (policy aws.identity_center.portal_url); unset → the identity store's default. */
  portalUrl?: string;
  clock: Clock;
}

/**
 * What a grant stores once jitbot has decided the assignment is its own to make (saved as a
 * checkpoint before CreateAccountAssignment): the identity store user and the target.
 */
interface SsoRef {
  userId: string;
  instanceArn: string;
  identityStoreId: string;
  permissionSetArn: string;
  accountId: string;
}

/** Grants that hold the assignment now; one being revoked does not any more. */
const HOLDING: ReadonlySet<GrantStatus> = new Set(['granting', 'active']);

function parseRef(ref: string | null): SsoRef | undefined {
  if (!ref) return undefined;
  try {
    const r = JSON.parse(ref) as Partial<SsoRef>;
    return r.userId && r.instanceArn && r.identityStoreId && r.permissionSetArn && r.accountId ? (r as SsoRef) : undefined;
  } catch {
    return undefined;
  }
}

const targetOf = (ref: SsoRef): SsoTarget => ({
  instance_arn: ref.instanceArn,
  identity_store_id: ref.identityStoreId,
  permission_set_arn: ref.permissionSetArn,
  account_id: ref.accountId,
});

const sameAssignment = (a: SsoRef, b: SsoRef) =>
  a.userId === b.userId && a.instanceArn === b.instanceArn && a.permissionSetArn === b.permissionSetArn && a.accountId === b.accountId;

/**
 * AWS access through IAM Identity Center: an account assignment of a permission set to the
 * person (found in the identity store by e-mail), made for the grant and removed at its end.
 *
 * jitbot never removes an assignment it did not make: a person who already holds the
 * permission set there (a standing assignment) is refused. Overlapping grants of the same
 * person and permission set share one assignment, and the last of them to end removes it.
 * At the end the person's live sessions are denied too (aws-sso-deny.ts): deleting an
 * assignment leaves sessions opened with it running until they expire.
 */
export class AwsSsoProvider implements AccessProvider {
  readonly name = 'aws-sso';
  readonly label = 'AWS IAM Identity Center';

  constructor(private readonly config: AwsSsoConfig) {}

  async grant(ctx: GrantContext): Promise<ProviderGrantResult> {
    const target = this.target(ctx.role);
    const center = this.config.center;
    let ref = parseRef(ctx.priorRef);
    if (
      ref &&
      (ref.instanceArn !== target.instance_arn || ref.permissionSetArn !== target.permission_set_arn || ref.accountId !== target.account_id)
    )
      // The failed grant's clean-up removes what the earlier attempt may have assigned (its checkpoint names it).
      throw new ProviderError(
        `The aws_sso settings of ${ctx.role.id} changed while this request was being granted; nothing more was assigned. Ask again.`,
        true,
      );
    // A retry after the checkpoint already made the decision below; only the create is repeated.
    if (!ref) {
      const email = ctx.requesterProfile?.email;
      if (!email)
        throw new ProviderError(
          `Identity Center finds people by e-mail, and neither your chat profile nor the policy file gives one. ` +
            `Ask an admin to add it under users: \`${ctx.request.requesterId}: { email: you@example.com }\`.`,
          true,
        );
      const userId = await center.userIdByEmail(target.identity_store_id, email);
      if (!userId)
        throw new ProviderError(
          `Nobody with the e-mail ${email} is in the Identity Center identity store ${target.identity_store_id}, so there is no one to assign ${ctx.role.id} to. ` +
            `Fix: add the person to Identity Center (or sync them from your identity provider), or correct their email under users in the policy file.`,
          true,
        );
      ref = {
        userId,
        instanceArn: target.instance_arn,
        identityStoreId: target.identity_store_id,
        permissionSetArn: target.permission_set_arn,
        accountId: target.account_id,
      };
      if ((await center.hasAssignment(target, userId)) && !(await this.othersOf(ref, ctx.grantId)).length) {
        const { name } = await center.permissionSet(target);
        throw new ProviderError(
          `${email} already holds the permission set ${name} in account ${target.account_id} through an assignment jitbot did not make (a standing assignment). ` +
            'jitbot will not grant it on top: ending the grant would have to remove that standing access, and jitbot never does. ' +
            'Remove the standing assignment if this access should be just-in-time.',
          true,
        );
      }
      await ctx.checkpoint(JSON.stringify(ref));
    }
    await center.createAssignment(target, ref.userId);
    const { name } = await center.permissionSet(target);
    return { ref: JSON.stringify(ref), privateDelivery: this.delivery(target, name) };
  }

  /**
   * Removes the assignment unless another grant of the same person still holds it, then
   * denies the person's live sessions until they have died (the tidy-up removes the deny).
   */
  async revoke(grant: Grant): Promise<RevokeOutcome | void> {
    const ref = parseRef(grant.providerRef);
    // No checkpoint: the grant never got as far as assigning anything.
    if (!ref) return;
    if ((await this.holders(ref, grant.id)).length) return;
    const target = targetOf(ref);
    const center = this.config.center;
    await center.deleteAssignment(target, ref.userId);
    const endedAt = this.config.clock.now();
    const { sessionSeconds } = await center.permissionSet(target);
    const until = new Date(endedAt.getTime() + sessionSeconds * 1000);
    await this.denySessions(ref, endedAt, until);
    // A grant that began while this one was ending found the assignment in place: it keeps its access.
    if ((await this.holders(ref, grant.id)).length) await center.createAssignment(target, ref.userId);
    return { tidyUpAt: until };
  }

  /** Gone when the assignment is (or another grant of the person holds it) and the live sessions are denied or have died. */
  async verifyRevoked(grant: Grant): Promise<boolean> {
    const ref = parseRef(grant.providerRef);
    if (!ref) return true;
    if ((await this.holders(ref, grant.id)).length) return true;
    const target = targetOf(ref);
    if (await this.config.center.hasAssignment(target, ref.userId)) return false;
    const endedAt = grant.revokedAt ?? grant.expiresAt;
    if (!endedAt) return false;
    const now = this.config.clock.now();
    const { sessionSeconds } = await this.config.center.permissionSet(target);
    if (endedAt.getTime() + sessionSeconds * 1000 <= now.getTime()) return true;
    // The deny is written after the assignment is gone, so it covers every session of the grant if it covers its start.
    const started = grant.activatedAt ?? grant.createdAt;
    return deniesSessions(await this.config.center.inlinePolicy(target), ref.userId, ref.accountId, started, now);
  }

  /** Removes denies whose sessions have died from the permission set's inline policy, and provisions it. */
  async tidyUp(grant: Grant): Promise<void> {
    const ref = parseRef(grant.providerRef);
    if (!ref) return;
    const target = targetOf(ref);
    const current = await this.config.center.inlinePolicy(target);
    const pruned = withoutSpent(current, this.config.clock.now());
    if (pruned.Statement.length !== current.Statement.length) await this.config.center.writeInlinePolicy(target, pruned);
  }

  private target(role: Role): SsoTarget {
    if (!role.aws_sso)
      throw new ProviderError(`Role ${role.id} uses provider aws-sso but has no aws_sso settings in the policy file.`, true);
    return role.aws_sso;
  }

  /** Other grants of jitbot's (not over yet) for the same person, permission set and account. */
  private async othersOf(ref: SsoRef, grantId: string): Promise<{ status: GrantStatus }[]> {
    const live = await this.config.ledger.liveGrants(this.name);
    return live.filter((g) => {
      const theirs = g.id !== grantId ? parseRef(g.providerRef) : undefined;
      return theirs !== undefined && sameAssignment(theirs, ref);
    });
  }

  private async holders(ref: SsoRef, grantId: string) {
    return (await this.othersOf(ref, grantId)).filter((g) => HOLDING.has(g.status));
  }

  /** Adds the person's session deny to the permission set (another end on it may write in between). */
  private async denySessions(ref: SsoRef, endedAt: Date, until: Date): Promise<void> {
    const target = targetOf(ref);
    const center = this.config.center;
    await writeUntilPresent(
      { read: () => center.inlinePolicy(target), write: (doc) => center.writeInlinePolicy(target, doc) },
      {
        present: (doc, now) => deniesSessions(doc, ref.userId, ref.accountId, endedAt, now),
        next: (doc, now) => withSessionDeny(doc, ref.userId, ref.accountId, endedAt, until, now),
      },
      () => this.config.clock.now(),
      `deny the live sessions of ${ref.userId} in ${ref.accountId}`,
    );
  }

  /** A link to the AWS access portal's sign-in for this account and permission set: no credentials in chat. */
  private delivery(t: SsoTarget, permissionSet: string): DeliveryPart[] {
    const portal = (this.config.portalUrl ?? `https://${t.identity_store_id}.awsapps.com/start`).replace(/\/+$/, '');
    const url = `${portal}/#/console?account_id=${t.account_id}&role_name=${encodeURIComponent(permissionSet)}`;
    return [
      { kind: 'link', title: 'AWS access portal', text: `Open account ${t.account_id} as ${permissionSet}`, url },
      {
        kind: 'text',
        text: `You sign in with your own Identity Center login; the CLI works too (\`aws sso login\`, then the profile for account ${t.account_id} and ${permissionSet}). When the grant ends, the assignment is removed and sessions you opened are cut off.`,
      },
    ];
  }
}
