import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TokenCredential } from '@azure/identity';
import express from 'express';
import { FAKE_CLOUD_CERT, FAKE_CLOUD_KEY } from './tls';

/**
 * A local stand-in for Azure Resource Manager's role assignment API and the
 * subscription Activity Log (`Microsoft.Insights/eventtypes/management/values`,
 * filtered by eventTimestamp, paged by nextLink), JSON, served
 * over https with a test-only certificate because the SDK sends bearer tokens over
 * https only. It accepts the `//subscriptions/…` paths the SDK builds from scopes
 * that start with `/`.
 */
export const FAKE_ARM_TOKEN = 'fake-arm-token';
export const FAKE_ARM_CA = FAKE_CLOUD_CERT;

/** What DefaultAzureCredential would give: here a fixed token the fake checks. */
export const fakeArmCredential: TokenCredential = {
  getToken: async () => ({ token: FAKE_ARM_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }),
};

export interface FakeAssignment {
  scope: string;
  name: string;
  principalId: string;
  roleDefinitionId: string;
  /** PIM assignments end on their own. */
  endDateTime?: string;
}

/** A record in the fake Activity Log (one subscription's). */
export interface FakeActivityRecord {
  subscriptionId: string;
  /** A user's UPN (as Azure writes it for users). */
  caller: string;
  objectId: string;
  operation: string;
  at: Date;
}

export interface ArmCall {
  method: string;
  path: string;
  status: number;
}

interface PlannedFailure {
  method: string;
  status: number;
  code: string;
  left: number;
  retryAfter?: string;
}

