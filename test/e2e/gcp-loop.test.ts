import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePolicy } from '../../src/config/policy-file';
import { bindingTitle, expiryCondition } from '../../src/providers/gcp-iam';
import { FakeGcp, type FakeBinding } from '../fakes/gcp';
import { FAKE_CLOUD_CERT } from '../fakes/tls';
import { APPROVAL_CHANNEL, SECURITY_CHANNEL } from '../helpers/policy';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime';
import { slackDriver } from '../helpers/slack-driver';
import { waitFor } from '../helpers/wait';

const PROJECT = 'projects/my-prod';
const FOLDER = 'folders/123456789012';
const CAROL = 'user:carol@example.com';
const ERIN = 'user:erin@example.com';
/** What was in the policies before jitbot: it must be there, unchanged, after every grant and revoke. */
const STANDING: FakeBinding[] = [
  { role: 'roles/owner', members: ['user:admin@example.com'] },
  { role: 'roles/compute.admin', members: ['group:sre@example.com'] },
  {
    role: 'roles/compute.admin',
    members: [ERIN],
    condition: { title: 'weekday-access', expression: 'request.time.getDayOfWeek("Europe/Berlin") < 5' },
  },
];

/**
 * Google Cloud through the whole service: signed Slack commands, the core, BullMQ, Postgres,
 * and google-auth-library signing a service-account key's assertion for the fake token
 * endpoint the key names, then reading and writing IAM policies on the fake Resource Manager.
 */
