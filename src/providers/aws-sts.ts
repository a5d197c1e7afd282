import { GetRoleCommand, GetRolePolicyCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient, type Credentials } from '@aws-sdk/client-sts';
import { ProviderError } from '../access/model/errors';
import type { ActivitySource } from '../access/model/activity';
import type { Grant } from '../access/model';
import type { Role } from '../access/policy';
import { accountOf, type AwsAccounts } from './aws-accounts';
import type { AccessProvider, DeliveryPart, GrantContext, ProviderGrantResult } from '../access/ports';
import type { Clock } from '../lib/clock';
import { formatDuration } from '../lib/duration';
import { awsProviderError } from './aws-errors';
import { awsConsoleLink } from './aws-console';
import {
  DENY_POLICY_NAME,
  denies,
  emptyDenyPolicy,
  parsePolicyDocument,
  withDeny,
  writeUntilPresent,
  type PolicyDocument,
} from './aws-deny-policy';

/** STS never issues role credentials for less than 15 minutes. */
const STS_MIN_SECONDS = 900;
/** A role assumed with credentials that are themselves a role session ("role chaining") lasts at most 1 hour. */
const ROLE_CHAINING_MAX_SECONDS = 3600;

export interface AwsStsConfig {
  region: string;
  /** AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL_IAM; unset → AWS's own endpoints. */
  stsEndpoint?: string;
  iamEndpoint?: string;
  /** Where console sign-in tokens come from (`https://signin.aws.amazon.com/federation`). */
  federationUrl: string;
  /** Unset → the SDK's default chain (env, profile, container or instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Where the sessions' activity is read afterwards (CloudTrail). */
  activity?: ActivitySource;
  /** How other accounts are reached (their manager roles); shared with CloudTrail. */
  accounts: AwsAccounts;
  clock: Clock;
}

/** What the grant stores (not secret): the session's `aws:userid` and when its credentials die. */
interface AwsRef {
  userId: string;
  until: string;
}

/** The RoleSessionName of a request: stable, so a retried grant and a later revoke agree on it. */
export const sessionNameFor = (requestId: string) => `jit-${requestId}`;

const roleNameOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