const ACTIVITY_ROUTE = /^\/subscriptions\/(?<subscription>[^/]+)\/providers\/Microsoft\.Insights\/eventtypes\/management\/values$/i;
const WINDOW_FILTER = /eventTimestamp ge '(?<from>[^']+)' and eventTimestamp le '(?<to>[^']+)'/;
const ACTIVITY_PAGE_SIZE = 20;
const ROUTE =
  /^(?<scope>\/.+?)\/providers\/Microsoft\.Authorization\/(?<kind>roleAssignments|roleAssignmentScheduleRequests)\/(?<name>[^/]+)$/i;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ROLE_DEFINITION = /^(\/subscriptions\/[^/]+)?\/providers\/Microsoft\.Authorization\/roleDefinitions\/[0-9a-f-]{36}$/i;

export class FakeArm {
  /** Role assignments by `scope|name`. */
  readonly assignments = new Map<string, FakeAssignment>();
  readonly scheduleRequests = new Map<string, { requestType: string; principalId: string; roleDefinitionId: string }>();
  readonly calls: ArmCall[] = [];
  /** Entra object ids that exist in the tenant. */
  readonly principals = new Set<string>();
  readonly activityLog: FakeActivityRecord[] = [];
  private readonly failures: PlannedFailure[] = [];
  private server?: Server;

  private loseNext = new Set<string>();

  /** The next `method` call takes effect but its answer is lost (a 502 from a gateway), as when a connection drops. */
  loseNextAnswer(method: string): void {
    this.loseNext.add(method);
  }

  failNext(method: string, status: number, code: string, count = 1, retryAfter?: string): void {
    this.failures.push({ method, status, code, left: count, retryAfter });
  }

  callsOf(method: string): ArmCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  assignmentsOf(principalId: string): FakeAssignment[] {
    return [...this.assignments.values()].filter((a) => a.principalId === principalId);
  }

  async start(): Promise<void> {
    const app = express();
    app.use(express.json());
    app.use((req, res) => {
      const path = req.path.replace(/\/{2,}/g, '/');
      const activity = ACTIVITY_ROUTE.exec(path)?.groups;
      let answer =
        activity && req.headers.authorization === `Bearer ${FAKE_ARM_TOKEN}`
          ? this.activityPage(activity.subscription!, req.query as Record<string, string>, path)
          : this.handle(
              req.method,
              path,
              String(req.query['api-version'] ?? ''),
              req.headers.authorization,
              req.body as Record<string, unknown>,
            );
      if (answer.status < 300 && this.loseNext.delete(req.method))
        answer = { status: 502, body: { error: { code: 'BadGateway', message: 'lost' } } };
      this.calls.push({ method: req.method, path, status: answer.status });
      if (answer.retryAfter) res.setHeader('Retry-After', answer.retryAfter);
      if (answer.body === undefined) return void res.status(answer.status).end();
      res.status(answer.status).json(answer.body);
    });
    this.server = createServer({ key: FAKE_CLOUD_KEY, cert: FAKE_CLOUD_CERT }, app);
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
  }

  get url(): string {
    return `https://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private handle(
    method: string,
    path: string,
    apiVersion: string,
    auth: string | undefined,
    body: Record<string, unknown>,
  ): { status: number; body?: unknown; retryAfter?: string } {
    const error = (status: number, code: string, message: string) => ({ status, body: { error: { code, message } } });
    if (auth !== `Bearer ${FAKE_ARM_TOKEN}`) return error(401, 'InvalidAuthenticationToken', 'The access token is invalid.');
    if (!apiVersion) return error(400, 'MissingApiVersionParameter', 'The api-version query parameter is required.');
    const planned = this.failures.find((f) => f.method === method && f.left > 0);
    if (planned) {
      planned.left--;
      return { ...error(planned.status, planned.code, `planned ${planned.code}`), retryAfter: planned.retryAfter };
    }
    const match = ROUTE.exec(path);
    if (!match?.groups) return error(404, 'NotFound', `no route ${method} ${path}`);
    const { scope, kind, name } = match.groups as { scope: string; kind: string; name: string };
    if (!GUID.test(name))
      return error(400, 'InvalidRoleAssignmentId', `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`);
    const key = `${scope}|${name}`;
    const props = (body?.properties ?? {}) as {
      principalId?: string;
      roleDefinitionId?: string;
      requestType?: string;
      scheduleInfo?: { expiration?: { endDateTime?: string } };
    };

    if (kind.toLowerCase() === 'roleassignments') {
      if (method === 'GET') {
        const a = this.assignments.get(key);
        return a ? { status: 200, body: this.resource(a) } : error(404, 'RoleAssignmentNotFound', 'The role assignment does not exist.');
      }
      if (method === 'DELETE') {
        const a = this.assignments.get(key);
        if (!a) return error(404, 'RoleAssignmentNotFound', 'The role assignment does not exist.');
        this.assignments.delete(key);
        return { status: 200, body: this.resource(a) };
      }
      if (method === 'PUT') {
        const invalid = this.validate(props);
        if (invalid) return invalid;
        // Real ARM answers 409 for any existing assignment of the same principal, role and scope, whatever its name.
        const existing = [...this.assignments.values()].find(
          (a) => a.scope === scope && a.principalId === props.principalId && a.roleDefinitionId === props.roleDefinitionId,
        );
        if (existing)
          return error(
            409,
            'RoleAssignmentExists',
            `The role assignment already exists. The ID of the existing role assignment is ${existing.name.replace(/-/g, '')}.`,
          );
        const a = { scope, name, principalId: props.principalId!, roleDefinitionId: props.roleDefinitionId! };
        this.assignments.set(key, a);
        return { status: 201, body: this.resource(a) };
      }
    } else {
      if (method === 'GET') {
        const r = this.scheduleRequests.get(key);
        return r
          ? {
              status: 200,
              body: {
                id: `${scope}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/${name}`,
                name,
                properties: { ...r, status: 'Provisioned' },
              },
            }
          : error(404, 'RoleAssignmentScheduleRequestNotFound', 'not found');
      }
      if (method === 'PUT') {
        const invalid = this.validate(props);
        if (invalid) return invalid;
        if (this.scheduleRequests.has(key))
          return error(409, 'RoleAssignmentRequestExists', 'The role assignment request ID already exists.');
        const standing = [...this.assignments.entries()].find(
          ([, a]) => a.scope === scope && a.principalId === props.principalId && a.roleDefinitionId === props.roleDefinitionId,
        );
        if (props.requestType === 'AdminAssign') {
          if (standing) return error(409, 'RoleAssignmentExists', 'The role assignment already exists.');
          this.assignments.set(key, {
            scope,
            name,
            principalId: props.principalId!,
            roleDefinitionId: props.roleDefinitionId!,
            endDateTime: props.scheduleInfo?.expiration?.endDateTime,
          });
        } else if (props.requestType === 'AdminRemove') {
          if (!standing) return error(400, 'RoleAssignmentDoesNotExist', 'The Role assignment does not exist.');
          this.assignments.delete(standing[0]);
        } else {
          return error(400, 'InvalidRequestType', `unsupported requestType ${props.requestType}`);
        }
        this.scheduleRequests.set(key, {
          requestType: props.requestType,
          principalId: props.principalId!,
          roleDefinitionId: props.roleDefinitionId!,
        });
        return {
          status: 201,
          body: {
            id: `${scope}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/${name}`,
            name,
            properties: { ...props, status: 'Provisioned' },
          },
        };
      }
    }
    return error(405, 'MethodNotAllowed', `${method} not supported`);
  }

  /** The Activity Log refuses a query without a time window; pages carry a nextLink with a skip token. */
  private activityPage(
    subscription: string,
    q: Record<string, string>,
    path: string,
  ): { status: number; body?: unknown; retryAfter?: string } {
    const planned = this.failures.find((f) => f.method === 'GET' && f.left > 0);
    if (planned) {
      planned.left--;
      return { status: planned.status, body: { error: { code: planned.code, message: `planned ${planned.code}` } } };
    }
    const window = WINDOW_FILTER.exec(q.$filter ?? '')?.groups;
    if (!q['api-version'] || !window)
      return {
        status: 400,
        body: { error: { code: 'BadRequest', message: 'api-version and a $filter with eventTimestamp ge/le are required' } },
      };
    const from = new Date(window.from!).getTime();
    const to = new Date(window.to!).getTime();
    const matching = this.activityLog.filter((r) => r.subscriptionId === subscription && r.at.getTime() >= from && r.at.getTime() <= to);
    const skip = Number(q.$skiptoken ?? 0);
    const page = matching.slice(skip, skip + ACTIVITY_PAGE_SIZE);
    const next = new URLSearchParams({
      'api-version': q['api-version'],
      $filter: q.$filter!,
      $skiptoken: String(skip + ACTIVITY_PAGE_SIZE),
    });
    return {
      status: 200,
      body: {
        value: page.map((r) => ({
          caller: r.caller,
          eventTimestamp: r.at.toISOString(),
          operationName: { value: r.operation, localizedValue: r.operation },
          claims: { 'http://schemas.microsoft.com/identity/claims/objectidentifier': r.objectId },
        })),
        ...(skip + ACTIVITY_PAGE_SIZE < matching.length ? { nextLink: `${this.url}${path}?${next}` } : {}),
      },
    };
  }

  private validate(props: { principalId?: string; roleDefinitionId?: string }) {
    if (!props.principalId || !this.principals.has(props.principalId)) {
      return {
        status: 400,
        body: { error: { code: 'PrincipalNotFound', message: `Principal ${props.principalId} does not exist in the directory.` } },
      };
    }
    if (!ROLE_DEFINITION.test(props.roleDefinitionId ?? '')) {
      return {
        status: 400,
        body: { error: { code: 'InvalidRoleDefinitionId', message: `The role definition ID '${props.roleDefinitionId}' is not valid.` } },
      };
    }
    return undefined;
  }

  private resource(a: FakeAssignment) {
    return {
      id: `${a.scope}/providers/Microsoft.Authorization/roleAssignments/${a.name}`,
      name: a.name,
      type: 'Microsoft.Authorization/roleAssignments',
      properties: { scope: a.scope, principalId: a.principalId, roleDefinitionId: a.roleDefinitionId, principalType: 'User' },
    };
  }
}
