import { parsePolicy } from '../../src/config/policy-file';
import { FakeIdentityCenter } from '../fakes/identity-center';
import { runDelayedJobNow } from '../helpers/jobs';
import { APPROVAL_CHANNEL, SECURITY_CHANNEL } from '../helpers/policy';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime';
import { slackDriver } from '../helpers/slack-driver';
import { waitFor } from '../helpers/wait';

const ACCOUNT = '222233334444';
const HOUR = 3_600_000;

/**
 * IAM Identity Center (`provider: aws-sso`) through the whole service: signed Slack commands,
 * the core, BullMQ, Postgres, and the real SSO Admin and Identity Store SDK clients against a
 * fake that answers asynchronously, with conflicts and throttling, as AWS documents.
 */
describe('AWS IAM Identity Center end to end', () => {
  const sso = new FakeIdentityCenter();
  const adminPs = sso.addPermissionSet('AdministratorAccess', 'PT1H');
  const readPs = sso.addPermissionSet('ReadOnly', 'PT2H');
  const carol = sso.addUser('carol@example.com');
  const dave = sso.addUser('dave@example.com');
  const erin = sso.addUser('erin@example.com');
  /** The test's clock runs this far ahead of the wall clock (to reach the end of a session's life). */
  let aheadMs = 0;
  let t: TestRuntime;

  beforeAll(async () => {
    await sso.start();
    // Standing access jitbot must never touch: Dave holds ReadOnly there through an admin's assignment.
    sso.assignDirectly(ACCOUNT, readPs, dave);
    /** An auto-approved role granting `ps` in ACCOUNT (two roles share one permission set, as overlapping grants do). */
    const role = (id: string, ps: string, extra = '') =>
      `  - { id: ${id}, provider: aws-sso, requesters: { anyone: true }, max_duration: 4h, min_duration: 1s, reason: optional, approval: { auto: true }, ` +
      `aws_sso: { instance_arn: "${sso.instanceArn}", identity_store_id: "${sso.identityStoreId}", permission_set_arn: "${ps}", account_id: "${ACCOUNT}" }${extra} }`;
    t = await startTestRuntime({
      kind: 'postgres',
      env: { AWS_ENDPOINT_URL_SSO_ADMIN: sso.url, AWS_ENDPOINT_URL_IDENTITYSTORE: sso.url },
      cloud: { awsCredentials: { accessKeyId: 'AKIAJITBOT', secretAccessKey: 'bot-secret' }, awsSsoPollDelaysMs: Array(400).fill(25) },
      clock: { now: () => new Date(Date.now() + aheadMs) },
      policy: parsePolicy(
        `
approvals: { slack_channel: ${APPROVAL_CHANNEL} }
digest: { slack_channel: ${SECURITY_CHANNEL} }
aws:
  identity_center: { portal_url: "https://acme.awsapps.com/start/" }
roles:
${role('prod-admin-sso', adminPs, ', extend: { auto_within: 4h }')}
${role('prod-admin-oncall', adminPs)}
${role('prod-read-sso', readPs)}
users:
  U0CAROL: { email: carol@example.com }
  U0DAVE: { email: dave@example.com }
  U0ERIN: { email: erin@example.com }
  U0GHOST: { email: ghost@example.com }
`,
        'test-policy.yaml',
      ),
    });
  });
  afterAll(async () => {
    await t.close();
    await sso.stop();
  });

  const { slash, grantIn, dmsTo, postsTo, auditOf } = slackDriver(() => t);
  const verified = (requestId: string) =>
    waitFor(async () => (await auditOf(requestId)).some((e) => e.action === 'revoke.verified'), 'the revoke verified');
  const endEarly = async (userId: string, requestId: string) => {
    await slash(userId, `revoke ${requestId}`);
    const revoked = await grantIn(requestId, 'revoked');
    await verified(requestId);
    return revoked;
  };
  const denyStatements = (ps: string) => {
    const doc = sso.permissionSets.get(ps)!.provisioned.get(ACCOUNT);
    return doc ? (JSON.parse(doc) as { Statement: Array<{ Sid: string }> }).Statement : [];
  };

  it('becomes active only once AWS says the assignment SUCCEEDED, and DMs a portal link without credentials', async () => {
    sso.holdOperations = true;
    let request;
    try {
      request = await slash('U0CAROL', 'request prod-admin-sso 1h "INC-42"');
      // AWS is still provisioning: jitbot keeps reading the status and has granted nothing yet.
      await waitFor(() => sso.callsOf('DescribeAccountAssignmentCreationStatus').length >= 3, 'status reads');
      expect((await grantIn(request.id, 'granting')).providerRef).toContain(carol);
      expect(dmsTo('U0CAROL').some((m) => m.includes('AWS access portal'))).toBe(false);
    } finally {
      sso.holdOperations = false;
    }
    await grantIn(request.id, 'active');
    expect(sso.hasAssignment(ACCOUNT, adminPs, carol)).toBe(true);
    const create = sso.callsOf('CreateAccountAssignment').at(-1)!;
    expect(create.body).toMatchObject({
      TargetId: ACCOUNT,
      TargetType: 'AWS_ACCOUNT',
      PermissionSetArn: adminPs,
      PrincipalType: 'USER',
      PrincipalId: carol,
    });
    const dm = await waitFor(() => dmsTo('U0CAROL').find((m) => m.includes('AWS access portal')), 'portal DM');
    expect(dm).toContain(`https://acme.awsapps.com/start/#/console?account_id=${ACCOUNT}&role_name=AdministratorAccess`);
    expect(dm).not.toMatch(/AKIA|ASIA|SecretAccessKey|SESSION_TOKEN/);
    await endEarly('U0CAROL', request.id);
  });

  it('early revoke removes the assignment, denies the sessions already open, and removes the deny once they have died', async () => {
    const request = await slash('U0ERIN', 'request prod-admin-sso 2h');
    const active = await grantIn(request.id, 'active');
    // A session opened as the grant began (the revoke follows within moments here).
    const openedAt = new Date(active.activatedAt!.getTime() + 1);
    const revoked = await endEarly('U0ERIN', request.id);
    expect(sso.hasAssignment(ACCOUNT, adminPs, erin)).toBe(false);
    // The deny is provisioned to the account: Erin's open session is cut off there…
    expect(sso.sessionAllowed(adminPs, ACCOUNT, erin, openedAt, new Date())).toBe(false);
    // …but nobody else's, and not a session Erin opens under a later grant.
    expect(sso.sessionAllowed(adminPs, ACCOUNT, carol, openedAt, new Date())).toBe(true);
    expect(sso.sessionAllowed(adminPs, ACCOUNT, erin, new Date(Date.now() + 60_000), new Date(Date.now() + 120_000))).toBe(true);
    expect(sso.sessionAllowed(adminPs, '999988887777', erin, openedAt, new Date())).toBe(true);

    // The tidy-up waits for the permission set's session duration (1 hour), then removes the deny.
    const tidy = await waitFor(() => t.runtime.queues.notice.getJob(`tidy-${revoked.id}`), 'tidy-up queued');
    expect(tidy.opts.delay).toBeGreaterThan(HOUR - 60_000);
    expect(tidy.opts.delay).toBeLessThanOrEqual(HOUR);
    aheadMs = HOUR + 1000;
    try {
      await runDelayedJobNow(t.runtime.queues.notice, `tidy-${revoked.id}`);
    } finally {
      aheadMs = 0;
    }
    expect(denyStatements(adminPs).filter((s) => s.Sid.includes(erin.replace(/-/g, '')))).toEqual([]);
    expect((await auditOf(request.id)).map((e) => e.action)).toContain('revoke.tidied_up');
  });

  it('overlapping grants of one person share the assignment: it stays until the last of them ends', async () => {
    const first = await slash('U0CAROL', 'request prod-admin-sso 1h');
    await grantIn(first.id, 'active');
    const second = await slash('U0CAROL', 'request prod-admin-oncall 2h');
    const openedAt = new Date((await grantIn(second.id, 'active')).activatedAt!.getTime() + 1);
    const deletesBefore = sso.callsOf('DeleteAccountAssignment').length;

    await endEarly('U0CAROL', first.id);
    expect(sso.hasAssignment(ACCOUNT, adminPs, carol)).toBe(true);
    expect(sso.callsOf('DeleteAccountAssignment')).toHaveLength(deletesBefore);
    expect(sso.sessionAllowed(adminPs, ACCOUNT, carol, openedAt, new Date())).toBe(true);

    await endEarly('U0CAROL', second.id);
    expect(sso.hasAssignment(ACCOUNT, adminPs, carol)).toBe(false);
    expect(sso.sessionAllowed(adminPs, ACCOUNT, carol, openedAt, new Date())).toBe(false);
  });

  it('refuses a person who already holds the permission set through a standing assignment, and never removes it', async () => {
    const request = await slash('U0DAVE', 'request prod-read-sso 1h');
    const failed = await grantIn(request.id, 'failed');
    expect(failed.failureReason).toContain('standing assignment');
    expect(failed.failureReason).toContain('ReadOnly');
    expect(sso.hasAssignment(ACCOUNT, readPs, dave)).toBe(true);
    expect(sso.callsOf('CreateAccountAssignment').some((c) => c.body.PrincipalId === dave)).toBe(false);
    expect(sso.callsOf('DeleteAccountAssignment').some((c) => c.body.PrincipalId === dave)).toBe(false);
    await waitFor(() => dmsTo('U0DAVE').some((m) => m.includes(request.id) && m.includes('standing assignment')), 'refusal DM');
  });

  it('a grant retried after a lost status read finds the assignment it made, and does not take it for a standing one', async () => {
    // The SDK tries each call 3 times: the first attempt cannot learn the outcome; AWS finishes anyway.
    sso.failNext('DescribeAccountAssignmentCreationStatus', 'InternalServerException', 500, 3);
    const request = await slash('U0ERIN', 'request prod-read-sso 1h');
    await waitFor(() => grantIn(request.id, 'active'), 'active after the retry', 30_000);
    expect(
      sso.callsOf('CreateAccountAssignment').filter((c) => c.body.PrincipalId === erin && c.body.PermissionSetArn === readPs),
    ).toHaveLength(2);
    await endEarly('U0ERIN', request.id);
    expect(sso.hasAssignment(ACCOUNT, readPs, erin)).toBe(false);
  });

  it('a provisioning that FAILED fails the grant with the reason AWS gave', async () => {
    sso.failNextAssignment(erin, 'Received a 404 status error: Not supported for ReadOnly in this account');
    const request = await slash('U0ERIN', 'request prod-read-sso 1h');
    const failed = await grantIn(request.id, 'failed');
    expect(failed.failureReason).toContain('Not supported for ReadOnly in this account');
    expect(sso.hasAssignment(ACCOUNT, readPs, erin)).toBe(false);
    expect((await auditOf(request.id)).find((e) => e.action === 'grant.failed')?.data).toMatchObject({
      error: expect.stringContaining('Not supported'),
    });
  });

  it('someone missing from the identity store is told so, and nothing is assigned', async () => {
    const request = await slash('U0GHOST', 'request prod-admin-sso 1h');
    const failed = await grantIn(request.id, 'failed');
    expect(failed.failureReason).toContain('Nobody with the e-mail ghost@example.com is in the Identity Center identity store');
    expect(failed.providerRef).toBeNull();
  });

  it('rides out throttling and a ConflictException while another change of the assignment propagates', async () => {
    sso.failNext('CreateAccountAssignment', 'ThrottlingException', 400, 2);
    sso.failNext('CreateAccountAssignment', 'ConflictException', 400, 1);
    const request = await slash('U0ERIN', 'request prod-admin-sso 1h');
    await waitFor(() => grantIn(request.id, 'active'), 'active after retries', 30_000);
    expect(sso.callsOf('CreateAccountAssignment').filter((c) => c.status === 400).length).toBeGreaterThanOrEqual(3);
    expect(sso.hasAssignment(ACCOUNT, adminPs, erin)).toBe(true);
    await endEarly('U0ERIN', request.id);
  });

  it('an extension just moves the end of an aws-sso grant', async () => {
    const request = await slash('U0CAROL', 'request prod-admin-sso 1h');
    const active = await grantIn(request.id, 'active');
    await slash('U0CAROL', `extend ${request.id} 30m`);
    const moved = await waitFor(async () => {
      const g = await grantIn(request.id, 'active');
      return g.expiresAt!.getTime() > active.expiresAt!.getTime() && g;
    }, 'end moved');
    expect(moved.expiresAt!.getTime() - active.expiresAt!.getTime()).toBe(30 * 60_000);
    expect(sso.hasAssignment(ACCOUNT, adminPs, carol)).toBe(true);
    await endEarly('U0CAROL', request.id);
  });

  it('a removal that FAILED is not taken for an end: the revoke is retried until the assignment is gone', async () => {
    const request = await slash('U0ERIN', 'request prod-admin-sso 1h');
    await grantIn(request.id, 'active');
    sso.failNextAssignment(erin, 'Internal failure while deleting the assignment', 'delete');
    await slash('U0ERIN', `revoke ${request.id}`);
    const failed = await grantIn(request.id, 'revoke_failed');
    expect(failed.failureReason).toContain('Internal failure while deleting the assignment');
    await waitFor(() => grantIn(request.id, 'revoked'), 'revoked on the retry', 30_000);
    expect(sso.hasAssignment(ACCOUNT, adminPs, erin)).toBe(false);
    await verified(request.id);
  });

  it('keeps retrying a revoke through an outage, alerts the security channel, and says when it recovered', async () => {
    const request = await slash('U0CAROL', 'request prod-admin-sso 1h');
    const grant = await grantIn(request.id, 'active');
    // The SDK tries each call 3 times: two revoke attempts fail (the second alerts), the third goes through.
    sso.failNext('DeleteAccountAssignment', 'InternalServerException', 500, 6);
    await slash('U0CAROL', `revoke ${request.id}`);
    await waitFor(() => postsTo(SECURITY_CHANNEL).some((m) => m.includes('Revoke of') && m.includes(grant.id)), 'failing alert', 30_000);
    expect(sso.hasAssignment(ACCOUNT, adminPs, carol)).toBe(true);
    await waitFor(() => grantIn(request.id, 'revoked'), 'revoked after the outage', 60_000);
    expect(sso.hasAssignment(ACCOUNT, adminPs, carol)).toBe(false);
    await waitFor(() => postsTo(SECURITY_CHANNEL).some((m) => m.includes(`Grant ${grant.id}`) && m.includes('is now revoked')), 'recovery');
  }, 120_000);
});
