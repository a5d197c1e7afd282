import type { Actor } from '../../src/access/model';
import { parsePolicy } from '../../src/config/policy-file';
import { dayOf } from '../../src/audit/digest/calendar';
import { QUEUES } from '../../src/jobs/queues';
import { activityProcessor } from '../../src/jobs/workers/activity';
import { ACCOUNT, FakeAws } from '../fakes/aws';
import { FAKE_ARM_CA, FakeArm, fakeArmCredential } from '../fakes/arm';
import { ManualClock } from '../helpers/clock';
import { promoteNow, startWorker } from '../helpers/jobs';
import { captureLogger } from '../helpers/logger';
import { APPROVAL_CHANNEL, SECURITY_CHANNEL, SECURITY_TEAM } from '../helpers/policy';
import { auditActions } from '../helpers/refusals';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime';
import { waitFor } from '../helpers/wait';

const MIN = 60_000;
const SUB_ID = '00000000-1111-2222-3333-444444444444';
const CAROL_OID = '11111111-aaaa-4bbb-8ccc-000000000001';
const OTHER_OID = '11111111-aaaa-4bbb-8ccc-000000000002';
const CAROL: Actor = { platform: 'slack', userId: 'U0CAROL' };

const POLICY = `
approvals: { slack_channel: ${APPROVAL_CHANNEL} }
digest: { slack_channel: ${SECURITY_CHANNEL}, security_team: { slack_users: [${SECURITY_TEAM}] } }
activity: { delay: 15m, attempts: 2, retry_backoff: 1s, aws_regions: [us-east-1, eu-west-1] }
roles:
  - id: aws-read
    provider: aws
    requesters: { anyone: true }
    aws: { role_arn: "arn:aws:iam::${ACCOUNT}:role/ProdRead" }
    read_only: true
    max_duration: 4h
    min_duration: 1s
    reason: optional
    approval: { auto: true }
  - id: az-ops
    provider: azure
    requesters: { anyone: true }
    azure: { scope: "/subscriptions/${SUB_ID}/resourceGroups/prod", role_definition_id: "acdd72a7-3385-48ef-bd42-f606fba81ae7" }
    max_duration: 4h
    min_duration: 1s
    reason: optional
    approval: { auto: true }
  - id: play
    provider: sandbox
    requesters: { anyone: true }
    max_duration: 4h
    min_duration: 1s
    reason: optional
    approval: { auto: true }
users:
  U0CAROL: { email: carol@example.com, azure_object_id: "${CAROL_OID}" }
`;

/**
 * Activity during a grant, through the real core, store and queues, with the real
 * CloudTrail and Azure clients talking to local fakes. The clock is the test's; the
 * test plays the activity job (or runs it through one real worker, for the retries).
 */
