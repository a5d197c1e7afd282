import { GetUserIdCommand, IdentitystoreClient } from '@aws-sdk/client-identitystore';
import {
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  DeleteInlinePolicyFromPermissionSetCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  DescribePermissionSetCommand,
  DescribePermissionSetProvisioningStatusCommand,
  GetInlinePolicyForPermissionSetCommand,
  ListAccountAssignmentsCommand,
  ProvisionPermissionSetCommand,
  PutInlinePolicyToPermissionSetCommand,
  SSOAdminClient,
  type AccountAssignmentOperationStatus,
  type PermissionSetProvisioningStatus,
} from '@aws-sdk/client-sso-admin';
import { ProviderError } from '../access/model/errors';
import type { Role } from '../access/policy';
import type { AwsKeys } from './aws-accounts';
import { parsePolicyDocument, emptyDenyPolicy, type PolicyDocument } from './aws-deny-policy';
import { awsProviderError } from './aws-errors';

/** A permission set in one account, as a role names it (`aws_sso` in the policy). */
export type SsoTarget = NonNullable<Role['aws_sso']>;

export interface PermissionSetInfo {
  name: string;
  /** How long a session opened with it lives (the permission set's SessionDuration). */
  sessionSeconds: number;
}

export interface IdentityCenterConfig {
  region: string;
  /** AWS_ENDPOINT_URL_SSO_ADMIN / AWS_ENDPOINT_URL_IDENTITYSTORE; unset → AWS's own. */
  ssoAdminEndpoint?: string;
  identityStoreEndpoint?: string;
  credentials?: AwsKeys;
  /** Waits between status reads of an asynchronous operation; past the last, the job retries later. */
  pollDelaysMs?: number[];
}

/** About a minute of status reads: Identity Center usually finishes within seconds. */
const POLL_DELAYS_MS = [250, 500, 1000, 2000, 2000, 4000, 4000, 8000, 8000, 15_000, 15_000];

/** The permission set's session duration when it names none (Identity Center's default). */
const DEFAULT_SESSION_SECONDS = 3600;
/** Identity Center's longest session: assumed for a duration jitbot cannot read, so a deny never ends too early. */
const MAX_SESSION_SECONDS = 12 * 3600;

const BOT_POLICY_FIX =
  "Fix: give the bot's identity the Identity Center permissions of manifests/aws/bot-policy.json (sso:* on the instance and permission set, identitystore:GetUserId); jitbot must run with credentials of the organisation's management account or of Identity Center's delegated administrator.";

