import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';

/**
 * A local stand-in for IAM Identity Center's admin API (`SWBExternalService.<Op>`) and the
 * identity store (`AWSIdentityStore.<Op>`): the JSON 1.1 protocol, SigV4-signed calls
 * (signing names `sso` and `identitystore`), epoch-second timestamps. It answers as AWS
 * documents: account assignments and permission-set provisioning are asynchronous (IN_PROGRESS
 * for `settleMs` whether anyone asks or not, then SUCCEEDED or FAILED with a reason), a second change of the same assignment or permission set while one runs is a 400
 * ConflictException, and planned faults (throttling, 5xx) answer as AWS's do.
 *
 * A provisioned permission set's inline policy is copied to the account only when its
 * provisioning succeeds, and `sessionAllowed` evaluates that copy, so a test sees what a
 * live session in the account could still do.
 */

export interface FakeUser {
  userId: string;
  email: string;
}

export interface FakePermissionSet {
  arn: string;
  name: string;
  sessionDuration: string;
  /** The inline policy as last written (JSON text, or '' for none). */
  inlinePolicy: string;
  /** The inline policy each account has from its last successful provisioning. */
  provisioned: Map<string, string>;
}

export interface Assignment {
  account: string;
  permissionSetArn: string;
  userId: string;
}

interface Operation {
  kind: 'create' | 'delete' | 'provision';
  requestId: string;
  key: string;
  status: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';
  failureReason?: string;
  assignment?: Assignment;
  provision?: { permissionSetArn: string; account: string };
  createdAt: number;
}

export interface IdentityCenterCall {
  target: string;
  body: Record<string, unknown>;
  status: number;
}

interface PlannedFailure {
  op: string;
  status: number;
  code: string;
  left: number;
}

type Statement = {
  Effect: string;
  Condition?: Record<string, Record<string, string>>;
};

const ADMIN_TARGET = /^SWBExternalService\.(\w+)$/;
const STORE_TARGET = /^AWSIdentityStore\.(\w+)$/;

const assignmentKey = (a: Assignment) => `${a.account}|${a.permissionSetArn}|${a.userId}`;

export class FakeIdentityCenter {
  readonly instanceArn = 'arn:aws:sso:::instance/ssoins-1111222233334444';
  readonly identityStoreId = 'd-1234567890';
  readonly users: FakeUser[] = [];
  readonly permissionSets = new Map<string, FakePermissionSet>();
  readonly assignments = new Map<string, Assignment>();
  readonly calls: IdentityCenterCall[] = [];
  /** How long an operation runs before it settles. */
  settleMs = 60;
  /** While true, operations stay IN_PROGRESS however often they are read (AWS taking its time). */
  holdOperations = false;
  private readonly operations = new Map<string, Operation>();
  private readonly failures: PlannedFailure[] = [];
  private readonly failedAssignments: string[] = [];
  private server?: Server;

  addUser(email: string): string {
    const userId = `9067${randomUUID().slice(4)}`;
    this.users.push({ userId, email });
    return userId;
  }

