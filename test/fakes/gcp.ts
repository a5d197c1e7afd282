import { generateKeyPairSync, randomBytes, verify, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express from 'express';
import { FAKE_CLOUD_CERT, FAKE_CLOUD_KEY } from './tls';

/**
 * A local stand-in for Google's OAuth 2.0 token endpoint (the JWT-bearer grant a
 * service-account key signs) and Cloud Resource Manager v3's `getIamPolicy` /
 * `setIamPolicy` on projects, folders and organizations, over https, answering as
 * Google documents: policies carry an etag, and a write with a stale etag is refused with
 * 409 ABORTED; conditional bindings need policy version 3; basic roles take no conditions;
 * unknown users are INVALID_ARGUMENT; a resource the caller cannot see is PERMISSION_DENIED;
 * errors are `{ error: { code, message, status } }`.
 */

export interface FakeBinding {
  role: string;
  members: string[];
  condition?: { title?: string; description?: string; expression: string };
}

interface StoredPolicy {
  version: number;
  etagSeq: number;
  bindings: FakeBinding[];
}

export interface GcpCall {
  method: 'token' | 'getIamPolicy' | 'setIamPolicy';
  resource?: string;
  status: number;
  /** setIamPolicy: the etag the write carried. */
  etag?: string;
  /** getIamPolicy: the version asked for. */
  requestedVersion?: number;
}

type Method = GcpCall['method'];

interface PlannedFailure {
  method: Method;
  status: number;
  reason: string;
  left: number;
}

const API_ROUTE = /^\/v3\/(?<resource>(?:projects|folders|organizations)\/[^/:]+):(?<method>getIamPolicy|setIamPolicy)$/;
const BASIC_ROLES = new Set(['roles/owner', 'roles/editor', 'roles/viewer']);
const MEMBER = /^(user|serviceAccount|group|domain):\S+$|^principal(Set)?:\/\/\S+$/;
const EXPIRY = /^request\.time < timestamp\("(?<at>[^"]+)"\)$/;
const STATUS_CODES: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ABORTED: 409,
  RESOURCE_EXHAUSTED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
};

export class FakeGcp {
  readonly calls: GcpCall[] = [];
  /** Users Google knows (`user:` members); others are refused. */
  readonly users = new Set<string>();
  private readonly policies = new Map<string, StoredPolicy>();
  private readonly serviceAccounts = new Map<string, KeyObject>();
  private readonly tokens = new Set<string>();
  private readonly failures: PlannedFailure[] = [];
  private readonly loseNext = new Set<Method>();
  private interferences = 0;
  /** Every API call answers 503 while set (an outage). */
  outage = false;
  private server?: Server;