/** `PT1H`, `PT12H`, `PT1H30M` → seconds. */
export function isoDurationSeconds(value: string | undefined): number {
  if (!value) return DEFAULT_SESSION_SECONDS;
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(value);
  if (!m || (!m[1] && !m[2] && !m[3])) return MAX_SESSION_SECONDS;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/**
 * IAM Identity Center as jitbot uses it: people in the identity store, account assignments
 * and the permission set's inline policy. Assignments and provisioning are asynchronous in
 * AWS; every change here waits for its status to say SUCCEEDED before it returns, so nothing
 * is reported done before it has landed.
 */
export class IdentityCenter {
  private readonly admin: SSOAdminClient;
  private readonly store: IdentitystoreClient;
  private readonly permissionSets = new Map<string, Promise<PermissionSetInfo>>();

  constructor(private readonly config: IdentityCenterConfig) {
    const { region, credentials } = config;
    this.admin = new SSOAdminClient({ region, endpoint: config.ssoAdminEndpoint, credentials });
    this.store = new IdentitystoreClient({ region, endpoint: config.identityStoreEndpoint, credentials });
  }

  /** The identity store's user with this e-mail (`emails.value`); undefined when there is none. */
  async userIdByEmail(identityStoreId: string, email: string): Promise<string | undefined> {
    try {
      const out = await this.store.send(
        new GetUserIdCommand({
          IdentityStoreId: identityStoreId,
          AlternateIdentifier: { UniqueAttribute: { AttributePath: 'emails.value', AttributeValue: email } },
        }),
      );
      return out.UserId;
    } catch (e) {
      if ((e as { name?: string }).name === 'ResourceNotFoundException') return undefined;
      throw awsProviderError(e, `identitystore:GetUserId in ${identityStoreId}`, { denied: BOT_POLICY_FIX });
    }
  }

  /** Whether the user holds the permission set in the account (any assignment, jitbot's or not). */
  async hasAssignment(t: SsoTarget, userId: string): Promise<boolean> {
    let token: string | undefined;
    do {
      const page = await this.call(`sso:ListAccountAssignments of ${t.permission_set_arn} in ${t.account_id}`, () =>
        this.admin.send(
          new ListAccountAssignmentsCommand({
            InstanceArn: t.instance_arn,
            AccountId: t.account_id,
            PermissionSetArn: t.permission_set_arn,
            NextToken: token,
          }),
        ),
      );
      if (page.AccountAssignments?.some((a) => a.PrincipalType === 'USER' && a.PrincipalId === userId)) return true;
      token = page.NextToken;
    } while (token);
    return false;
  }

  /** Assigns the permission set to the user in the account and waits until AWS says it SUCCEEDED (it also does when it already existed). */
  async createAssignment(t: SsoTarget, userId: string): Promise<void> {
    const what = `sso:CreateAccountAssignment of ${t.permission_set_arn} in ${t.account_id}`;
    const started = await this.call(what, () => this.admin.send(new CreateAccountAssignmentCommand({ ...this.assignment(t, userId) })));
    const status = await this.settle(what, started.AccountAssignmentCreationStatus, (id) =>
      this.admin
        .send(new DescribeAccountAssignmentCreationStatusCommand({ InstanceArn: t.instance_arn, AccountAssignmentCreationRequestId: id }))
        .then((o) => o.AccountAssignmentCreationStatus),
    );
    if (status.Status === 'FAILED')
      throw new ProviderError(
        `AWS could not assign ${t.permission_set_arn} in account ${t.account_id}: ${status.FailureReason ?? 'no reason given'}`,
        true,
      );
  }

  /** Removes the user's assignment and waits until AWS says it SUCCEEDED; one already gone is fine. */
  async deleteAssignment(t: SsoTarget, userId: string): Promise<void> {
    const what = `sso:DeleteAccountAssignment of ${t.permission_set_arn} in ${t.account_id}`;
    let started;
    try {
      started = await this.admin.send(new DeleteAccountAssignmentCommand({ ...this.assignment(t, userId) }));
    } catch (e) {
      if ((e as { name?: string }).name === 'ResourceNotFoundException') return;
      throw awsProviderError(e, what, { denied: BOT_POLICY_FIX });
    }
    const status = await this.settle(what, started.AccountAssignmentDeletionStatus, (id) =>
      this.admin
        .send(new DescribeAccountAssignmentDeletionStatusCommand({ InstanceArn: t.instance_arn, AccountAssignmentDeletionRequestId: id }))
        .then((o) => o.AccountAssignmentDeletionStatus),
    );
    // A failed deletion leaves the access standing (unless the assignment is gone anyway): the revoke is retried and alerted like any other.
    if (status.Status === 'FAILED' && (await this.hasAssignment(t, userId)))
      throw new ProviderError(
        `AWS could not remove the assignment of ${t.permission_set_arn} in ${t.account_id}: ${status.FailureReason ?? 'no reason given'}; will retry.`,
        false,
      );
  }

  /** The permission set's name and session duration (asked once per permission set; again after a failure). */
  permissionSet(t: SsoTarget): Promise<PermissionSetInfo> {
    let info = this.permissionSets.get(t.permission_set_arn);
    if (!info) {
      info = this.call(`sso:DescribePermissionSet ${t.permission_set_arn}`, () =>
        this.admin.send(new DescribePermissionSetCommand({ InstanceArn: t.instance_arn, PermissionSetArn: t.permission_set_arn })),
      ).then(
        (out) => ({
          name: out.PermissionSet?.Name ?? t.permission_set_arn,
          sessionSeconds: isoDurationSeconds(out.PermissionSet?.SessionDuration),
        }),
        (e: unknown) => {
          this.permissionSets.delete(t.permission_set_arn);
          throw e;
        },
      );
      this.permissionSets.set(t.permission_set_arn, info);
    }
    return info;
  }

  async inlinePolicy(t: SsoTarget): Promise<PolicyDocument> {
    const out = await this.call(`sso:GetInlinePolicyForPermissionSet ${t.permission_set_arn}`, () =>
      this.admin.send(new GetInlinePolicyForPermissionSetCommand({ InstanceArn: t.instance_arn, PermissionSetArn: t.permission_set_arn })),
    );
    return out.InlinePolicy ? parsePolicyDocument(out.InlinePolicy) : emptyDenyPolicy();
  }

  /** Writes the permission set's inline policy (an empty one is deleted) and provisions it to the account, waiting until it landed. */
  async writeInlinePolicy(t: SsoTarget, doc: PolicyDocument): Promise<void> {
    const base = { InstanceArn: t.instance_arn, PermissionSetArn: t.permission_set_arn };
    await this.call(`sso:PutInlinePolicyToPermissionSet ${t.permission_set_arn}`, () =>
      doc.Statement.length
        ? this.admin.send(new PutInlinePolicyToPermissionSetCommand({ ...base, InlinePolicy: JSON.stringify(doc) }))
        : this.admin.send(new DeleteInlinePolicyFromPermissionSetCommand(base)),
    );
    const what = `sso:ProvisionPermissionSet ${t.permission_set_arn} to ${t.account_id}`;
    const started = await this.call(what, () =>
      this.admin.send(new ProvisionPermissionSetCommand({ ...base, TargetId: t.account_id, TargetType: 'AWS_ACCOUNT' })),
    );
    const status = await this.settle<PermissionSetProvisioningStatus>(what, started.PermissionSetProvisioningStatus, (id) =>
      this.admin
        .send(new DescribePermissionSetProvisioningStatusCommand({ InstanceArn: t.instance_arn, ProvisionPermissionSetRequestId: id }))
        .then((o) => o.PermissionSetProvisioningStatus),
    );
    if (status.Status === 'FAILED')
      throw new ProviderError(
        `AWS could not provision ${t.permission_set_arn} to ${t.account_id}: ${status.FailureReason ?? 'no reason given'}; will retry.`,
        false,
      );
  }

  private assignment(t: SsoTarget, userId: string) {
    return {
      InstanceArn: t.instance_arn,
      TargetId: t.account_id,
      TargetType: 'AWS_ACCOUNT' as const,
      PermissionSetArn: t.permission_set_arn,
      PrincipalType: 'USER' as const,
      PrincipalId: userId,
    };
  }

  /** Reads an asynchronous operation's status until it is no longer IN_PROGRESS; past the last wait the caller's job retries. */
  private async settle<S extends Pick<AccountAssignmentOperationStatus, 'Status' | 'RequestId' | 'FailureReason'>>(
    what: string,
    started: S | undefined,
    describe: (requestId: string) => Promise<S | undefined>,
  ): Promise<S> {
    const requestId = started?.RequestId;
    if (!started || !requestId) throw new ProviderError(`AWS answered ${what} without a request id; will retry.`, false);
    let status: S = started;
    for (const delay of this.config.pollDelaysMs ?? POLL_DELAYS_MS) {
      if (status.Status !== 'IN_PROGRESS') return status;
      await new Promise((resolve) => setTimeout(resolve, delay));
      status = (await this.call(`the status of ${what}`, () => describe(requestId))) ?? status;
    }
    if (status.Status !== 'IN_PROGRESS') return status;
    throw new ProviderError(`${what} is still in progress at AWS (request ${requestId}); will check again.`, false);
  }

  private async call<T>(what: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (e) {
      if (e instanceof ProviderError) throw e;
      throw awsProviderError(e, what, {
        denied: BOT_POLICY_FIX,
        notFound: 'Fix: check aws_sso.instance_arn, permission_set_arn and account_id of the role in the policy file.',
      });
    }
  }
}