  addPermissionSet(name: string, sessionDuration = 'PT1H'): string {
    const arn = `arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    this.permissionSets.set(arn, { arn, name, sessionDuration, inlinePolicy: '', provisioned: new Map() });
    return arn;
  }

  /** An assignment made outside jitbot (by an admin, Terraform…): a standing one. */
  assignDirectly(account: string, permissionSetArn: string, userId: string): void {
    const a = { account, permissionSetArn, userId };
    this.assignments.set(assignmentKey(a), a);
  }

  hasAssignment(account: string, permissionSetArn: string, userId: string): boolean {
    return this.assignments.has(assignmentKey({ account, permissionSetArn, userId }));
  }

  /** The next `count` calls of `op` fail with this error (`ThrottlingException` 400, `InternalServerException` 500…). */
  failNext(op: string, code: string, status: number, count = 1): void {
    this.failures.push({ op, code, status, left: count });
  }

  /** The next assignment creation (or deletion) for this user settles as FAILED with `reason`, changing nothing. */
  failNextAssignment(userId: string, reason: string, kind: 'create' | 'delete' = 'create'): void {
    this.failedAssignments.push(`${kind}|${userId}|${reason}`);
  }

  callsOf(op: string): IdentityCenterCall[] {
    return this.calls.filter((c) => c.target.endsWith(`.${op}`));
  }

  /**
   * Whether a session of this user in `account`, issued at `issuedAt`, may act at `at` under
   * what is provisioned there: Deny statements are evaluated with the condition keys AWS sets
   * on a permission-set session (StringEquals and DateLessThan, the operators jitbot uses).
   */
  sessionAllowed(permissionSetArn: string, account: string, userId: string, issuedAt: Date, at: Date): boolean {
    const doc = this.permissionSets.get(permissionSetArn)?.provisioned.get(account);
    if (!doc) return true;
    const context: Record<string, string> = {
      'identitystore:userId': userId,
      'aws:PrincipalAccount': account,
      'aws:TokenIssueTime': issuedAt.toISOString(),
      'aws:CurrentTime': at.toISOString(),
    };
    const statements = (JSON.parse(doc) as { Statement: Statement[] }).Statement;
    return !statements.some((s) => s.Effect === 'Deny' && conditionsHold(s.Condition ?? {}, context));
  }

  async start(): Promise<void> {
    const app = express();
    app.post('/', express.json({ type: 'application/x-amz-json-1.1' }), (req, res) => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = (req.body ?? {}) as Record<string, unknown>;
      const service = /Credential=[^/]+\/\d+\/[^/]+\/([^/]+)\//.exec(req.headers.authorization ?? '')?.[1];
      const admin = ADMIN_TARGET.exec(target)?.[1];
      const store = STORE_TARGET.exec(target)?.[1];
      this.settleDue();
      let answer: { status: number; body: unknown };
      if ((admin && service !== 'sso') || (store && service !== 'identitystore') || (!admin && !store))
        answer = err(400, 'UnknownOperationException', `cannot serve ${target} signed for ${service ?? 'nobody'}`);
      else answer = this.planned(admin ?? store!) ?? (admin ? this.admin(admin, body) : this.identityStore(store!, body));
      this.calls.push({ target, body, status: answer.status });
      res.status(answer.status).type('application/x-amz-json-1.1').send(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => (this.server = app.listen(0, '127.0.0.1', () => resolve())));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private planned(op: string): { status: number; body: unknown } | undefined {
    const f = this.failures.find((x) => x.op === op && x.left > 0);
    if (!f) return undefined;
    f.left--;
    return err(f.status, f.code, `planned ${f.code}`);
  }

  private identityStore(op: string, p: Record<string, unknown>): { status: number; body: unknown } {
    if (op !== 'GetUserId') return err(400, 'UnknownOperationException', `unknown operation ${op}`);
    const unique = (p.AlternateIdentifier as { UniqueAttribute?: { AttributePath?: string; AttributeValue?: string } })?.UniqueAttribute;
    if (p.IdentityStoreId !== this.identityStoreId)
      return err(400, 'ResourceNotFoundException', `identity store ${String(p.IdentityStoreId)} not found`);
    if (unique?.AttributePath !== 'emails.value') return err(400, 'ValidationException', 'only emails.value is unique here');
    const user = this.users.find((u) => u.email === unique.AttributeValue);
    if (!user) return err(400, 'ResourceNotFoundException', 'USER not found', { ResourceType: 'USER' });
    return ok({ IdentityStoreId: this.identityStoreId, UserId: user.userId });
  }

  private admin(op: string, p: Record<string, unknown>): { status: number; body: unknown } {
    if (p.InstanceArn !== this.instanceArn) return err(400, 'ResourceNotFoundException', `instance ${String(p.InstanceArn)} not found`);
    const ps = this.permissionSets.get(String(p.PermissionSetArn ?? ''));
    const needsPs = !/^Describe(AccountAssignment(Creation|Deletion)|PermissionSetProvisioning)Status$/.test(op);
    if (needsPs && !ps) return err(400, 'ResourceNotFoundException', `permission set ${String(p.PermissionSetArn)} not found`);
    switch (op) {
      case 'DescribePermissionSet':
        return ok({
          PermissionSet: { Name: ps!.name, PermissionSetArn: ps!.arn, SessionDuration: ps!.sessionDuration, CreatedDate: 1_700_000_000 },
        });
      case 'ListAccountAssignments': {
        const all = [...this.assignments.values()].filter((a) => a.account === p.AccountId && a.permissionSetArn === ps!.arn);
        // Two a page, so callers must follow NextToken.
        const start = p.NextToken ? Number(p.NextToken) : 0;
        const page = all.slice(start, start + 2);
        return ok({
          AccountAssignments: page.map((a) => ({
            AccountId: a.account,
            PermissionSetArn: a.permissionSetArn,
            PrincipalType: 'USER',
            PrincipalId: a.userId,
          })),
          ...(start + 2 < all.length ? { NextToken: String(start + 2) } : {}),
        });
      }
      case 'CreateAccountAssignment':
      case 'DeleteAccountAssignment': {
        if (p.TargetType !== 'AWS_ACCOUNT' || p.PrincipalType !== 'USER')
          return err(400, 'ValidationException', 'bad target or principal type');
        const a: Assignment = { account: String(p.TargetId), permissionSetArn: ps!.arn, userId: String(p.PrincipalId) };
        const key = assignmentKey(a);
        if (this.running(key)) return err(400, 'ConflictException', 'Another operation on this account assignment is in progress');
        const kind = op === 'CreateAccountAssignment' ? 'create' : 'delete';
        if (kind === 'delete' && !this.assignments.has(key)) return err(400, 'ResourceNotFoundException', 'account assignment not found');
        const operation = this.begin(kind, key, { assignment: a });
        return ok({ [kind === 'create' ? 'AccountAssignmentCreationStatus' : 'AccountAssignmentDeletionStatus']: this.view(operation) });
      }
      case 'DescribeAccountAssignmentCreationStatus':
      case 'DescribeAccountAssignmentDeletionStatus':
      case 'DescribePermissionSetProvisioningStatus': {
        const id = String(
          p.AccountAssignmentCreationRequestId ?? p.AccountAssignmentDeletionRequestId ?? p.ProvisionPermissionSetRequestId,
        );
        const operation = this.operations.get(id);
        if (!operation) return err(400, 'ResourceNotFoundException', `request ${id} not found`);
        const field = {
          DescribeAccountAssignmentCreationStatus: 'AccountAssignmentCreationStatus',
          DescribeAccountAssignmentDeletionStatus: 'AccountAssignmentDeletionStatus',
          DescribePermissionSetProvisioningStatus: 'PermissionSetProvisioningStatus',
        }[op];
        return ok({ [field]: this.view(operation) });
      }
      case 'GetInlinePolicyForPermissionSet':
        return ok({ InlinePolicy: ps!.inlinePolicy });
      case 'PutInlinePolicyToPermissionSet': {
        const text = String(p.InlinePolicy ?? '');
        try {
          JSON.parse(text);
        } catch {
          return err(400, 'ValidationException', 'The policy is not valid JSON');
        }
        if (text.replace(/\s/g, '').length > 10_240) return err(400, 'ValidationException', 'Inline policy exceeds 10240 characters');
        ps!.inlinePolicy = text;
        return ok({});
      }
      case 'DeleteInlinePolicyFromPermissionSet':
        ps!.inlinePolicy = '';
        return ok({});
      case 'ProvisionPermissionSet': {
        if (p.TargetType !== 'AWS_ACCOUNT' || !p.TargetId) return err(400, 'ValidationException', 'TargetId is required for AWS_ACCOUNT');
        const key = `provision|${ps!.arn}|${String(p.TargetId)}`;
        if (this.running(key)) return err(400, 'ConflictException', 'The permission set is being provisioned to this account');
        const operation = this.begin('provision', key, { provision: { permissionSetArn: ps!.arn, account: String(p.TargetId) } });
        return ok({ PermissionSetProvisioningStatus: this.view(operation) });
      }
      default:
        return err(400, 'UnknownOperationException', `unknown operation ${op}`);
    }
  }

  private running(key: string): boolean {
    return [...this.operations.values()].some((o) => o.key === key && o.status === 'IN_PROGRESS');
  }

  private begin(kind: Operation['kind'], key: string, what: Pick<Operation, 'assignment' | 'provision'>): Operation {
    const operation: Operation = { kind, key, requestId: randomUUID(), status: 'IN_PROGRESS', createdAt: Date.now(), ...what };
    this.operations.set(operation.requestId, operation);
    return operation;
  }

  /** Operations whose time has come settle, and only then do what they say. */
  private settleDue(): void {
    if (this.holdOperations) return;
    for (const o of this.operations.values()) if (o.status === 'IN_PROGRESS' && Date.now() - o.createdAt >= this.settleMs) this.settle(o);
  }

  private settle(o: Operation): void {
    const a = o.assignment;
    const planned = a ? this.failedAssignments.findIndex((f) => f.startsWith(`${o.kind}|${a.userId}|`)) : -1;
    if (a && planned >= 0) {
      o.status = 'FAILED';
      o.failureReason = this.failedAssignments.splice(planned, 1)[0]!.slice(`${o.kind}|${a.userId}|`.length);
      return;
    }
    if (o.kind === 'create' && a) this.assignments.set(o.key, a);
    if (o.kind === 'delete' && a) this.assignments.delete(o.key);
    if (o.provision) {
      const ps = this.permissionSets.get(o.provision.permissionSetArn)!;
      ps.provisioned.set(o.provision.account, ps.inlinePolicy);
    }
    o.status = 'SUCCEEDED';
  }

  private view(o: Operation) {
    const a = o.assignment;
    return {
      Status: o.status,
      RequestId: o.requestId,
      ...(o.failureReason ? { FailureReason: o.failureReason } : {}),
      ...(a
        ? {
            TargetId: a.account,
            TargetType: 'AWS_ACCOUNT',
            PermissionSetArn: a.permissionSetArn,
            PrincipalType: 'USER',
            PrincipalId: a.userId,
          }
        : {}),
      ...(o.provision ? { AccountId: o.provision.account, PermissionSetArn: o.provision.permissionSetArn } : {}),
      CreatedDate: o.createdAt / 1000,
    };
  }
}

const ok = (body: unknown) => ({ status: 200, body });
const err = (status: number, code: string, message: string, extra: Record<string, unknown> = {}) => ({
  status,
  body: { __type: code, Message: message, ...extra },
});

/** StringEquals and DateLessThan over a request context; any other operator does not hold. */
function conditionsHold(condition: Record<string, Record<string, string>>, context: Record<string, string>): boolean {
  return Object.entries(condition).every(([operator, pairs]) =>
    Object.entries(pairs).every(([key, value]) => {
      const actual = context[key];
      if (actual === undefined) return false;
      if (operator === 'StringEquals') return actual === value;
      if (operator === 'DateLessThan') return new Date(actual).getTime() < new Date(value).getTime();
      return false;
    }),
  );
}