  get url(): string {
    return `https://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** A project, folder or organization the bot's service account may manage, with its current bindings. */
  addResource(resource: string, bindings: FakeBinding[] = []): void {
    this.policies.set(resource, { version: 1, etagSeq: 1, bindings: structuredClone(bindings) });
  }

  bindingsOf(resource: string): FakeBinding[] {
    return structuredClone(this.policies.get(resource)?.bindings ?? []);
  }

  /** Whether IAM would let `member` use `role` on `resource` at `at` (its conditions evaluated). */
  hasAccess(resource: string, role: string, member: string, at: Date): boolean {
    return this.bindingsOf(resource).some((b) => {
      if (b.role !== role || !b.members.includes(member)) return false;
      if (!b.condition) return true;
      const until = EXPIRY.exec(b.condition.expression)?.groups?.at;
      return until !== undefined && at.getTime() < new Date(until).getTime();
    });
  }

  /** Writes a service-account key whose `token_uri` is this fake, and registers its public key. */
  writeServiceAccountKey(dir: string, clientEmail = 'jitbot@my-admin.iam.gserviceaccount.com'): string {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.serviceAccounts.set(clientEmail, publicKey);
    const keyId = randomBytes(20).toString('hex');
    const path = join(dir, 'service-account.json');
    writeFileSync(
      path,
      JSON.stringify({
        type: 'service_account',
        project_id: 'my-admin',
        private_key_id: keyId,
        private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
        client_email: clientEmail,
        client_id: '100000000000000000001',
        auth_uri: 'https://accounts.google.com/o/oauth2/auth',
        token_uri: `${this.url}/token`,
      }),
    );
    return path;
  }

  failNext(method: Method, reason: string, count = 1): void {
    this.failures.push({ method, status: STATUS_CODES[reason] ?? 500, reason, left: count });
  }

  /** The next write takes effect but its answer is lost (a 502 from a front end). */
  loseNextAnswer(method: Method): void {
    this.loseNext.add(method);
  }

  /** The next `count` writes each find the policy changed by someone else since it was read (a new binding, a new etag). */
  interfere(count: number): void {
    this.interferences += count;
  }

  callsOf(method: Method): GcpCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  async start(): Promise<void> {
    const app = express();
    app.post('/token', express.urlencoded({ extended: false }), (req, res) => {
      const answer = this.failure('token') ?? this.token(req.body as Record<string, string>);
      this.calls.push({ method: 'token', status: answer.status });
      res.status(answer.status).json(answer.body);
    });
    app.use(express.json());
    app.use((req, res) => {
      const route = API_ROUTE.exec(req.path)?.groups;
      if (req.method !== 'POST' || !route) return void res.status(404).json(googleError('NOT_FOUND', `No route ${req.method} ${req.path}`));
      const method = route.method as Method;
      const resource = route.resource!;
      const body = (req.body ?? {}) as Record<string, unknown>;
      let answer = this.authorised(req.headers.authorization) ?? this.failure(method) ?? this.handle(method, resource, body);
      if (answer.status < 300 && this.loseNext.delete(method)) answer = { status: 502, body: googleError('UNAVAILABLE', 'lost') };
      this.calls.push({
        method,
        resource,
        status: answer.status,
        etag: method === 'setIamPolicy' ? ((body.policy as { etag?: string } | undefined)?.etag ?? undefined) : undefined,
        requestedVersion:
          method === 'getIamPolicy' ? (body.options as { requestedPolicyVersion?: number } | undefined)?.requestedPolicyVersion : undefined,
      });
      res.status(answer.status).json(answer.body);
    });
    this.server = createServer({ key: FAKE_CLOUD_KEY, cert: FAKE_CLOUD_CERT }, app);
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The JWT-bearer grant: the assertion must be signed by a registered key, for the cloud-platform scope, unexpired. */
  private token(form: Record<string, string>): Answer {
    const refuse = (description: string): Answer => ({ status: 400, body: { error: 'invalid_grant', error_description: description } });
    if (form.grant_type !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return refuse('Invalid grant_type');
    const [header, payload, signature] = String(form.assertion ?? '').split('.');
    if (!header || !payload || !signature) return refuse('Invalid JWT');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { iss?: string; scope?: string; exp?: number; aud?: string };
    const key = claims.iss ? this.serviceAccounts.get(claims.iss) : undefined;
    if (!key) return refuse('Invalid JWT Signature.');
    if (!verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url')))
      return refuse('Invalid JWT Signature.');
    if (!claims.exp || claims.exp * 1000 < Date.now()) return refuse('Invalid JWT: Token must be a short-lived token');
    if (!claims.scope?.split(' ').includes('https://www.googleapis.com/auth/cloud-platform')) return refuse('Invalid scope');
    const token = `ya29.fake-${randomBytes(12).toString('hex')}`;
    this.tokens.add(token);
    return { status: 200, body: { access_token: token, expires_in: 3599, token_type: 'Bearer' } };
  }

  private authorised(authorization: string | undefined): Answer | undefined {
    const token = authorization?.replace(/^Bearer /, '');
    if (token && this.tokens.has(token)) return undefined;
    return { status: 401, body: googleError('UNAUTHENTICATED', 'Request had invalid authentication credentials.') };
  }

  private failure(method: Method): Answer | undefined {
    if (this.outage && method !== 'token')
      return { status: 503, body: googleError('UNAVAILABLE', 'The service is currently unavailable.') };
    const planned = this.failures.find((f) => f.method === method && f.left > 0);
    if (!planned) return undefined;
    planned.left--;
    return { status: planned.status, body: googleError(planned.reason, `planned ${planned.reason}`) };
  }

  private handle(method: Method, resource: string, body: Record<string, unknown>): Answer {
    const stored = this.policies.get(resource);
    if (!stored)
      return {
        status: 403,
        body: googleError('PERMISSION_DENIED', `The caller does not have permission (or ${resource} does not exist).`),
      };
    if (method === 'getIamPolicy') {
      const asked = (body.options as { requestedPolicyVersion?: number } | undefined)?.requestedPolicyVersion ?? 1;
      if (stored.bindings.some((b) => b.condition) && asked < 3)
        return { status: 400, body: googleError('INVALID_ARGUMENT', 'The policy has conditional role bindings; request version 3.') };
      return { status: 200, body: this.view(stored) };
    }
    if (this.interferences > 0) {
      this.interferences--;
      stored.bindings.push({ role: 'roles/logging.viewer', members: [`user:other-tool-${stored.etagSeq}@example.com`] });
      stored.etagSeq++;
    }
    const policy = body.policy as { version?: number; etag?: string; bindings?: FakeBinding[] } | undefined;
    if (!policy) return { status: 400, body: googleError('INVALID_ARGUMENT', 'policy is required') };
    if (policy.etag !== undefined && policy.etag !== etagOf(stored))
      return {
        status: 409,
        body: googleError(
          'ABORTED',
          'There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.',
        ),
      };
    const bindings = policy.bindings ?? [];
    // Members already in the policy stay acceptable (Google keeps even deleted users as deleted:user:…).
    const existing = new Set(stored.bindings.flatMap((b) => b.members));
    const problem = bindings.map((b) => this.invalid(b, policy.version ?? 1, existing)).find((p) => p);
    if (problem) return { status: 400, body: googleError('INVALID_ARGUMENT', problem) };
    stored.bindings = structuredClone(bindings);
    stored.version = bindings.some((b) => b.condition) ? 3 : 1;
    stored.etagSeq++;
    return { status: 200, body: this.view(stored) };
  }

  private invalid(b: FakeBinding, version: number, existing: Set<string>): string | undefined {
    if (!/^(roles\/[\w.]+|(projects|organizations)\/[^/]+\/roles\/[\w.]+)$/.test(b.role)) return `Role ${b.role} is not supported.`;
    const bad = b.members.find((m) => !MEMBER.test(m));
    if (bad) return `Invalid member ${bad}.`;
    const unknown = b.members.find((m) => m.startsWith('user:') && !this.users.has(m.slice(5)) && !existing.has(m));
    if (unknown) return `User ${unknown.slice(5)} does not exist.`;
    if (b.condition) {
      if (version < 3) return 'Policies with conditional role bindings must set version 3.';
      if (BASIC_ROLES.has(b.role)) return `Conditions are not supported for basic role ${b.role}.`;
      if (!b.condition.expression?.trim()) return 'Condition expression is empty.';
    }
    return undefined;
  }

  private view(stored: StoredPolicy): object {
    return { version: stored.version, etag: etagOf(stored), bindings: structuredClone(stored.bindings) };
  }
}

interface Answer {
  status: number;
  body: object;
}

function etagOf(stored: StoredPolicy): string {
  return Buffer.from(`etag-${stored.etagSeq}`).toString('base64');
}

function googleError(status: string, message: string): object {
  return { error: { code: STATUS_CODES[status] ?? 500, message, status } };
}