describe('activity during the grant on Postgres', () => {
  const kind = 'postgres';
  const clock = new ManualClock();
  const aws = new FakeAws(() => clock.now().getTime());
  const arm = new FakeArm();
  let t: TestRuntime;
  const service = () => t.runtime.service;
  const at = (offsetMs: number) => new Date(clock.now().getTime() + offsetMs);

  beforeAll(async () => {
    await Promise.all([aws.start(), arm.start()]);
    aws.addRole('ProdRead', 4 * 3600);
    arm.principals.add(CAROL_OID);
    t = await startTestRuntime({
      kind,
      role: 'web',
      clock,
      env: {
        AWS_ENDPOINT_URL_STS: aws.url,
        AWS_ENDPOINT_URL_IAM: aws.url,
        AWS_ENDPOINT_URL_CLOUDTRAIL: aws.url,
        JIT_AWS_FEDERATION_URL: `${aws.url}/federation`,
        AZURE_ARM_ENDPOINT: arm.url,
      },
      cloud: {
        awsCredentials: { accessKeyId: 'AKIAJITBOT', secretAccessKey: 'bot-secret' },
        azureCredential: fakeArmCredential,
        azureTlsCa: FAKE_ARM_CA,
      },
      policy: parsePolicy(POLICY, 'activity-policy.yaml'),
    });
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([aws.stop(), arm.stop()]);
  });

  /** An active grant of `roleId` for Carol (auto-approved, activated as the grant job would). */
  async function activeGrant(roleId: string, durationMs = 30 * MIN) {
    const { request } = await service().request(CAROL, { roleId, durationMs });
    const grant = (await service().activateGrant(request.id))!;
    return { request, grant };
  }
  const lookups = (session: string) => aws.callsOf('LookupEvents').filter((c) => c.params.json!.includes(session));
  const grantOf = async (requestId: string) => (await service().view(requestId)).grant!;

  it('after expiry, reads every CloudTrail page in each region and stores the summary with its writes', async () => {
    const { request, grant } = await activeGrant('aws-read');
    const session = `jit-${request.id}`;
    for (let i = 0; i < 120; i++)
      aws.trail.push({ username: session, name: i % 2 ? 'GetObject' : 'ListBuckets', readOnly: 'true', time: at(i * 1000) });
    aws.trail.push(
      { username: session, name: 'PutObject', readOnly: 'false', time: at(5 * MIN) },
      { username: session, name: 'DeleteBucket', time: at(6 * MIN) }, // no ReadOnly: a write by its name
      { username: session, name: 'DescribeInstances', time: at(7 * MIN) }, // no ReadOnly: a read by its name
      { username: session, name: 'RunInstances', readOnly: 'false', time: at(8 * MIN), region: 'eu-west-1' },
      { username: 'jit-R-SOMEONEELSE', name: 'TerminateInstances', readOnly: 'false', time: at(9 * MIN) },
      { username: session, name: 'PutBucketPolicy', readOnly: 'false', time: at(-MIN) }, // before the grant
    );
    clock.advance(30 * MIN);
    expect(await service().endGrant(grant.id)).toMatchObject({ ended: 'expired' });

    // Queued `activity.delay` after the end, with the policy's retries; nothing stored yet.
    const job = await t.runtime.queues.activity.getJob(`activity-${grant.id}`);
    expect(job?.delay).toBe(15 * MIN);
    expect(job?.opts).toMatchObject({ attempts: 2, backoff: { type: 'exponential', delay: 1000 } });
    expect((await grantOf(request.id)).activity).toBeNull();

    clock.advance(15 * MIN);
    const summary = await service().recordActivity(grant.id);
    expect(summary).toMatchObject({
      status: 'fetched',
      source: 'AWS CloudTrail (us-east-1, eu-west-1)',
      eventCount: 124,
      truncated: false,
      eventNames: ['DeleteBucket', 'DescribeInstances', 'GetObject', 'ListBuckets', 'PutObject', 'RunInstances'],
      writeEventCount: 3,
      writeEventNames: ['DeleteBucket', 'PutObject', 'RunInstances'],
    });
    // 123 events in us-east-1 are three pages of 50; eu-west-1 answers one.
    expect(lookups(session).map((c) => c.params.region)).toEqual(['us-east-1', 'us-east-1', 'us-east-1', 'eu-west-1']);
    expect((await grantOf(request.id)).activity).toEqual(summary);

    // A retried job changes nothing and audits nothing more.
    await service().recordActivity(grant.id);
    expect((await auditActions(t, request.id)).filter((a) => a === 'grant.activity')).toHaveLength(1);
  });

  it('after an early revoke, counts only what the session did until the revoke', async () => {
    const { request, grant } = await activeGrant('aws-read', 2 * 3_600_000);
    const session = `jit-${request.id}`;
    aws.trail.push(
      { username: session, name: 'GetObject', readOnly: 'true', time: at(MIN) },
      { username: session, name: 'PutObject', readOnly: 'false', time: at(20 * MIN) },
    );
    clock.advance(10 * MIN);
    await service().revoke(CAROL, request.id);
    expect(await service().endGrant(grant.id)).toMatchObject({ ended: 'revoked' });
    clock.advance(15 * MIN);
    expect(await service().recordActivity(grant.id)).toMatchObject({
      eventCount: 1,
      eventNames: ['GetObject'],
      writeEventCount: 0,
      to: at(-15 * MIN).toISOString(),
    });
  });

  it("reads the Azure Activity Log page by page and keeps only the grant's principal", async () => {
    const { request, grant } = await activeGrant('az-ops');
    for (let i = 0; i < 45; i++)
      arm.activityLog.push({
        subscriptionId: SUB_ID,
        caller: 'carol@example.com',
        objectId: CAROL_OID,
        operation: 'Microsoft.Compute/virtualMachines/read',
        at: at(i * 1000),
      });
    arm.activityLog.push(
      {
        subscriptionId: SUB_ID,
        caller: 'carol@example.com',
        objectId: CAROL_OID,
        operation: 'Microsoft.Compute/virtualMachines/restart/action',
        at: at(2 * MIN),
      },
      {
        subscriptionId: SUB_ID,
        caller: 'dave@example.com',
        objectId: OTHER_OID,
        operation: 'Microsoft.Compute/virtualMachines/delete',
        at: at(3 * MIN),
      },
    );
    clock.advance(30 * MIN);
    await service().endGrant(grant.id);
    const pagesBefore = arm.calls.filter((c) => c.path.includes('eventtypes')).length;
    expect(await service().recordActivity(grant.id)).toMatchObject({
      status: 'fetched',
      source: 'Azure Activity Log',
      eventCount: 46,
      writeEventCount: 1,
      writeEventNames: ['Microsoft.Compute/virtualMachines/restart/action'],
    });
    expect(arm.calls.filter((c) => c.path.includes('eventtypes')).length - pagesBefore).toBe(3);
    expect(await auditActions(t, request.id)).toContain('grant.activity');
  });

  it('stores at once that a sandbox grant has no activity log, and queues no lookup', async () => {
    const { request, grant } = await activeGrant('play');
    clock.advance(30 * MIN);
    await service().endGrant(grant.id);
    expect((await grantOf(request.id)).activity).toEqual({
      status: 'unavailable',
      reason: 'SANDBOX (no real cloud access) has no activity log to read',
    });
    expect(await t.runtime.queues.activity.getJob(`activity-${grant.id}`)).toBeUndefined();
  });

  it('through the worker: retries, then records grant.activity_failed; a denial fails at once with the fix', async () => {
    const { logger } = captureLogger('silent');
    const worker = await startWorker(QUEUES.activity.name, t.prefix, activityProcessor(service(), logger));
    try {
      const flaky = await activeGrant('aws-read');
      clock.advance(30 * MIN);
      await service().endGrant(flaky.grant.id);
      aws.failNext('LookupEvents', 'InternalFailure', 500, 1000);
      await promoteNow(t.runtime.queues.activity, `activity-${flaky.grant.id}`);
      const failed = await waitFor(
        async () =>
          (await grantOf(flaky.request.id)).activity?.status === 'failed' ? (await grantOf(flaky.request.id)).activity : undefined,
        'activity failed',
        20_000,
      );
      expect(failed).toMatchObject({ status: 'failed', attempts: 2 });
      expect(await auditActions(t, flaky.request.id)).toContain('grant.activity_failed');
      aws.clearFailures();

      const denied = await activeGrant('aws-read');
      clock.advance(30 * MIN);
      await service().endGrant(denied.grant.id);
      aws.failNext('LookupEvents', 'AccessDeniedException', 400);
      await promoteNow(t.runtime.queues.activity, `activity-${denied.grant.id}`);
      const refused = await waitFor(
        async () =>
          (await grantOf(denied.request.id)).activity?.status === 'failed' ? (await grantOf(denied.request.id)).activity : undefined,
        'activity denied',
        20_000,
      );
      expect(refused).toMatchObject({ status: 'failed', attempts: 1 });
      expect(JSON.stringify(refused)).toContain("Fix: give the bot's identity cloudtrail:LookupEvents");
    } finally {
      await worker.close();
    }
  });

  it('the reconciler re-queues a lookup Redis lost, and the digest and /jit audit show the activity', async () => {
    const { request, grant } = await activeGrant('aws-read');
    aws.trail.push({ username: `jit-${request.id}`, name: 'PutObject', readOnly: 'false', time: at(MIN) });
    clock.advance(30 * MIN);
    await service().endGrant(grant.id);
    const jobId = `activity-${grant.id}`;
    await t.runtime.queues.activity.remove(jobId);

    // Due once activity.delay and two reconciler sweeps (JIT_RECONCILE_EVERY is 1h here) have passed.
    clock.advance(60 * MIN);
    expect((await service().reconcile()).activityRequeued).toBe(0);
    clock.advance(80 * MIN);
    expect((await service().reconcile()).activityRequeued).toBe(1);
    expect((await t.runtime.queues.activity.getJob(jobId))?.delay).toBe(0);
    await service().recordActivity(grant.id);
    expect((await service().reconcile()).activityRequeued).toBe(0);

    const digest = await t.runtime.digests.build(dayOf(clock.now(), 'UTC'));
    const reply = digest.replies.find((r) => r.key === `grant:${request.id}`)!.text;
    expect(reply).toContain('Activity: AWS CloudTrail (us-east-1, eu-west-1): 1 event (PutObject); 1 write: PutObject');
    expect(digest.anomalies).toContainEqual({
      rule: 'read_role_writes',
      text: `${request.id}: <@U0CAROL> made 1 write call on read-only role aws-read (PutObject) per AWS CloudTrail (us-east-1, eu-west-1)`,
    });

    const responseUrl = t.slackApi.responseUrl('audit-activity');
    expect((await t.signer.slashCommand({ userId: 'U0CAROL', text: `audit ${request.id}`, responseUrl })).status).toBe(200);
    const answer = t.slackApi.callsOf('response_url').find((c) => c.args.id === 'audit-activity');
    expect(JSON.stringify(answer?.args.blocks)).toContain(
      'Activity: AWS CloudTrail (us-east-1, eu-west-1): 1 event (PutObject); 1 write: PutObject',
    );
  });
});