describe('Google Cloud end to end', () => {
  const gcp = new FakeGcp();
  const keyDir = mkdtempSync(join(tmpdir(), 'jitbot-gcp-'));
  let t: TestRuntime;

  beforeAll(async () => {
    await gcp.start();
    gcp.users.add('carol@example.com').add('erin@example.com');
    gcp.addResource(PROJECT, STANDING);
    gcp.addResource(FOLDER);
    t = await startTestRuntime({
      kind: 'postgres',
      env: { JIT_GCP_ENDPOINT: gcp.url, GOOGLE_APPLICATION_CREDENTIALS: gcp.writeServiceAccountKey(keyDir) },
      cloud: { gcpTlsCa: FAKE_CLOUD_CERT },
      policy: parsePolicy(
        `
approvals: { slack_channel: ${APPROVAL_CHANNEL} }
digest: { slack_channel: ${SECURITY_CHANNEL} }
roles:
  - id: gcp-prod-compute
    provider: gcp
    requesters: { anyone: true }
    gcp: { resource: "${PROJECT}", role: "roles/compute.admin" }
    max_duration: 4h
    min_duration: 1s
    reason: optional
    approval: { auto: true }
    extend: { auto_within: 4h }
  - id: gcp-folder-viewer
    provider: gcp
    requesters: { anyone: true }
    gcp: { resource: "${FOLDER}", role: "roles/resourcemanager.folderViewer" }
    max_duration: 4h
    min_duration: 1s
    reason: optional
    approval: { auto: true }
users:
  U0CAROL: { email: carol@example.com }
  U0ERIN: { email: erin@example.com }
  U0GHOST: { email: ghost@example.com }
  U0ROBOT: { gcp_member: "serviceAccount:deployer@my-prod.iam.gserviceaccount.com" }
`,
        'test-policy.yaml',
      ),
    });
  });
  afterAll(async () => {
    await t.close();
    await gcp.stop();
    rmSync(keyDir, { recursive: true, force: true });
  });

  const { slash, grantIn, dmsTo, postsTo, replies, auditOf } = slackDriver(() => t);
  /**
   * `/jit revoke`, then the revoke's verification, which reads the policy back in the
   * background: a later test's planned failure must not be spent on that read.
   */
  const endEarly = async (userId: string, requestId: string) => {
    await slash(userId, `revoke ${requestId}`);
    const revoked = await grantIn(requestId, 'revoked');
    await waitFor(async () => (await auditOf(requestId)).some((e) => e.action === 'revoke.verified'), 'the revoke verified');
    return revoked;
  };
  const jitBindings = (resource = PROJECT) => gcp.bindingsOf(resource).filter((b) => b.condition?.title?.startsWith('jit-'));
  const standingIntact = () => expect(gcp.bindingsOf(PROJECT).filter((b) => !b.condition?.title?.startsWith('jit-'))).toEqual(STANDING);

  it('binds the role to the requester under a condition that ends at the expiry, with a token from the key’s token endpoint', async () => {
    const request = await slash('U0CAROL', 'request gcp-prod-compute 1h deploy check');
    const grant = await grantIn(request.id, 'active');
    expect(jitBindings()).toEqual([
      {
        role: 'roles/compute.admin',
        members: [CAROL],
        condition: {
          title: `jit-${request.id}`,
          description: `jitbot grant ${grant.id} of gcp-prod-compute`,
          expression: `request.time < timestamp("${grant.expiresAt!.toISOString()}")`,
        },
      },
    ]);
    standingIntact();
    expect(gcp.callsOf('token').map((c) => c.status)).toContain(200);
    // Policy version 3 is read, and every write carries the etag it read.
    expect(gcp.callsOf('getIamPolicy').every((c) => c.requestedVersion === 3)).toBe(true);
    expect(gcp.callsOf('setIamPolicy').every((c) => typeof c.etag === 'string')).toBe(true);
    expect(gcp.hasAccess(PROJECT, 'roles/compute.admin', CAROL, new Date())).toBe(true);
    expect(gcp.hasAccess(PROJECT, 'roles/compute.admin', CAROL, new Date(grant.expiresAt!.getTime() + 1))).toBe(false);
    await waitFor(() => dmsTo('U0CAROL').some((m) => m.includes('Google ends it on its own at the expiry')), 'delivery DM');

    const revoked = await endEarly('U0CAROL', request.id); // verified by reading the policy back
    expect(jitBindings()).toEqual([]);
    standingIntact();
    expect(revoked.providerRef).toBe(`${PROJECT}#${bindingTitle(request.id)}`);
  });

  it('early revoke removes only its own binding, even beside the same role for the same person', async () => {
    const request = await slash('U0ERIN', 'request gcp-prod-compute 1h');
    await grantIn(request.id, 'active');
    expect(jitBindings()).toHaveLength(1);
    await endEarly('U0ERIN', request.id);
    expect(jitBindings()).toEqual([]);
    standingIntact(); // Erin's own weekday binding of the same role is still there
  });

  it('retries the whole read-modify-write when the policy changed under it (409 ABORTED), keeping the other change', async () => {
    gcp.interfere(2);
    const before = gcp.callsOf('setIamPolicy').length;
    const request = await slash('U0CAROL', 'request gcp-prod-compute 30m');
    await grantIn(request.id, 'active');
    expect(
      gcp
        .callsOf('setIamPolicy')
        .slice(before)
        .map((c) => c.status),
    ).toEqual([409, 409, 200]);
    const others = gcp.bindingsOf(PROJECT).filter((b) => b.role === 'roles/logging.viewer');
    expect(others).toHaveLength(2); // what the other writer added survived jitbot's write
    expect(jitBindings().map((b) => b.condition!.title)).toEqual([bindingTitle(request.id)]);
    await endEarly('U0CAROL', request.id);
    expect(gcp.bindingsOf(PROJECT).filter((b) => b.role === 'roles/logging.viewer')).toHaveLength(2);
    gcp.addResource(PROJECT, STANDING); // the other writer's bindings go, for the tests that follow
  });

  it('rides out throttling and 5xx, and a write retried after a lost answer finds its own binding', async () => {
    gcp.failNext('setIamPolicy', 'RESOURCE_EXHAUSTED');
    gcp.failNext('setIamPolicy', 'UNAVAILABLE');
    gcp.loseNextAnswer('setIamPolicy');
    const request = await slash('U0ERIN', 'request gcp-folder-viewer 30m');
    await grantIn(request.id, 'active');
    const writes = gcp.callsOf('setIamPolicy').filter((c) => c.resource === FOLDER);
    // 429, 503, a write that lands but answers 502, its retry (stale etag: 409), then a re-read that finds the binding.
    expect(writes.map((c) => c.status)).toEqual([429, 503, 502, 409]);
    expect(jitBindings(FOLDER)).toHaveLength(1);
    expect(jitBindings(FOLDER)[0]!.members).toEqual([ERIN]);
    await endEarly('U0ERIN', request.id);
    expect(jitBindings(FOLDER)).toEqual([]);
  });

  it('an extension moves the condition to the new expiry before it is recorded', async () => {
    const request = await slash('U0CAROL', 'request gcp-prod-compute 1h');
    const grant = await grantIn(request.id, 'active');
    await slash('U0CAROL', `extend ${request.id} 30m`);
    const moved = await waitFor(async () => {
      const now = await grantIn(request.id, 'active');
      return now.expiresAt!.getTime() > grant.expiresAt!.getTime() && now;
    }, 'extended grant');
    expect(moved.expiresAt!.getTime()).toBe(grant.expiresAt!.getTime() + 30 * 60_000);
    expect(jitBindings().map((b) => b.condition!.expression)).toEqual([expiryCondition(moved.expiresAt!)]);
    standingIntact();
    await endEarly('U0CAROL', request.id);
  });

  it('an extension Google cannot record changes nothing and says why', async () => {
    const request = await slash('U0ERIN', 'request gcp-prod-compute 1h');
    const grant = await grantIn(request.id, 'active');
    gcp.failNext('getIamPolicy', 'PERMISSION_DENIED');
    await slash('U0ERIN', `extend ${request.id} 30m`);
    await waitFor(() => replies().some((r) => r.includes(`Google Cloud IAM could not move the end of ${request.id}`)), 'refusal');
    expect((await grantIn(request.id, 'active')).expiresAt).toEqual(grant.expiresAt);
    expect(jitBindings().map((b) => b.condition!.expression)).toEqual([expiryCondition(grant.expiresAt!)]);
    const actions = (await auditOf(request.id)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['extend.failed', 'extend.lapsed']));
    expect(actions).not.toContain('grant.extended');
    // Asking again works once Google answers.
    await slash('U0ERIN', `extend ${request.id} 30m`);
    await waitFor(async () => (await auditOf(request.id)).some((e) => e.action === 'grant.extended'), 'extended on the second ask');
    await endEarly('U0ERIN', request.id);
  });

  it('at the expiry Google has ended the access; jitbot then removes the expired binding', async () => {
    const request = await slash('U0CAROL', 'request gcp-prod-compute 2s');
    const grant = await grantIn(request.id, 'active');
    expect(gcp.hasAccess(PROJECT, 'roles/compute.admin', CAROL, grant.expiresAt!)).toBe(false);
    await grantIn(request.id, 'expired');
    await waitFor(async () => (await auditOf(request.id)).some((e) => e.action === 'revoke.verified'), 'the revoke verified');
    expect(jitBindings()).toEqual([]);
    standingIntact();
  });

  it('binds the principal a users entry names instead of an e-mail', async () => {
    const request = await slash('U0ROBOT', 'request gcp-folder-viewer 30m');
    await grantIn(request.id, 'active');
    expect(jitBindings(FOLDER)[0]!.members).toEqual(['serviceAccount:deployer@my-prod.iam.gserviceaccount.com']);
    await endEarly('U0ROBOT', request.id);
  });

  it('fails the grant with what to fix when Google refuses the member or the bot, and audits it', async () => {
    const ghost = await slash('U0GHOST', 'request gcp-prod-compute 30m');
    const failed = await grantIn(ghost.id, 'failed');
    expect(failed.failureReason).toContain('INVALID_ARGUMENT: User ghost@example.com does not exist.');
    expect((await auditOf(ghost.id)).map((e) => e.action)).toContain('grant.failed');
    // The failed grant's clean-up reads the policy after the grant is marked failed; the DM follows
    // it. The planned refusal below must not be spent on that read.
    await waitFor(() => dmsTo('U0GHOST').some((m) => m.includes(ghost.id) && m.includes('could not be granted')), 'the failure DM');

    gcp.failNext('getIamPolicy', 'PERMISSION_DENIED');
    const denied = await slash('U0CAROL', 'request gcp-folder-viewer 30m');
    expect((await grantIn(denied.id, 'failed')).failureReason).toContain('manifests/gcp/');
    standingIntact();
  });

  it('tells a requester without an e-mail exactly what to add', async () => {
    t.slackApi.setUser('U0DAVE', { profile: { email: '' } });
    const request = await slash('U0DAVE', 'request gcp-prod-compute 30m');
    await grantIn(request.id, 'failed');
    await waitFor(() => dmsTo('U0DAVE').some((m) => m.includes('U0DAVE: { email: you@example.com }')), 'missing-email DM');
  });

  it('keeps retrying a revoke through an outage, alerts the security channel, and says when it recovered', async () => {
    const request = await slash('U0CAROL', 'request gcp-prod-compute 1h');
    const grant = await grantIn(request.id, 'active');
    gcp.outage = true;
    try {
      await slash('U0CAROL', `revoke ${request.id}`);
      await waitFor(() => postsTo(SECURITY_CHANNEL).some((m) => m.includes(`Revoke of`) && m.includes(grant.id)), 'failing alert', 30_000);
      expect(jitBindings()).toHaveLength(1);
    } finally {
      gcp.outage = false;
    }
    await grantIn(request.id, 'revoked');
    expect(jitBindings()).toEqual([]);
    await waitFor(() => postsTo(SECURITY_CHANNEL).some((m) => m.includes(`Grant ${grant.id}`) && m.includes('is now revoked')), 'recovery');
  });
});
