import { parsePolicy } from '../../src/config/policy-file';
import { eq } from 'drizzle-orm';
import { accessRequests } from '../../src/store/schema';
import { ACCOUNT, FakeAws } from '../fakes/aws';
import { APPROVAL_CHANNEL, SECURITY_CHANNEL } from '../helpers/policy';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime';
import { slackDriver } from '../helpers/slack-driver';
import { waitFor } from '../helpers/wait';

/**
 * AWS through the whole service: signed Slack commands, the core, BullMQ workers,
 * Postgres, and the AWS provider's real SDK clients talking to the local STS/IAM
 * and federation fake.
 */
describe('AWS end to end', () => {
  const aws = new FakeAws();
  let t: TestRuntime;

  beforeAll(async () => {
    await aws.start();
    aws.addRole('ProdRead', 2 * 3600);
    aws.addRole('Locked', 3600, { denyAssume: true });
    t = await startTestRuntime({
      kind: 'postgres',
      env: { AWS_ENDPOINT_URL_STS: aws.url, AWS_ENDPOINT_URL_IAM: aws.url, JIT_AWS_FEDERATION_URL: `${aws.url}/federation` },
      cloud: { awsCredentials: { accessKeyId: 'AKIAJITBOT', secretAccessKey: 'bot-secret' } },
      policy: parsePolicy(
        `
approvals: { slack_channel: ${APPROVAL_CHANNEL} }
digest: { slack_channel: ${SECURITY_CHANNEL} }
roles:
  - id: aws-read
    provider: aws
    requesters: { anyone: true }
    aws: { role_arn: "arn:aws:iam::${ACCOUNT}:role/ProdRead" }
    max_duration: 4h
    min_duration: 1s
    reason: optional
    approval: { auto: true }
  - id: aws-prod
    description: Read-only production, one approver
    provider: aws
    requesters: { anyone: true }
    aws: { role_arn: "arn:aws:iam::${ACCOUNT}:role/ProdRead" }
    max_duration: 4h
    min_duration: 1s
    reason: optional
    approval: { required: 1, approvers: { slack_users: [U0ALICE] } }
  - id: aws-locked
    provider: aws
    requesters: { anyone: true }
    aws: { role_arn: "arn:aws:iam::${ACCOUNT}:role/Locked" }
    max_duration: 1h
    min_duration: 1s
    reason: optional
    approval: { auto: true }
users:
  U0CAROL: { email: carol@example.com }
  U0ERIN: { email: erin@example.com }
`,
        'test-policy.yaml',
      ),
    });
  });
  afterAll(async () => {
    await t.close();
    await aws.stop();
  });

  const { db, slash, grantIn, dmsTo, auditOf } = slackDriver(() => t);

  it('grants, delivers the console link and export block only by DM, and revokes early with a session deny', async () => {
    const request = await slash('U0CAROL', 'request aws-prod 1h "look at logs"');
    const click = await t.signer.buttonClick({
      userId: 'U0ALICE',
      actionId: 'jit.approve',
      value: request.id,
      channelId: APPROVAL_CHANNEL,
      messageTs: '1.0',
      responseUrl: t.slackApi.responseUrl('click-alice'),
    });
    expect(click.status).toBe(200);
    const grant = await grantIn(request.id, 'active');
    const session = aws.sessions.find((s) => s.sessionName === `jit-${request.id}`)!;
    expect(session.sourceIdentity).toBe('carol@example.com');
    // Rounded down from the time left when AWS is called, so the credentials never outlive the grant.
    expect(session.expiration.getTime()).toBeLessThanOrEqual(grant.expiresAt!.getTime());
    expect(session.durationSeconds).toBeGreaterThan(3590);

    const delivery = await waitFor(() => dmsTo('U0CAROL').find((m) => m.includes('AWS_SESSION_TOKEN')), 'delivery DM');
    expect(delivery).toContain(
      `export AWS_ACCESS_KEY_ID=${session.accessKeyId} AWS_SECRET_ACCESS_KEY=${session.secretAccessKey} AWS_SESSION_TOKEN=${session.sessionToken}`,
    );
    const signin = [...aws.signinTokens].find(([, s]) => s === session)![0];
    expect(delivery).toContain(signin);

    // The secrets are nowhere else: not in channel posts or card updates, not in the logs, not in Postgres.
    const elsewhere = t.slackApi.calls
      .filter((c) => c.args.channel !== 'U0CAROL')
      .map((c) => JSON.stringify(c.args))
      .join('\n');
    expect(
      t.slackApi.callsOf('chat.update').filter((c) => c.args.channel === APPROVAL_CHANNEL && String(c.args.text).includes(request.id))
        .length,
    ).toBeGreaterThan(0);
    const stored = JSON.stringify([grant, await auditOf(request.id)]);
    for (const secret of [session.secretAccessKey, session.sessionToken, signin]) {
      expect(elsewhere).not.toContain(secret);
      expect(t.logLines.join('\n')).not.toContain(secret);
      expect(stored).not.toContain(secret);
    }

    await slash('U0CAROL', `revoke ${request.id}`);
    await grantIn(request.id, 'revoked');
    const deny = aws
      .denyPolicy('ProdRead')!
      .Statement.find((s) => s.Condition.StringEquals['aws:userid'] === `${aws.roles.get('ProdRead')!.roleId}:jit-${request.id}`);
    expect(deny?.Condition.DateLessThan['aws:CurrentTime']).toBe(session.expiration.toISOString());
    // Verification runs just after the revoke finishes.
    await waitFor(async () => (await auditOf(request.id)).some((e) => e.action === 'revoke.verified'), 'revoke verified');
    expect((await auditOf(request.id)).map((e) => e.action)).toEqual([
      'request.created',
      'approval.approve',
      'request.approved',
      'grant.started',
      'grant.activated',
      'revoke.requested',
      'revoke.started',
      'grant.revoked',
      'revoke.verified',
    ]);
  });

  it("at expiry of a grant shorter than STS's 15 minutes, denies the still-valid session", async () => {
    const request = await slash('U0CAROL', 'request aws-read 2s quick look');
    await grantIn(request.id, 'active');
    expect(aws.sessions.find((s) => s.sessionName === `jit-${request.id}`)?.durationSeconds).toBe(900);
    await grantIn(request.id, 'expired');
    expect(aws.denyPolicy('ProdRead')!.Statement.some((s) => s.Condition.StringEquals['aws:userid'].endsWith(`:jit-${request.id}`))).toBe(
      true,
    );
  });

  it("retries AWS 5xx past the SDK's own retries through the grant job, then grants", async () => {
    aws.failNext('AssumeRole', 'InternalFailure', 500, 3);
    const request = await slash('U0ERIN', 'request aws-read 30m');
    await grantIn(request.id, 'active');
    const mine = aws.callsOf('AssumeRole').filter((c) => c.params.RoleSessionName === `jit-${request.id}`);
    expect(mine.map((c) => c.status)).toEqual([500, 500, 500, 200]);
  });

  it('fails the grant at once on AccessDenied, tells the requester what to fix, and audits it', async () => {
    const request = await slash('U0CAROL', 'request aws-locked 30m');
    const failed = await grantIn(request.id, 'failed');
    expect(failed.failureReason).toContain("Fix: the role's trust policy must let the bot's identity do sts:AssumeRole");
    expect(aws.callsOf('AssumeRole').filter((c) => c.params.RoleSessionName === `jit-${request.id}`)).toHaveLength(1);
    await waitFor(
      () => dmsTo('U0CAROL').some((m) => m.includes(`could not be granted: AWS refused sts:AssumeRole`) && m.includes(request.id)),
      'failure DM',
    );
    const failedEvent = (await auditOf(request.id)).find((e) => e.action === 'grant.failed');
    expect(JSON.stringify(failedEvent)).toContain('AccessDenied');
    expect((await db().select().from(accessRequests).where(eq(accessRequests.id, request.id)))[0]?.status).toBe('failed');
  });

  it('tells a requester without an email (from Slack or the policy) exactly what to add', async () => {
    t.slackApi.setUser('U0DAVE', { profile: { email: '' } });
    const request = await slash('U0DAVE', 'request aws-read 30m');
    await grantIn(request.id, 'failed');
    await waitFor(() => dmsTo('U0DAVE').some((m) => m.includes('U0DAVE: { email: you@example.com }')), 'missing-email DM');
    expect(aws.sessions.some((s) => s.sessionName === `jit-${request.id}`)).toBe(false);
  });
});
