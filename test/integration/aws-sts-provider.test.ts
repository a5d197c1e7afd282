import { ProviderError } from '../../src/access/model/errors';
import type { AccessRequest, Grant } from '../../src/access/model';
import type { Role } from '../../src/access/policy';
import type { GrantContext } from '../../src/access/ports';
import { AwsAccounts } from '../../src/providers/aws-accounts';
import { AwsStsProvider } from '../../src/providers/aws-sts';
import { denyStatement } from '../../src/providers/aws-deny-policy';
import { FakeAws } from '../fakes/aws';
import { ManualClock } from '../helpers/clock';

/**
 * The AWS provider with the real SDK clients over HTTP against the local STS/IAM
 * fake. The fake issues credentials on the real clock, so the provider's clock is
 * started at real time and moved by hand from there.
 */
/** The words of a delivery's text and notes. */
const deliveryText = (result: { privateDelivery?: Array<{ kind: string; text?: string }> }) =>
  (result.privateDelivery ?? []).map((p) => p.text ?? '').join('\n');

describe('AwsStsProvider against fake STS/IAM', () => {
  const fake = new FakeAws();
  let clock: ManualClock;
  let arn: string;

  const credentials = { accessKeyId: 'AKIAJITBOT', secretAccessKey: 'bot-secret' };
  const provider = () =>
    new AwsStsProvider({
      region: 'us-east-1',
      stsEndpoint: fake.url,
      iamEndpoint: fake.url,
      federationUrl: `${fake.url}/federation`,
      credentials,
      accounts: new AwsAccounts({
        region: 'us-east-1',
        stsEndpoint: fake.url,
        credentials,
        settings: { manager_role_name: 'jitbot-manager', accounts: {} },
      }),
      clock,
    });
  const role = (roleArn = arn): Role => ({ id: 'prod-read', provider: 'aws', aws: { role_arn: roleArn } }) as Role;
  const ctx = (requestId: string, minutes: number, email: string | null = 'carol@example.com', roleArn = arn): GrantContext => ({
    grantId: `G-${requestId}`,
    request: { id: requestId, requesterId: 'U0CAROL', requesterPlatform: 'slack' } as AccessRequest,
    role: role(roleArn),
    expiresAt: new Date(clock.now().getTime() + minutes * 60_000),
    requesterProfile: email ? { email } : undefined,
    priorRef: null,
    checkpoint: () => Promise.resolve(),
  });
  const grantOf = (requestId: string, ref: string | null): Grant => ({ id: `G-${requestId}`, requestId, providerRef: ref }) as Grant;

  beforeAll(async () => {
    await fake.start();
    arn = fake.addRole('ProdRead', 4 * 3600);
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    clock = new ManualClock(new Date());
  });

  it('assumes the role with the session name, source identity, tags and granted duration, and delivers a console link and export block', async () => {
    const result = await provider().grant(ctx('R-AAAA1111', 90));
    const session = fake.sessions.at(-1)!;
    expect(session).toMatchObject({
      roleName: 'ProdRead',
      sessionName: 'jit-R-AAAA1111',
      sourceIdentity: 'carol@example.com',
      tags: { 'jit-request': 'R-AAAA1111', 'jit-requester': 'carol@example.com' },
    });
    expect(session.durationSeconds).toBe(90 * 60);
    expect(result.privateDelivery).toContainEqual({
      kind: 'code',
      title: 'CLI',
      code: `export AWS_ACCESS_KEY_ID=${session.accessKeyId} AWS_SECRET_ACCESS_KEY=${session.secretAccessKey} AWS_SESSION_TOKEN=${session.sessionToken}`,
    });
    const console = result.privateDelivery!.find((p) => p.kind === 'link');
    expect(console).toMatchObject({ title: 'AWS console', text: 'Open the console as ProdRead' });
    const link = new URL(console!.kind === 'link' ? console!.url : '');
    expect(link.pathname).toBe('/federation');
    expect(link.searchParams.get('Action')).toBe('login');
    expect(fake.signinTokens.get(link.searchParams.get('SigninToken')!)).toBe(session);
    // The stored ref is not secret: the session's aws:userid and its expiry only.
    expect(result.ref).not.toContain(session.secretAccessKey);
    expect(JSON.parse(result.ref)).toEqual({
      userId: `${fake.roles.get('ProdRead')!.roleId}:jit-R-AAAA1111`,
      until: session.expiration.toISOString(),
    });
  });

  it("clamps to the role's MaxSessionDuration and says so", async () => {
    const result = await provider().grant(ctx('R-AAAA2222', 6 * 60));
    expect(fake.sessions.at(-1)!.durationSeconds).toBe(4 * 3600);
    expect(deliveryText(result)).toContain("You asked for 6h but these credentials last 4h: the role's maximum session duration is 4h");
  });

  it('explains the 1 hour role-chaining limit when the bot runs as a role, and leaves SessionDuration out of the sign-in token call', async () => {
    fake.callerArn = 'arn:aws:sts::111122223333:assumed-role/jitbot-task/abc';
    try {
      const result = await provider().grant(ctx('R-AAAA3333', 3 * 60));
      expect(fake.sessions.at(-1)!.durationSeconds).toBe(3600);
      expect(deliveryText(result)).toContain('"role chaining") to 1 hour');
    } finally {
      fake.callerArn = 'arn:aws:iam::111122223333:user/jitbot';
    }
  });

  it('refuses, permanently and with what to add, a requester with no email in the policy', async () => {
    const err = await provider()
      .grant(ctx('R-AAAA4444', 30, null))
      .catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.permanent).toBe(true);
    expect(err.message).toContain('`U0CAROL: { email: you@example.com }`');
  });

  it('turns AccessDenied and NoSuchEntity into permanent errors that say what to fix', async () => {
    const deniedArn = fake.addRole('Locked', 3600, { denyAssume: true });
    const denied = await provider()
      .grant(ctx('R-AAAA5555', 30, 'carol@example.com', deniedArn))
      .catch((e) => e);
    expect(denied).toMatchObject({ permanent: true });
    expect(denied.message).toMatch(
      /AWS refused sts:AssumeRole on .*Locked \(AccessDenied: .*\)\. Fix: the role's trust policy must let the bot's identity do sts:AssumeRole, sts:SetSourceIdentity and sts:TagSession/,
    );
    const missing = await provider()
      .grant(ctx('R-AAAA6666', 30, 'carol@example.com', 'arn:aws:iam::111122223333:role/Gone'))
      .catch((e) => e);
    expect(missing).toMatchObject({ permanent: true });
    expect(missing.message).toContain('Fix: aws.role_arn in the policy file names a role that does not exist');
  });

  it("rides out throttling and 5xx inside the SDK's own retries", async () => {
    fake.failNext('AssumeRole', 'Throttling', 400);
    fake.failNext('GetRole', 'ServiceUnavailable', 503);
    const before = fake.callsOf('AssumeRole').length;
    await provider().grant(ctx('R-AAAA7777', 30));
    expect(
      fake
        .callsOf('AssumeRole')
        .slice(before)
        .map((c) => c.status),
    ).toEqual([400, 200]);
  });

  it('reports a transient error (retried by the job) when AWS keeps failing', async () => {
    fake.failNext('AssumeRole', 'InternalFailure', 500, 3);
    const err = await provider()
      .grant(ctx('R-AAAA8888', 30))
      .catch((e) => e);
    expect(err).toMatchObject({ permanent: false });
    expect(err.message).toContain('will retry');
  });

  it('revokes early with a deny on aws:userid until the credentials expire, idempotently, from a new provider instance', async () => {
    const { ref } = await provider().grant(ctx('R-BBBB1111', 60));
    const userId = JSON.parse(ref).userId as string;
    await provider().revoke(grantOf('R-BBBB1111', ref), role());
    await provider().revoke(grantOf('R-BBBB1111', ref), role());
    const doc = fake.denyPolicy('ProdRead')!;
    const mine = doc.Statement.filter((s) => s.Condition.StringEquals['aws:userid'] === userId);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.Condition.DateLessThan['aws:CurrentTime']).toBe(JSON.parse(ref).until);
    expect(mine[0]).toMatchObject({ Effect: 'Deny', Action: '*', Resource: '*' });
  });

  it('needs no IAM change when the credentials already expired', async () => {
    const { ref } = await provider().grant(ctx('R-BBBB2222', 20));
    const puts = fake.callsOf('PutRolePolicy').length;
    clock.advance(21 * 60_000);
    await provider().revoke(grantOf('R-BBBB2222', ref), role());
    expect(fake.callsOf('PutRolePolicy').length).toBe(puts);
  });

  it('denies a short grant at its expiry, since STS credentials last at least 15 minutes', async () => {
    const result = await provider().grant(ctx('R-BBBB3333', 5));
    expect(fake.sessions.at(-1)!.durationSeconds).toBe(900);
    expect(deliveryText(result)).toContain('at least 15 minutes');
    clock.advance(5 * 60_000);
    await provider().revoke(grantOf('R-BBBB3333', result.ref), role());
    expect(fake.denyPolicy('ProdRead')!.Statement.some((s) => s.Condition.StringEquals['aws:userid'].endsWith(':jit-R-BBBB3333'))).toBe(
      true,
    );
  });

  it('denies the session name for the longest possible session when a failed grant left no ref', async () => {
    await provider().revoke(grantOf('R-BBBB4444', null), role());
    const s = fake
      .denyPolicy('ProdRead')!
      .Statement.find((st) => st.Condition.StringEquals['aws:userid'] === `${fake.roles.get('ProdRead')!.roleId}:jit-R-BBBB4444`)!;
    expect(new Date(s.Condition.DateLessThan['aws:CurrentTime']).getTime()).toBe(clock.now().getTime() + 4 * 3600_000);
  });

  it('prunes statements of sessions past expiry and keeps statements it did not write', async () => {
    const stale = fake.addRole('Stale');
    const foreign = { Sid: 'SomeoneElse', Effect: 'Deny', Action: 's3:*', Resource: '*' };
    const old = denyStatement('AROAOLD:jit-R-OLD', new Date(clock.now().getTime() - 60_000));
    fake.roles.get('Stale')!.policies.set('jitbot-revoked-sessions', JSON.stringify({ Version: '2012-10-17', Statement: [foreign, old] }));
    const { ref } = await provider().grant(ctx('R-BBBB5555', 30, 'carol@example.com', stale));
    await provider().revoke(grantOf('R-BBBB5555', ref), role(stale));
    expect(fake.denyPolicy('Stale')!.Statement.map((s) => s.Sid)).toEqual([
      'SomeoneElse',
      expect.stringMatching(/^JitbotRevoked.*jitRBBBB5555$/),
    ]);
  });

  it('fails loudly, without writing, when even the pruned policy would pass the size limit', async () => {
    const full = fake.addRole('Full');
    const until = new Date(clock.now().getTime() + 3600_000);
    const live = Array.from({ length: 60 }, (_, i) => denyStatement(`AROAFULL:jit-R-LIVE${i}`, until));
    const before = JSON.stringify({ Version: '2012-10-17', Statement: live });
    fake.roles.get('Full')!.policies.set('jitbot-revoked-sessions', before);
    const { ref } = await provider().grant(ctx('R-BBBB6666', 30, 'carol@example.com', full));
    const err = await provider()
      .revoke(grantOf('R-BBBB6666', ref), role(full))
      .catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toMatch(/over the inline limit of 10240, with 60 other revoked sessions still denied there/);
    expect(fake.roles.get('Full')!.policies.get('jitbot-revoked-sessions')).toBe(before);
  });

  it('keeps every deny when revokes on one role run concurrently', async () => {
    const busy = fake.addRole('Busy');
    const refs = await Promise.all(
      ['R-CCCC0001', 'R-CCCC0002', 'R-CCCC0003', 'R-CCCC0004'].map(
        async (id) => [id, (await provider().grant(ctx(id, 30, 'carol@example.com', busy))).ref] as const,
      ),
    );
    await Promise.all(refs.map(([id, ref]) => provider().revoke(grantOf(id, ref), role(busy))));
    const denied = fake.denyPolicy('Busy')!.Statement.map((s) => s.Condition.StringEquals['aws:userid'].split(':')[1]);
    expect(denied.sort()).toEqual(['jit-R-CCCC0001', 'jit-R-CCCC0002', 'jit-R-CCCC0003', 'jit-R-CCCC0004']);
  });
});
