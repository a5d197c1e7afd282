import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';

/**
 * A local stand-in for AWS STS and IAM (the query API: form-encoded `Action=…`
 * posts, XML answers), CloudTrail's LookupEvents (the JSON protocol: an
 * `X-Amz-Target` header, JSON in and out, paged by NextToken) and the console
 * federation endpoint (`getSigninToken`).
 * The real SDK clients talk to it over HTTP. It keeps just enough state to check
 * what jitbot did: roles, their inline policies, issued sessions and sign-in tokens.
 * Several accounts: IAM answers for the account of the credentials that signed the call
 * (the bot's own keys are in ACCOUNT; a session's keys are in its role's account), as
 * IAM does, so a role name looked up with the wrong account's credentials is not found.
 */
export const ACCOUNT = '111122223333';

/** Roles of the bot's own account are keyed by name (as the single-account tests name them), others `account:name`. */
const roleKey = (account: string, name: string) => (account === ACCOUNT ? name : `${account}:${name}`);

export interface FakeRole {
  account: string;
  name: string;
  roleId: string;
  maxSessionDuration: number;
  policies: Map<string, string>;
  /** Principals refused sts:AssumeRole (trust policy misconfigured). */
  denyAssume?: boolean;
  /** The sts:ExternalId its trust policy requires. */
  externalId?: string;
}

export interface FakeSession {
  account: string;
  roleName: string;
  sessionName: string;
  sourceIdentity: string;
  tags: Record<string, string>;
  durationSeconds: number;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

export interface AwsCall {
  action: string;
  params: Record<string, string>;
  status: number;
  /** The account whose credentials signed the call. */
  account?: string;
}

/** An event in the fake CloudTrail's history. */
export interface FakeTrailEvent {
  /** The Username LookupEvents matches: an assumed role's session name. */
  username: string;
  name: string;
  time: Date;
  /** CloudTrail's ReadOnly ("true" / "false"); absent on some events. */
  readOnly?: 'true' | 'false';
  /** Each region keeps its own history (default us-east-1). */
  region?: string;
  /** And each account (default the bot's own). */
  account?: string;
}

/** `X-Amz-Target: CloudTrail_20131101.LookupEvents` (the SDK's form; the model's full name is accepted too). */
const CLOUDTRAIL_TARGET = /^(?:com\.amazonaws\.cloudtrail\.v20131101\.)?CloudTrail_20131101\.(\w+)$/;

interface PlannedFailure {
  action: string;
  status: number;
  code: string;
  left: number;
}

const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const STS_ACTIONS = new Set(['AssumeRole', 'GetCallerIdentity']);

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const token = (n: number) => randomBytes(n).toString('base64url');

export class FakeAws {
  readonly roles = new Map<string, FakeRole>();
  readonly sessions: FakeSession[] = [];
  readonly calls: AwsCall[] = [];
  readonly signinTokens = new Map<string, FakeSession>();
  readonly trail: FakeTrailEvent[] = [];
  /** What GetCallerIdentity answers: an IAM user by default; an assumed role means role chaining. */
  callerArn = `arn:aws:iam::${ACCOUNT}:user/jitbot`;
  private readonly failures: PlannedFailure[] = [];
  private server?: Server;

  constructor(private readonly now: () => number = Date.now) {}

  addRole(name: string, maxSessionDuration = 3600, extra: Partial<FakeRole> = {}, account = ACCOUNT): string {
    this.roles.set(roleKey(account, name), {
      account,
      name,
      roleId: `AROA${randomBytes(8).toString('hex').toUpperCase()}`,
      maxSessionDuration,
      policies: new Map(),
      ...extra,
    });
    return `arn:aws:iam::${account}:role/${name}`;
  }

  role(name: string, account = ACCOUNT): FakeRole | undefined {
    return this.roles.get(roleKey(account, name));
  }

  /** The next `count` calls of `action` fail with this AWS error code and HTTP status. */
  failNext(action: string, code: string, status: number, count = 1): void {
    this.failures.push({ action, code, status, left: count });
  }

