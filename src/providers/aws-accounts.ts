import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { Policy } from '../access/policy';
import { awsProviderError } from './aws-errors';

type CredentialProvider = () => ReturnType<ReturnType<typeof fromTemporaryCredentials>>;

/** Manager credentials are assumed again this long before they expire. */
const REFRESH_BEFORE_MS = 5 * 60_000;

/**
 * One set of credentials for every client of an account (IAM, CloudTrail in each region),
 * assumed again shortly before it expires or after a failed attempt.
 */
export function sharedUntilExpiry(assume: CredentialProvider): CredentialProvider {
  let current: ReturnType<CredentialProvider> | undefined;
  return async () => {
    const held = current && (await current.catch(() => undefined));
    if (held && !(held.expiration && held.expiration.getTime() - Date.now() < REFRESH_BEFORE_MS)) return held;
    current = assume().catch((e: unknown) => {
      current = undefined;
      throw e;
    });
    return current;
  };
}

/** Static keys (tests, or an access key in the environment); unset: the SDK's default chain. */
export type AwsKeys = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

/** Who the bot is in AWS: its account, and whether it runs as a role session (role chaining). */
export interface BotIdentity {
  account: string;
  chained: boolean;
}

/** The account of an IAM role ARN (`arn:aws:iam::<account>:role/…`). */
export const accountOf = (arn: string) => arn.split(':')[4] ?? '';

export interface AwsAccountsConfig {
  region: string;
  stsEndpoint?: string;
  credentials?: AwsKeys;
  /** The policy's `aws` settings for other accounts. */
  settings: Pick<Policy['aws'], 'manager_role_name' | 'accounts'>;
}

/**
 * How the bot reaches an AWS account: its own with its own credentials, any other through
 * the manager role there (`aws.manager_role_name`, or the account's `manager_role_arn` and
 * `external_id`). The manager credentials come from `fromTemporaryCredentials`, one set per
 * account shared by its clients until shortly before they expire.
 */
export class AwsAccounts {
  private identity?: Promise<BotIdentity>;
  private readonly managers = new Map<string, CredentialProvider>();
  private readonly sts: STSClient;

  constructor(private readonly config: AwsAccountsConfig) {
    this.sts = new STSClient({ region: config.region, endpoint: config.stsEndpoint, credentials: config.credentials });
  }

  /** The bot's account and whether it is a role session (asked once; asked again after a failure). */
  bot(): Promise<BotIdentity> {
    this.identity ??= this.sts.send(new GetCallerIdentityCommand({})).then(
      (me) => ({ account: me.Account ?? '', chained: /:assumed-role\//.test(me.Arn ?? '') }),
      (e) => {
        this.identity = undefined;
        throw awsProviderError(e, 'sts:GetCallerIdentity', { denied: "Fix: the bot's AWS credentials are invalid or expired." });
      },
    );
    return this.identity;
  }

  /** Credentials for `account`: undefined for the bot's own (its own credentials apply), else the manager role's. */
  async credentialsFor(account: string): Promise<CredentialProvider | undefined> {
    if (account === (await this.bot()).account) return undefined;
    let provider = this.managers.get(account);
    if (!provider) {
      const { region, stsEndpoint, credentials } = this.config;
      const manager = this.managerOf(account);
      const assume = fromTemporaryCredentials({
        params: { RoleArn: manager.arn, RoleSessionName: 'jitbot', ExternalId: manager.externalId, DurationSeconds: 3600 },
        masterCredentials: credentials,
        clientConfig: { region, endpoint: stsEndpoint },
      });
      provider = sharedUntilExpiry(() => assume());
      this.managers.set(account, provider);
    }
    return provider;
  }

  managerOf(account: string): { arn: string; externalId?: string } {
    const listed = this.config.settings.accounts[account];
    return {
      arn: listed?.manager_role_arn ?? `arn:aws:iam::${account}:role/${this.config.settings.manager_role_name}`,
      externalId: listed?.external_id,
    };
  }

  /** What to fix when `action` in `account` is denied: the bot's own policy at home, the manager role elsewhere. */
  async deniedFix(account: string, action: string): Promise<string> {
    if (account === (await this.bot()).account) return `Fix: give the bot's identity ${action} (manifests/aws/bot-policy.json).`;
    const manager = this.managerOf(account);
    return (
      `Fix: jitbot reaches account ${account} through the manager role ${manager.arn}: deploy it there (manifests/aws/manager-role.yaml, ` +
      `as a StackSet for every account) trusting the bot${manager.externalId ? ` with the external id under aws.accounts.${account}.external_id` : ''}, ` +
      `or name the right role under aws.accounts.${account}.manager_role_arn.`
    );
  }
}