function parseRef(ref: string | null): AwsRef | undefined {
  if (!ref) return undefined;
  try {
    const parsed = JSON.parse(ref) as Partial<AwsRef>;
    return parsed.userId && parsed.until ? { userId: parsed.userId, until: parsed.until } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * AWS access as `sts:AssumeRole` sessions. The requester gets the credentials and a
 * console link in their DM only; an early revoke denies that one session through an
 * inline policy on the role, since STS credentials cannot be recalled.
 */
export class AwsStsProvider implements AccessProvider {
  readonly name = 'aws';
  readonly label = 'AWS STS';
  private readonly sts: STSClient;
  private readonly iam: IAMClient;
  /** IAM in other accounts, through their manager roles. */
  private readonly managed = new Map<string, IAMClient>();
  readonly activity?: ActivitySource;

  constructor(private readonly config: AwsStsConfig) {
    this.activity = config.activity;
    this.sts = new STSClient({ region: config.region, endpoint: config.stsEndpoint, credentials: config.credentials });
    this.iam = new IAMClient({ region: config.region, endpoint: config.iamEndpoint, credentials: config.credentials });
  }

  async grant(ctx: GrantContext): Promise<ProviderGrantResult> {
    const arn = this.roleArn(ctx.role);
    const email = ctx.requesterProfile?.email;
    if (!email) {
      throw new ProviderError(
        `AWS needs your email to attribute the session to you in CloudTrail, and neither your chat profile nor the policy file gives one. ` +
          `Ask an admin to add it under users: \`${ctx.request.requesterId}: { email: you@example.com }\`.`,
        true,
      );
    }
    const { maxSeconds } = await this.getRole(arn);
    const { chained } = await this.config.accounts.bot();
    const now = this.config.clock.now();
    // Rounded down so the credentials die no later than the grant (then expiry needs no deny).
    const wanted = Math.floor((ctx.expiresAt.getTime() - now.getTime()) / 1000);
    const ceiling = chained ? Math.min(maxSeconds, ROLE_CHAINING_MAX_SECONDS) : maxSeconds;
    const seconds = Math.max(STS_MIN_SECONDS, Math.min(wanted, ceiling));
    const sessionName = sessionNameFor(ctx.request.id);

    let assumed;
    try {
      assumed = await this.sts.send(
        new AssumeRoleCommand({
          RoleArn: arn,
          RoleSessionName: sessionName,
          SourceIdentity: email,
          DurationSeconds: seconds,
          Tags: [
            { Key: 'jit-request', Value: ctx.request.id },
            { Key: 'jit-requester', Value: email },
          ],
        }),
      );
    } catch (e) {
      throw awsProviderError(e, `sts:AssumeRole on ${arn}`, {
        denied: `Fix: the role's trust policy must let the bot's identity do sts:AssumeRole, sts:SetSourceIdentity and sts:TagSession, and the bot's own policy (manifests/aws/bot-policy.json) must list ${arn}.`,
        malformed: `Fix: check the email of ${ctx.request.requesterId} under users (AWS allows letters, digits and + = , . @ - in a source identity, up to 64 characters).`,
      });
    }
    const creds = assumed.Credentials;
    const userId = assumed.AssumedRoleUser?.AssumedRoleId;
    if (!creds?.AccessKeyId || !creds.SecretAccessKey || !creds.SessionToken || !creds.Expiration || !userId) {
      throw new ProviderError(`AWS answered sts:AssumeRole on ${arn} without credentials; will retry.`, false);
    }
    const link = await awsConsoleLink(this.config.federationUrl, creds, chained ? undefined : seconds);
    const ref: AwsRef = { userId, until: creds.Expiration.toISOString() };
    return { ref: JSON.stringify(ref), privateDelivery: this.delivery(ctx, creds, link, { wanted, seconds, maxSeconds, chained }) };
  }

  /**
   * Ends a session. Credentials that already expired need nothing; live ones (an early
   * revoke, or STS's 15-minute minimum outliving a short grant) get a deny statement.
   */
  async revoke(grant: Grant, role: Role): Promise<void> {
    const arn = this.roleArn(role);
    const now = this.config.clock.now();
    let target = parseRef(grant.providerRef);
    if (!target) {
      // No ref: the grant failed or crashed around AssumeRole. Deny the session name for as long as any session could live.
      const { roleId, maxSeconds } = await this.getRole(arn);
      target = { userId: `${roleId}:${sessionNameFor(grant.requestId)}`, until: new Date(now.getTime() + maxSeconds * 1000).toISOString() };
    }
    const until = new Date(target.until);
    if (until.getTime() <= now.getTime()) return;
    await this.denySession(arn, target.userId, until);
  }

  /** Gone when the credentials have expired, or the role's deny policy names the session now. */
  async verifyRevoked(grant: Grant, role: Role): Promise<boolean> {
    const target = parseRef(grant.providerRef);
    const now = this.config.clock.now();
    if (!target) return false;
    if (new Date(target.until).getTime() <= now.getTime()) return true;
    return denies(await this.readDenyPolicy(this.roleArn(role)), target.userId, now);
  }

  private roleArn(role: Role): string {
    if (!role.aws) throw new ProviderError(`Role ${role.id} uses provider aws but has no aws.role_arn in the policy file.`, true);
    return role.aws.role_arn;
  }

  /**
   * IAM where the role lives: the bot's own account directly, any other through its manager
   * role (`aws.manager_role_name`, or the account's `manager_role_arn` and `external_id`), so
   * a role name is never looked up, or a deny written, in the wrong account.
   */
  private async iamFor(arn: string): Promise<IAMClient> {
    const account = accountOf(arn);
    const credentials = await this.config.accounts.credentialsFor(account);
    if (!credentials) return this.iam;
    let client = this.managed.get(account);
    if (!client) {
      client = new IAMClient({ region: this.config.region, endpoint: this.config.iamEndpoint, credentials });
      this.managed.set(account, client);
    }
    return client;
  }

  private async getRole(arn: string): Promise<{ roleId: string; maxSeconds: number }> {
    try {
      const iam = await this.iamFor(arn);
      const { Role: found } = await iam.send(new GetRoleCommand({ RoleName: roleNameOf(arn) }));
      if (!found?.RoleId) throw new ProviderError(`AWS answered iam:GetRole for ${arn} without a role id; will retry.`, false);
      return { roleId: found.RoleId, maxSeconds: found.MaxSessionDuration ?? ROLE_CHAINING_MAX_SECONDS };
    } catch (e) {
      if (e instanceof ProviderError) throw e;
      throw awsProviderError(e, `iam:GetRole on ${arn}`, {
        denied: await this.config.accounts.deniedFix(accountOf(arn), `iam:GetRole on ${arn}`),
        notFound: `Fix: aws.role_arn in the policy file names a role that does not exist (${arn}).`,
      });
    }
  }

  private async readDenyPolicy(arn: string): Promise<PolicyDocument> {
    const roleName = roleNameOf(arn);
    try {
      const iam = await this.iamFor(arn);
      const out = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: DENY_POLICY_NAME }));
      return out.PolicyDocument ? parsePolicyDocument(out.PolicyDocument) : emptyDenyPolicy();
    } catch (e) {
      if ((e as { name?: string }).name === 'NoSuchEntity' || (e as { name?: string }).name === 'NoSuchEntityException')
        return emptyDenyPolicy();
      throw awsProviderError(e, `iam:GetRolePolicy on ${arn}`, {
        denied: await this.config.accounts.deniedFix(accountOf(arn), `iam:GetRolePolicy on ${arn}`),
      });
    }
  }

  /** Adds the session's deny to the role's policy (another revoke on the same role may write in between). */
  private async denySession(arn: string, userId: string, until: Date): Promise<void> {
    const roleName = roleNameOf(arn);
    await writeUntilPresent(
      {
        read: () => this.readDenyPolicy(arn),
        write: async (doc) => {
          try {
            const iam = await this.iamFor(arn);
            await iam.send(
              new PutRolePolicyCommand({ RoleName: roleName, PolicyName: DENY_POLICY_NAME, PolicyDocument: JSON.stringify(doc) }),
            );
          } catch (e) {
            throw awsProviderError(e, `iam:PutRolePolicy on ${arn}`, {
              denied: await this.config.accounts.deniedFix(accountOf(arn), `iam:PutRolePolicy on ${arn}`),
            });
          }
        },
      },
      { present: (doc, now) => denies(doc, userId, now), next: (doc, now) => withDeny(doc, userId, until, now) },
      () => this.config.clock.now(),
      `revoke session ${userId} on ${arn}`,
    );
  }

  private delivery(
    ctx: GrantContext,
    creds: Credentials,
    link: string,
    d: { wanted: number; seconds: number; maxSeconds: number; chained: boolean },
  ): DeliveryPart[] {
    const expires = creds.Expiration!.toISOString().replace('.000Z', 'Z');
    const parts: DeliveryPart[] = [
      {
        kind: 'link',
        title: 'AWS console',
        text: `Open the console as ${roleNameOf(ctx.role.aws!.role_arn)}`,
        url: link,
        note: 'the link works once, within 15 minutes',
      },
      {
        kind: 'code',
        title: 'CLI',
        code: `export AWS_ACCESS_KEY_ID=${creds.AccessKeyId} AWS_SECRET_ACCESS_KEY=${creds.SecretAccessKey} AWS_SESSION_TOKEN=${creds.SessionToken}`,
      },
      {
        kind: 'text',
        text: `These credentials expire at ${expires}. CloudTrail records what you do under your source identity ${ctx.requesterProfile?.email}. Never paste them in a channel.`,
      },
    ];
    if (d.wanted > d.seconds) {
      const why =
        d.chained && d.seconds === ROLE_CHAINING_MAX_SECONDS && d.maxSeconds > ROLE_CHAINING_MAX_SECONDS
          ? 'jitbot itself runs as an AWS role, and AWS limits a role assumed from another role ("role chaining") to 1 hour; the console session is capped at 1 hour too'
          : `the role's maximum session duration is ${formatDuration(d.maxSeconds * 1000)} (raise MaxSessionDuration on the role to allow more)`;
      parts.push({
        kind: 'note',
        tone: 'warning',
        text: `You asked for ${formatDuration(d.wanted * 1000)} but these credentials last ${formatDuration(d.seconds * 1000)}: ${why}. Ask again when they run out.`,
      });
    } else if (d.wanted < STS_MIN_SECONDS) {
      parts.push({
        kind: 'note',
        tone: 'info',
        text: `AWS issues role credentials for at least 15 minutes; jitbot denies this session when your ${formatDuration(Math.max(d.wanted, 0) * 1000)} end.`,
      });
    }
    return parts;
  }
}
