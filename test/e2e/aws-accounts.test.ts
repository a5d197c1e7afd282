import { parsePolicy } from '../../src/config/policy-file';
import { ACCOUNT, FakeAws } from '../fakes/aws';
import { APPROVAL_CHANNEL, SECURITY_CHANNEL } from '../helpers/policy';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime';
import { slackDriver } from '../helpers/slack-driver';
import { waitFor } from '../helpers/wait';

const OTHER = '222233334444';
const LISTED = '333344445555';
const BARE = '444455556666';

/**
 * Roles in AWS accounts other than the bot's own, through signed Slack requests: jitbot
 * reaches each account's IAM through the manager role there (named by the policy's default,
 * or listed per account with an external id), never with its own credentials, so a role
 * name is never looked up — or a deny written — in the wrong account. The fake answers IAM
 * for the account of whoever signed the call, as IAM does.
 */
describe('AWS roles in other accounts', () => {
  const aws = new FakeAws();
  let t: TestRuntime;

  beforeAll(async () => {
    await aws.start();
    // The same role name in the bot's account and in another: the classic wrong-account trap.
    aws.addRole('ProdRead', 2 * 3600);
    aws.addRole('ProdRead', 2 * 3600, {}, OTHER);
    aws.addRole('jitbot-manager', 3600, {}, OTHER);
    aws.addRole('Admin', 3600, {}, LISTED);
    aws.addRole('ops-jit-manager', 3600, { externalId: 'jit-7f3a' }, LISTED);
    aws.addRole('NoManagerHere', 3600, {}, BARE);
    t = await startTestRuntime({
      kind: 'postgres',
      env: {
        AWS_ENDPOINT_URL_STS: aws.url,
        AWS_ENDPOINT_URL_IAM: aws.url,
        AWS_ENDPOINT_URL_CLOUDTRAIL: aws.url,
        JIT_AWS_FEDERATION_URL: `${aws.url}/federation`,
      },
      cloud: { awsCredentials: { accessKeyId: 'AKIAJITBOT', secretAccessKey: 'bot-secret' } },
      policy: parsePolicy(
        `
approvals: { slack_channel: ${APPROVAL_CHANNEL} }
digest: { slack_channel: ${SECURITY_CHANNEL} }
aws:
  accounts:
    "${LISTED}": { manager_role_arn: "arn:aws:iam::${LISTED}:role/ops-jit-manager", external_id: "jit-7f3a" }
roles:
  - id: other-read
    provider: aws
    requesters: { anyone: true }
    aws: { role_arn: "arn:aws:iam::${OTHER}:role/ProdRead" }
    max_duration: 4h
    min_duration: 1s
    reason: optional
    approval: { auto: true }
  - id: listed-admin
    provider: aws
    requesters: { anyone: true }
    aws: { role_arn: "arn:aws:iam::${LISTED}:role/Admin" }
    max_duration: 1h
    min_duration: 1s
    reason: optional
    approval: { auto: true }
  - id: bare
    provider: aws
    requesters: { anyone: true }
    aws: { role_arn: "arn:aws:iam::${BARE}:role/NoManagerHere" }
    max_duration: 1h
    min_duration: 1s
    reason: optional
    approval: { auto: true }
users:
  U0CAROL: { email: carol@example.com }
`,
        'test-policy.yaml',
      ),
    });
  });
  afterAll(async () => {
    await t.close();
    await aws.stop();
  });

  const { slash, grantIn, dmsTo, auditOf } = slackDriver(() => t);
  const managerAssumes = (arn: string) => aws.callsOf('AssumeRole').filter((c) => c.params.RoleArn === arn && c.status === 200);

  it('grants a role in another account and ends it early there, through the manager role, never in the bot’s own account', async () => {
    const request = await slash('U0CAROL', 'request other-read 1h "check the other account"');
    await grantIn(request.id, 'active');
    const session = aws.sessions.find((s) => s.sessionName === `jit-${request.id}`)!;
    expect(session).toMatchObject({ account: OTHER, roleName: 'ProdRead', sourceIdentity: 'carol@example.com' });
    // IAM was read in the role's account, with the manager role's credentials.
    expect(aws.callsOf('GetRole').map((c) => [c.account, c.status])).toEqual([[OTHER, 200]]);

    await slash('U0CAROL', `revoke ${request.id}`);
    await grantIn(request.id, 'revoked');
    await waitFor(async () => (await auditOf(request.id)).some((e) => e.action === 'revoke.verified'), 'revoke verified');
    const deny = aws
      .denyPolicy('ProdRead', OTHER)
      ?.Statement.find((s) => s.Condition.StringEquals['aws:userid'].endsWith(`:jit-${request.id}`));
    expect(deny?.Condition.StringEquals['aws:userid']).toBe(`${aws.role('ProdRead', OTHER)!.roleId}:jit-${request.id}`);
    // Nothing was written onto the same-named role at home.
    expect(aws.denyPolicy('ProdRead', ACCOUNT)).toBeUndefined();
    expect(aws.callsOf('PutRolePolicy').every((c) => c.account === OTHER)).toBe(true);
    // What the session did is read from that account's CloudTrail, with the same manager credentials.
    const grant = await grantIn(request.id, 'revoked');
    aws.trail.push({
      username: `jit-${request.id}`,
      name: 'GetObject',
      time: new Date((grant.activatedAt!.getTime() + grant.revokedAt!.getTime()) / 2),
      readOnly: 'true',
      account: OTHER,
    });
    const activity = await t.runtime.service.recordActivity(grant.id);
    expect(activity).toMatchObject({ status: 'fetched', eventCount: 1 });
    expect(aws.callsOf('LookupEvents').map((c) => c.account)).toEqual([OTHER]);
    // The manager role was assumed once; its credentials served every IAM call since.
    expect(managerAssumes(`arn:aws:iam::${OTHER}:role/jitbot-manager`)).toHaveLength(1);
    expect(aws.callsOf('GetRolePolicy').length).toBeGreaterThan(1);
  });

  it('uses the manager role and external id the policy lists for an account', async () => {
    const request = await slash('U0CAROL', 'request listed-admin 30m');
    await grantIn(request.id, 'active');
    const [assumed] = managerAssumes(`arn:aws:iam::${LISTED}:role/ops-jit-manager`);
    expect(assumed?.params.ExternalId).toBe('jit-7f3a');
    expect(aws.sessions.find((s) => s.sessionName === `jit-${request.id}`)?.account).toBe(LISTED);
  });

  it('an account without a manager role: the grant fails at once, saying which role to deploy and how', async () => {
    const request = await slash('U0CAROL', 'request bare 30m');
    const failed = await grantIn(request.id, 'failed');
    expect(failed.failureReason).toContain(`arn:aws:iam::${BARE}:role/jitbot-manager`);
    expect(failed.failureReason).toContain('manifests/aws/manager-role.yaml');
    expect(aws.sessions.some((s) => s.sessionName === `jit-${request.id}`)).toBe(false);
    await waitFor(() => dmsTo('U0CAROL').some((m) => m.includes(request.id) && m.includes('could not be granted')), 'failure DM');
  });
});
