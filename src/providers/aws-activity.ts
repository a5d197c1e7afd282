import { CloudTrailClient, LookupEventsCommand, type Event } from '@aws-sdk/client-cloudtrail';
import type { ActivityContext, ActivityEvent, ActivitySource } from '../access/model/activity';
import { awsProviderError } from './aws-errors';
import { accountOf, type AwsAccounts, type AwsKeys } from './aws-accounts';
import { sessionNameFor } from './aws-sts';

export interface CloudTrailConfig {
  /** Regions searched, in order (global services such as IAM and STS log to us-east-1). */
  regions: string[];
  /** AWS_ENDPOINT_URL_CLOUDTRAIL; unset → each region's own endpoint. */
  endpoint?: string;
  credentials?: AwsKeys;
  /** A role in another account is read there, through its manager role. */
  accounts: AwsAccounts;
}

/** LookupEvents answers at most 50 events a page. */
const PAGE_SIZE = 50;

/**
 * A write: CloudTrail's ReadOnly says so when it is set; events without it (some
 * services leave it out) count as writes unless their name only reads.
 */
export function isWriteEvent(event: Pick<Event, 'ReadOnly' | 'EventName'>): boolean {
  if (event.ReadOnly === 'true') return false;
  if (event.ReadOnly === 'false') return true;
  return !/^(Get|List|Describe)/.test(event.EventName ?? '');
}

/**
 * What an AWS grant's session did, from CloudTrail's event history (`LookupEvents`).
 * CloudTrail records an assumed-role session's calls under its session name, which
 * jitbot sets to `jit-<request id>`: unique to the grant, unlike the source identity.
 */
export class CloudTrailActivity implements ActivitySource {
  /** One client per account and region, made when first needed. */
  private readonly clients = new Map<string, CloudTrailClient>();

  constructor(private readonly config: CloudTrailConfig) {}

  /** CloudTrail of the account the grant's role lives in (each account keeps its own event history). */
  private async clientFor(account: string, region: string): Promise<CloudTrailClient> {
    const key = `${account}/${region}`;
    let client = this.clients.get(key);
    if (!client) {
      const credentials = (await this.config.accounts.credentialsFor(account)) ?? this.config.credentials;
      client = new CloudTrailClient({ region, endpoint: this.config.endpoint, credentials });
      this.clients.set(key, client);
    }
    return client;
  }

  label(): string {
    return `AWS CloudTrail (${this.config.regions.join(', ')})`;
  }

  async *events(ctx: ActivityContext): AsyncIterable<ActivityEvent> {
    const sessionName = sessionNameFor(ctx.request.id);
    const account = ctx.role.aws ? accountOf(ctx.role.aws.role_arn) : (await this.config.accounts.bot()).account;
    for (const region of this.config.regions) {
      const client = await this.clientFor(account, region);
      let nextToken: string | undefined;
      do {
        const page = await client
          .send(
            new LookupEventsCommand({
              LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: sessionName }],
              StartTime: ctx.from,
              EndTime: ctx.to,
              MaxResults: PAGE_SIZE,
              NextToken: nextToken,
            }),
          )
          .catch(async (e: unknown) => {
            const fix = await this.config.accounts.deniedFix(account, `cloudtrail:LookupEvents in ${region}`);
            throw awsProviderError(e, `cloudtrail:LookupEvents in ${region} of account ${account}`, {
              denied: `${fix} Or remove the region from activity.aws_regions.`,
            });
          });
        for (const event of page.Events ?? []) yield { name: event.EventName ?? 'unknown', write: isWriteEvent(event) };
        nextToken = page.NextToken;
      } while (nextToken);
    }
  }
}
