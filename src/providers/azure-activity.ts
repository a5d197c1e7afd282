import type { TokenCredential } from '@azure/identity';
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createPipelineFromOptions,
  createPipelineRequest,
  type HttpClient,
  type Pipeline,
} from '@azure/core-rest-pipeline';
import type { ActivityContext, ActivityEvent, ActivitySource } from '../access/model/activity';
import { ProviderError } from '../access/model/errors';
import { armProviderError } from './azure-errors';
import { principalIdOf } from './azure-rbac';

export interface AzureActivityConfig {
  credential: TokenCredential;
  /** AZURE_ARM_ENDPOINT; unset → https://management.azure.com. */
  endpoint?: string;
  /** Tests: trust the fake ARM server's certificate. */
  tlsCa?: string;
}

const DEFAULT_ENDPOINT = 'https://management.azure.com';
const API_VERSION = '2015-04-01';
/** The Entra object id of whoever made the call; `caller` holds the UPN for users, so both are compared. */
const OBJECT_ID_CLAIM = 'http://schemas.microsoft.com/identity/claims/objectidentifier';

/** One Activity Log record, as much of it as is read. */
interface ActivityLogRecord {
  caller?: string;
  claims?: Record<string, string>;
  operationName?: { value?: string };
}

interface ActivityLogPage {
  value?: ActivityLogRecord[];
  nextLink?: string;
}

/** The Activity Log records control-plane calls; a write is any operation that does more than `/read`. */
export function isWriteOperation(operation: string): boolean {
  return !/\/read$/i.test(operation);
}

/**
 * What an Azure grant's principal did, from the subscription's Activity Log
 * (`Microsoft.Insights/eventtypes/management/values`) in the grant's window. The
 * window is filtered by Azure; the principal here, by object id or caller, because
 * `caller` is a user's UPN, which jitbot does not know.
 */
export class AzureActivityLog implements ActivitySource {
  private readonly pipeline: Pipeline;
  private readonly http: HttpClient = createDefaultHttpClient();
  private readonly endpoint: string;

  constructor(config: AzureActivityConfig) {
    this.endpoint = (config.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
    this.pipeline = createPipelineFromOptions({ tlsOptions: config.tlsCa ? { ca: config.tlsCa } : undefined });
    this.pipeline.addPolicy(
      bearerTokenAuthenticationPolicy({
        credential: config.credential,
        scopes: `${config.endpoint ? this.endpoint : DEFAULT_ENDPOINT}/.default`,
      }),
    );
  }

  label(): string {
    return 'Azure Activity Log';
  }

  async *events(ctx: ActivityContext): AsyncIterable<ActivityEvent> {
    const principal = principalIdOf(ctx.request, ctx.requesterProfile).toLowerCase();
    const url = new URL(`${this.endpoint}/subscriptions/${subscriptionOf(ctx)}/providers/Microsoft.Insights/eventtypes/management/values`);
    url.searchParams.set('api-version', API_VERSION);
    url.searchParams.set('$filter', `eventTimestamp ge '${ctx.from.toISOString()}' and eventTimestamp le '${ctx.to.toISOString()}'`);
    url.searchParams.set('$select', 'caller,claims,operationName,eventTimestamp');
    let next: string | undefined = url.toString();
    while (next) {
      const page = await this.get(next);
      for (const record of page.value ?? []) {
        const by = [record.caller, record.claims?.[OBJECT_ID_CLAIM]].map((id) => id?.toLowerCase());
        if (!by.includes(principal)) continue;
        const name = record.operationName?.value ?? 'unknown';
        yield { name, write: isWriteOperation(name) };
      }
      next = page.nextLink;
    }
  }

  private async get(url: string): Promise<ActivityLogPage> {
    const what = 'reading the Azure Activity Log';
    let response;
    try {
      response = await this.pipeline.sendRequest(this.http, createPipelineRequest({ url, method: 'GET' }));
    } catch (e) {
      throw armProviderError(e, what);
    }
    const body = parseBody(response.bodyAsText);
    if (response.status >= 400)
      throw armProviderError({ statusCode: response.status, code: body.error?.code, message: body.error?.message }, what);
    return body;
  }
}

/** A gateway's HTML error page is no JSON: then only the status speaks. */
function parseBody(text: string | null | undefined): ActivityLogPage & { error?: { code?: string; message?: string } } {
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return {};
  }
}

/** The Activity Log is per subscription: the one the role's scope lies in. */
function subscriptionOf(ctx: ActivityContext): string {
  const scope = ctx.role.azure?.scope ?? '';
  const id = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1];
  if (!id)
    throw new ProviderError(
      `Role ${ctx.role.id}'s azure.scope (${scope || 'none'}) names no subscription, and the Activity Log is read per subscription.`,
      true,
    );
  return id;
}
