import { parsePolicy } from '../../src/config/policy-file';
import { eq } from 'drizzle-orm';
import type { Grant } from '../../src/access/model';
import type { Role } from '../../src/access/policy';
import { AzureRbacProvider, assignmentNameFor } from '../../src/providers/azure-rbac';
import { auditEvents } from '../../src/store/schema';
import { FAKE_ARM_CA, FakeArm, fakeArmCredential } from '../fakes/arm';
import { APPROVAL_CHANNEL, SECURITY_CHANNEL } from '../helpers/policy';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime';
import { slackDriver } from '../helpers/slack-driver';
import { waitFor } from '../helpers/wait';

const SUB = '/subscriptions/00000000-1111-2222-3333-444444444444';
const SCOPE = `${SUB}/resourceGroups/prod`;
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
const CAROL = '11111111-aaaa-4bbb-8ccc-000000000001';
const ERIN = '11111111-aaaa-4bbb-8ccc-000000000002';

/**
 * Azure through the whole service: signed Slack commands, the core, BullMQ workers,
 * Postgres, and @azure/arm-authorization talking over https to the local ARM fake.
 */
describe('Azure end to end', () => {
  const arm = new FakeArm();
  let t: TestRuntime;

  beforeAll(async () => {
    await arm.start();
    arm.principals.add(CAROL).add(ERIN);
    t = await startTestRuntime({
      kind: 'postgres',
      env: { AZURE_ARM_ENDPOINT: arm.url },
      cloud: { azureCredential: fakeArmCredential, azureTlsCa: FAKE_ARM_CA },
      policy: parsePolicy(
        `
approvals: { slack_channel: ${APPROVAL_CHANNEL} }
digest: { slack_channel: ${SECURITY_CHANNEL} }
roles:
  - id: az-read
    provider: azure
    requesters: { anyone: true }
    azure: { scope: "${SCOPE}", role_definition_id: "${READER}" }
    max_duration: 4h
    min_duration: 1s
    reason: optional
    approval: { auto: true }
  - id: az-pim
    provider: azure
    requesters: { anyone: true }
    azure: { scope: "${SCOPE}", role_definition_id: "${SUB}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c", mode: pim }
    max_duration: 4h
    min_duration: 1s
    reason: optional
    approval: { auto: true }
users:
  U0CAROL: { email: carol@example.com, azure_object_id: "${CAROL}" }
  U0ERIN: { email: erin@example.com, azure_object_id: "${ERIN}" }
  U0GHOST: { email: ghost@example.com, azure_object_id: "99999999-aaaa-4bbb-8ccc-000000000000" }
`,
        'test-policy.yaml',
      ),
    });
  });
  afterAll(async () => {
    await t.close();
    await arm.stop();
  });

  const { db, slash, grantIn, dmsTo } = slackDriver(() => t);
  const key = (grantId: string) => `${SCOPE}|${assignmentNameFor(grantId)}`;

  it('assigns the role at the scope under a name derived from the grant, and deletes it on an early revoke', async () => {
    const request = await slash('U0CAROL', 'request az-read 1h deploy check');
    const grant = await grantIn(request.id, 'active');
    expect(arm.assignments.get(key(grant.id))).toEqual({
      scope: SCOPE,
      name: assignmentNameFor(grant.id),
      principalId: CAROL,
      roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${READER}`,
    });
    expect(grant.providerRef).toBe(`${SCOPE}/providers/Microsoft.Authorization/roleAssignments/${assignmentNameFor(grant.id)}`);
    await waitFor(() => dmsTo('U0CAROL').some((m) => m.includes('Your Azure role assignment is in place')), 'delivery DM');

    await slash('U0CAROL', `revoke ${request.id}`);
    await grantIn(request.id, 'revoked');
    expect(arm.assignments.has(key(grant.id))).toBe(false);
  });

  it('removes the assignment at expiry', async () => {
    const request = await slash('U0CAROL', 'request az-read 2s');
    const grant = await grantIn(request.id, 'active');
    expect(arm.assignments.has(key(grant.id))).toBe(true);
    await grantIn(request.id, 'expired');
    expect(arm.assignments.has(key(grant.id))).toBe(false);
  });

  it('rides out throttling and 5xx, and a create retried after a lost answer finds its own assignment', async () => {
    // 429 (the SDK honours Retry-After), then 503, then a create that lands but whose answer is lost.
    arm.failNext('PUT', 429, 'TooManyRequests', 1, '0');
    arm.failNext('PUT', 503, 'ServiceUnavailable', 1);
    arm.loseNextAnswer('PUT');
    const request = await slash('U0ERIN', 'request az-read 30m');
    const grant = await grantIn(request.id, 'active');
    const name = assignmentNameFor(grant.id);
    const mine = arm.calls.filter((c) => c.path.endsWith(name)).map((c) => `${c.method} ${c.status}`);
    expect(mine).toEqual(['PUT 429', 'PUT 503', 'PUT 502', 'PUT 409', 'GET 200']);
    expect(arm.assignmentsOf(ERIN)).toHaveLength(1);
    await slash('U0ERIN', `revoke ${request.id}`);
    await grantIn(request.id, 'revoked');
    expect(arm.assignmentsOf(ERIN)).toHaveLength(0);
  });

  it('refuses, with what to fix, when the user already holds the role through an assignment jitbot did not make', async () => {
    const name = '22222222-3333-4444-8555-666666666666';
    arm.assignments.set(`${SCOPE}|${name}`, {
      scope: SCOPE,
      name,
      principalId: ERIN,
      roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${READER}`,
    });
    try {
      const request = await slash('U0ERIN', 'request az-read 30m');
      const failed = await grantIn(request.id, 'failed');
      expect(failed.failureReason).toContain('already holds this role at this scope through an assignment jitbot did not make');
      expect(arm.assignments.has(`${SCOPE}|${name}`)).toBe(true);
    } finally {
      arm.assignments.delete(`${SCOPE}|${name}`);
    }
  });

  it('fails the grant with what to fix when the object id is unknown to Entra, and audits it', async () => {
    const request = await slash('U0GHOST', 'request az-read 30m');
    const failed = await grantIn(request.id, 'failed');
    expect(failed.failureReason).toContain('PrincipalNotFound');
    expect(failed.failureReason).toContain('users.<id>.azure_object_id');
    await waitFor(() => dmsTo('U0GHOST').some((m) => m.includes('could not be granted: Azure refused')), 'failure DM');
    const audit = await db().select().from(auditEvents).where(eq(auditEvents.requestId, request.id));
    expect(audit.map((e) => e.action)).toContain('grant.failed');
  });

  it('tells a Slack user with no object id in the policy what to add', async () => {
    const request = await slash('U0DAVE', 'request az-read 30m');
    await grantIn(request.id, 'failed');
    await waitFor(
      () => dmsTo('U0DAVE').some((m) => m.includes('U0DAVE: { email: you@example.com, azure_object_id: &lt;your object id&gt; }')),
      'missing-id DM',
    );
  });

  it('with mode pim, asks for an assignment that expires on its own, and removes it early on revoke', async () => {
    const request = await slash('U0ERIN', 'request az-pim 1h');
    const grant = await grantIn(request.id, 'active');
    const assigned = arm.assignments.get(key(grant.id))!;
    expect(assigned.principalId).toBe(ERIN);
    expect(new Date(assigned.endDateTime!).getTime()).toBe(grant.expiresAt!.getTime());
    await slash('U0ERIN', `revoke ${request.id}`);
    await grantIn(request.id, 'revoked');
    expect(arm.assignments.has(key(grant.id))).toBe(false);
    expect(arm.scheduleRequests.get(`${SCOPE}|${assignmentNameFor(grant.id, 'remove')}`)?.requestType).toBe('AdminRemove');
  });

  it('a new provider instance revokes a grant made before a restart; 404 on delete counts as done', async () => {
    const request = await slash('U0CAROL', 'request az-read 1h');
    const grant = await grantIn(request.id, 'active');
    const role = { id: 'az-read', provider: 'azure', azure: { scope: SCOPE, role_definition_id: READER, mode: 'assignment' } } as Role;
    const fresh = new AzureRbacProvider({
      credential: fakeArmCredential,
      endpoint: arm.url,
      tlsCa: FAKE_ARM_CA,
      clock: { now: () => new Date() },
    });
    await fresh.revoke(grant as unknown as Grant, role);
    expect(arm.assignments.has(key(grant.id))).toBe(false);
    // The service's own revoke now finds nothing to delete (404) and finishes the grant.
    await slash('U0CAROL', `revoke ${request.id}`);
    await grantIn(request.id, 'revoked');
    expect(
      arm
        .callsOf('DELETE')
        .filter((c) => c.path.endsWith(assignmentNameFor(grant.id)))
        .map((c) => c.status),
    ).toEqual([200, 404]);
  });
});
