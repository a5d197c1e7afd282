import { CloudTrailClient, LookupEventsCommand, type Event } from '@aws-sdk/client-cloudtrail';
import type { ActivityContext, ActivityEvent, ActivitySource } from '../access/model/activity';
import { awsProviderError } from './aws-errors';
import { sessionNameFor } from './aws-sts';

export interface CloudTrailConfig {
  /** Regions searched, in order (global services such as IAM and STS log to us-east-1). */
  regions: string[];
  /** AWS_ENDPOINT_URL_CLOUDTRAIL; unset → each region's own endpoint. */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
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
  private readonly clients: Array<[string, CloudTrailClient]>;

  constructor(private readonly config: CloudTrailConfig) {
    this.clients = config.regions.map((region) => [
      region,
      new CloudTrailClient({ region, endpoint: config.endpoint, credentials: config.credentials }),
    ]);
  }

  label(): string {
    return `AWS CloudTrail (${this.config.regions.join(', ')})`;
  }

  async *events(ctx: ActivityContext): AsyncIterable<ActivityEvent> {
    const sessionName = sessionNameFor(ctx.request.id);
    for (const [region, client] of this.clients) {
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
          .catch((e: unknown) => {
            throw awsProviderError(e, `cloudtrail:LookupEvents in ${region}`, {
              denied:
                "Fix: give the bot's identity cloudtrail:LookupEvents (manifests/aws-bot-policy.json), or remove the region from activity.aws_regions.",
            });
          });
        for (const event of page.Events ?? []) yield { name: event.EventName ?? 'unknown', write: isWriteEvent(event) };
        nextToken = page.NextToken;
      } while (nextToken);
    }
  }
}
