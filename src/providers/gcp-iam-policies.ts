import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { GoogleAuth, JWT, type AuthClient } from 'google-auth-library';
import { z } from 'zod';
import { ProviderError } from '../access/model/errors';
import { gcpProviderError, isConcurrentChange } from './gcp-errors';

/** An IAM policy as Cloud Resource Manager v3 reads and writes it (version 3: bindings may carry conditions). */
export interface GcpIamPolicy {
  version?: number;
  etag?: string;
  bindings?: GcpBinding[];
  auditConfigs?: unknown[];
}

export interface GcpBinding {
  role: string;
  members: string[];
  condition?: { title?: string; description?: string; expression: string };
}

export interface GcpClientConfig {
  /** JIT_GCP_ENDPOINT: the Cloud Resource Manager API's base URL. */
  endpoint: string;
  /** GOOGLE_APPLICATION_CREDENTIALS; unset → Application Default Credentials (workload identity, metadata server, gcloud). */
  keyFile?: string;
  /** Tests: trust the fake's certificate. */
  tlsCa?: string;
}

/** The one token URL google-auth-library signs service-account assertions for and posts them to. */
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
const SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
/** Concurrent writers (another tool, a person in the console) each cost one re-read; past this the job retries later. */
const CONCURRENT_CHANGE_ATTEMPTS = 5;
/** 429 and 5xx are retried at once a few times (gaxios' backoff: 0.1 s, 0.6 s, 1.6 s) before the job's own retry. */
const RETRY = {
  retry: 3,
  httpMethodsToRetry: ['POST'],
  statusCodesToRetry: [
    [429, 429],
    [500, 599],
  ],
};

/**
 * Reads and writes resource IAM policies (`projects/…`, `folders/…`, `organizations/…`)
 * through the Cloud Resource Manager v3 REST API, authenticated by google-auth-library.
 */
export class GcpIamPolicies {
  private client?: Promise<AuthClient>;
  private readonly key?: ServiceAccountKey;

  constructor(private readonly config: GcpClientConfig) {
    this.key = config.keyFile ? readCredentialsFile(config.keyFile) : undefined;
  }

  async read(resource: string): Promise<GcpIamPolicy> {
    return this.call(resource, 'getIamPolicy', { options: { requestedPolicyVersion: 3 } });
  }

  /**
   * Read-modify-write: `change` gets the current policy and returns the one to write, or
   * null when there is nothing to change. The write carries the etag it read, so a
   * concurrent change answers 409 ABORTED and the whole cycle runs again on the new policy.
   */
  async update(resource: string, change: (policy: GcpIamPolicy) => GcpIamPolicy | null): Promise<GcpIamPolicy> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.read(resource);
      const next = change(current);
      if (!next) return current;
      try {
        return await this.call(resource, 'setIamPolicy', { policy: { ...next, version: 3, etag: current.etag } });
      } catch (e) {
        if (!(e instanceof ConcurrentChange)) throw e;
        if (attempt >= CONCURRENT_CHANGE_ATTEMPTS)
          throw new ProviderError(
            `The IAM policy of ${resource} changed under jitbot ${attempt} times in a row (409 ABORTED); will retry.`,
            false,
          );
      }
    }
  }

  private async call(resource: string, method: 'getIamPolicy' | 'setIamPolicy', data: object): Promise<GcpIamPolicy> {
    const what = method === 'getIamPolicy' ? `reading the IAM policy of ${resource}` : `writing the IAM policy of ${resource}`;
    let client: AuthClient;
    try {
      client = await this.authClient();
    } catch (e) {
      throw gcpProviderError(e, `finding credentials for ${what}`);
    }
    try {
      const url = `${this.config.endpoint.replace(/\/+$/, '')}/v3/${resource}:${method}`;
      const res = await client.request<GcpIamPolicy>({ url, method: 'POST', data, retryConfig: RETRY });
      return res.data;
    } catch (e) {
      if (method === 'setIamPolicy' && isConcurrentChange(e)) throw new ConcurrentChange();
      throw gcpProviderError(e, what);
    }
  }

  private authClient(): Promise<AuthClient> {
    this.client ??= this.makeClient().catch((e: unknown) => {
      this.client = undefined;
      throw e;
    });
    return this.client;
  }

  private async makeClient(): Promise<AuthClient> {
    const transporterOptions = this.config.tlsCa ? { agent: new Agent({ ca: this.config.tlsCa }) } : undefined;
    const key = this.key;
    if (!key) {
      // Workload identity: the metadata server, or the federation file GOOGLE_APPLICATION_CREDENTIALS names.
      return new GoogleAuth({ scopes: [SCOPE], clientOptions: { transporterOptions } }).getClient();
    }
    const client = new JWT({
      email: key.client_email,
      key: key.private_key,
      keyId: key.private_key_id,
      scopes: [SCOPE],
      transporterOptions,
    });
    const tokenUri = key.token_uri;
    if (tokenUri && tokenUri !== GOOGLE_TOKEN_URL) {
      // The library posts service-account assertions to Google's fixed token URL; the key file
      // names where its tokens come from (`token_uri`), as gcloud and Google's Python library honour.
      client.transporter.interceptors.request.add({
        resolved: async (options) => (String(options.url) === GOOGLE_TOKEN_URL ? { ...options, url: new URL(tokenUri) } : options),
      });
    }
    return client;
  }
}

class ConcurrentChange extends Error {}

const ServiceAccountKey = z.object({
  type: z.literal('service_account'),
  client_email: z.string().min(1),
  private_key: z.string().includes('PRIVATE KEY', { message: 'must hold the PEM private key' }),
  private_key_id: z.string().optional(),
  token_uri: z.url().optional(),
});
type ServiceAccountKey = z.output<typeof ServiceAccountKey>;

/**
 * The credentials file, read once at start so a bad path or file stops start-up with its
 * name: a service-account key, or undefined for any other `type` (a workload identity
 * federation file, which Application Default Credentials reads itself).
 */
function readCredentialsFile(keyFile: string): ServiceAccountKey | undefined {
  const where = `GOOGLE_APPLICATION_CREDENTIALS=${keyFile}`;
  let text: string;
  try {
    text = readFileSync(keyFile, 'utf8');
  } catch (e) {
    throw new Error(`${where}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)}).`, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${where}: not a JSON credentials file (a service-account key or a workload identity federation file).`, { cause: e });
  }
  const type = (json as { type?: unknown } | null)?.type;
  if (typeof type !== 'string') throw new Error(`${where}: has no "type"; is it a service-account key file?`);
  if (type !== 'service_account') return undefined;
  const key = ServiceAccountKey.safeParse(json);
  if (!key.success)
    throw new Error(
      `${where}: not a usable service-account key (${key.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}).`,
    );
  return key.data;
}