  /** Forgets the planned failures not yet used. */
  clearFailures(): void {
    this.failures.length = 0;
  }

  callsOf(action: string): AwsCall[] {
    return this.calls.filter((c) => c.action === action);
  }

  /** The inline deny policy jitbot keeps on a role, parsed. */
  denyPolicy(
    roleName: string,
    account = ACCOUNT,
  ):
    | {
        Statement: Array<{
          Sid: string;
          Condition: { StringEquals: { 'aws:userid': string }; DateLessThan: { 'aws:CurrentTime': string } };
        }>;
      }
    | undefined {
    const doc = this.role(roleName, account)?.policies.get('jitbot-revoked-sessions');
    return doc ? JSON.parse(doc) : undefined;
  }

  async start(): Promise<void> {
    const app = express();
    app.use(express.urlencoded({ extended: false, limit: '1mb' }));
    app.get('/federation', (req, res) => this.federation(req.query as Record<string, string>, res));
    app.post(/.*/, express.json({ type: 'application/x-amz-json-1.1' }), (req, res, next) => {
      const action = CLOUDTRAIL_TARGET.exec(String(req.headers['x-amz-target'] ?? ''))?.[1];
      if (!action) return next();
      const params = (req.body ?? {}) as Record<string, unknown>;
      // The region is in the signature's credential scope: Credential=<key>/<date>/<region>/cloudtrail/aws4_request.
      const region = /Credential=[^/]+\/\d+\/([^/]+)\//.exec(req.headers.authorization ?? '')?.[1];
      const account = this.callerAccount(req.headers.authorization ?? '');
      const answer = region
        ? this.cloudTrail(action, params, region, account)
        : { status: 403, body: { __type: 'MissingAuthenticationTokenException', message: 'Request is missing Authentication Token' } };
      this.calls.push({ action, params: { region: region ?? '', json: JSON.stringify(params) }, status: answer.status, account });
      res.status(answer.status).type('application/x-amz-json-1.1').send(JSON.stringify(answer.body));
    });
    app.post(/.*/, (req, res) => {
      const params = (req.body ?? {}) as Record<string, string>;
      const action = params.Action ?? '';
      const authorization = req.headers.authorization ?? '';
      const caller = this.callerAccount(authorization);
      const answer = this.handle(action, params, authorization.startsWith('AWS4-HMAC-SHA256'), caller);
      this.calls.push({ action, params, status: answer.status, account: caller });
      res.status(answer.status).type('text/xml').send(answer.body);
    });
    await new Promise<void>((resolve) => (this.server = app.listen(0, '127.0.0.1', () => resolve())));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The account of the keys that signed a call: a session's role's account, else the bot's own. */
  private callerAccount(authorization: string): string {
    const key = /Credential=([^/]+)\//.exec(authorization)?.[1];
    return this.sessions.find((s) => s.accessKeyId === key)?.account ?? ACCOUNT;
  }

  private handle(action: string, p: Record<string, string>, signed: boolean, caller: string): { status: number; body: string } {
    const ns = STS_ACTIONS.has(action) ? STS_NS : IAM_NS;
    const error = (status: number, code: string, message: string) => ({
      status,
      body: `<ErrorResponse xmlns="${ns}"><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${code}</Code><Message>${esc(message)}</Message></Error><RequestId>${token(8)}</RequestId></ErrorResponse>`,
    });
    const ok = (result: string) => ({
      status: 200,
      body: `<${action}Response xmlns="${ns}">${result ? `<${action}Result>${result}</${action}Result>` : ''}<ResponseMetadata><RequestId>${token(8)}</RequestId></ResponseMetadata></${action}Response>`,
    });

    if (!signed) return error(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
    const expectedVersion = STS_ACTIONS.has(action) ? '2011-06-15' : '2010-05-08';
    if (p.Version !== expectedVersion) return error(400, 'InvalidAction', `${action} sent with Version ${p.Version} (wrong endpoint?)`);
    const planned = this.failures.find((f) => f.action === action && f.left > 0);
    if (planned) {
      planned.left--;
      return error(planned.status, planned.code, `planned ${planned.code}`);
    }
    // AssumeRole names its role by ARN (any account); IAM calls by name, in the caller's account.
    const role = p.RoleArn
      ? this.role(p.RoleArn.split('/').pop() ?? '', p.RoleArn.split(':')[4] ?? '')
      : this.role(p.RoleName ?? '', caller);

    switch (action) {
      case 'GetCallerIdentity':
        return ok(`<Arn>${this.callerArn}</Arn><UserId>AIDAJITBOT</UserId><Account>${ACCOUNT}</Account>`);
      case 'AssumeRole': {
        if (!role || role.denyAssume || (role.externalId !== undefined && p.ExternalId !== role.externalId))
          return error(
            403,
            'AccessDenied',
            `User: ${this.callerArn} is not authorized to perform: sts:AssumeRole on resource: ${p.RoleArn}`,
          );
        const duration = Number(p.DurationSeconds ?? 3600);
        const chained = this.callerArn.includes(':assumed-role/');
        if (chained && duration > 3600)
          return error(
            400,
            'ValidationError',
            'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
          );
        if (duration < 900 || duration > role.maxSessionDuration)
          return error(400, 'ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
        // SourceIdentity is optional (jitbot sets it on people's sessions, not on its manager role's).
        if (
          !/^[\w+=,.@-]{2,64}$/.test(p.RoleSessionName ?? '') ||
          (p.SourceIdentity !== undefined && !/^[\w+=,.@-]{2,64}$/.test(p.SourceIdentity))
        )
          return error(400, 'ValidationError', 'bad RoleSessionName or SourceIdentity');
        const tags: Record<string, string> = {};
        for (let i = 1; p[`Tags.member.${i}.Key`]; i++) tags[p[`Tags.member.${i}.Key`]!] = p[`Tags.member.${i}.Value`] ?? '';
        const session: FakeSession = {
          account: role.account,
          roleName: role.name,
          sessionName: p.RoleSessionName!,
          sourceIdentity: p.SourceIdentity ?? '',
          tags,
          durationSeconds: duration,
          accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
          secretAccessKey: token(30),
          sessionToken: token(300),
          expiration: new Date(Math.floor(this.now() / 1000) * 1000 + duration * 1000),
        };
        this.sessions.push(session);
        return ok(
          `${session.sourceIdentity ? `<SourceIdentity>${esc(session.sourceIdentity)}</SourceIdentity>` : ''}<AssumedRoleUser><Arn>arn:aws:sts::${role.account}:assumed-role/${role.name}/${session.sessionName}</Arn>` +
            `<AssumedRoleId>${role.roleId}:${session.sessionName}</AssumedRoleId></AssumedRoleUser><Credentials><AccessKeyId>${session.accessKeyId}</AccessKeyId>` +
            `<SecretAccessKey>${session.secretAccessKey}</SecretAccessKey><SessionToken>${session.sessionToken}</SessionToken><Expiration>${session.expiration.toISOString()}</Expiration></Credentials><PackedPolicySize>9</PackedPolicySize>`,
        );
      }
      case 'GetRole':
        if (!role) return error(404, 'NoSuchEntity', `The role with name ${p.RoleName} cannot be found.`);
        return ok(
          `<Role><Path>/</Path><RoleName>${role.name}</RoleName><RoleId>${role.roleId}</RoleId><Arn>arn:aws:iam::${role.account}:role/${role.name}</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate><MaxSessionDuration>${role.maxSessionDuration}</MaxSessionDuration></Role>`,
        );
      case 'GetRolePolicy': {
        const doc = role?.policies.get(p.PolicyName ?? '');
        if (!role || doc === undefined) return error(404, 'NoSuchEntity', `The role policy with name ${p.PolicyName} cannot be found.`);
        return ok(
          `<RoleName>${role.name}</RoleName><PolicyName>${esc(p.PolicyName!)}</PolicyName><PolicyDocument>${esc(encodeURIComponent(doc))}</PolicyDocument>`,
        );
      }
      case 'PutRolePolicy': {
        if (!role) return error(404, 'NoSuchEntity', `The role with name ${p.RoleName} cannot be found.`);
        try {
          JSON.parse(p.PolicyDocument ?? '');
        } catch {
          return error(400, 'MalformedPolicyDocument', 'Syntax errors in policy.');
        }
        const others = [...role.policies]
          .filter(([name]) => name !== p.PolicyName)
          .reduce((n, [, d]) => n + d.replace(/\s/g, '').length, 0);
        if (others + p.PolicyDocument!.replace(/\s/g, '').length > 10_240)
          return error(409, 'LimitExceeded', 'Maximum policy size of 10240 bytes exceeded for role');
        role.policies.set(p.PolicyName!, p.PolicyDocument!);
        return ok('');
      }
      default:
        return error(400, 'InvalidAction', `Could not find operation ${action}`);
    }
  }

  /** LookupEvents as CloudTrail answers it: one lookup attribute, epoch-second times, at most 50 a page. */
  private cloudTrail(action: string, p: Record<string, unknown>, region: string, account: string): { status: number; body: unknown } {
    const error = (status: number, code: string, message: string) => ({ status, body: { __type: code, message } });
    const planned = this.failures.find((f) => f.action === action && f.left > 0);
    if (planned) {
      planned.left--;
      return error(planned.status, planned.code, `planned ${planned.code}`);
    }
    if (action !== 'LookupEvents') return error(400, 'UnknownOperationException', `unknown operation ${action}`);
    const attributes = (p.LookupAttributes ?? []) as Array<{ AttributeKey: string; AttributeValue: string }>;
    if (attributes.length > 1) return error(400, 'InvalidLookupAttributesException', 'You cannot specify more than one lookup attribute.');
    const max = Number(p.MaxResults ?? 50);
    if (max < 1 || max > 50) return error(400, 'InvalidMaxResultsException', 'MaxResults must be between 1 and 50.');
    const [attribute] = attributes;
    const from = Number(p.StartTime ?? 0) * 1000;
    const to = Number(p.EndTime ?? Infinity) * 1000;
    const matching = this.trail
      .filter((e) => (e.region ?? 'us-east-1') === region && (e.account ?? ACCOUNT) === account)
      .filter(
        (e) =>
          (!attribute || (attribute.AttributeKey === 'Username' && e.username === attribute.AttributeValue)) &&
          e.time.getTime() >= from &&
          e.time.getTime() <= to,
      )
      .sort((a, b) => b.time.getTime() - a.time.getTime());
    const start = p.NextToken ? Number(Buffer.from(String(p.NextToken), 'base64url').toString()) : 0;
    const page = matching.slice(start, start + max);
    const more = start + max < matching.length;
    return {
      status: 200,
      body: {
        Events: page.map((e) => ({
          EventId: token(8),
          EventName: e.name,
          ReadOnly: e.readOnly,
          EventTime: e.time.getTime() / 1000,
          EventSource: 'fake.amazonaws.com',
          Username: e.username,
        })),
        ...(more ? { NextToken: Buffer.from(String(start + max)).toString('base64url') } : {}),
      },
    };
  }

  private federation(q: Record<string, string>, res: express.Response): void {
    if (q.Action !== 'getSigninToken') return void res.status(400).send('only getSigninToken');
    const session = JSON.parse(q.Session ?? '{}') as { sessionId?: string; sessionKey?: string; sessionToken?: string };
    const found = this.sessions.find(
      (s) => s.accessKeyId === session.sessionId && s.secretAccessKey === session.sessionKey && s.sessionToken === session.sessionToken,
    );
    if (!found) return void res.status(400).send('invalid session');
    // As AWS documents: SessionDuration must be left out for role-chained credentials.
    if (q.SessionDuration && this.callerArn.includes(':assumed-role/')) return void res.status(400).send('SessionDuration not allowed');
    const signin = token(200);
    this.signinTokens.set(signin, found);
    res.json({ SigninToken: signin });
  }
}
