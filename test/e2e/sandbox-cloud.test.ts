import { eq } from 'drizzle-orm';
import { parseEnv } from '../../src/config/env';
import { parsePolicy } from '../../src/config/policy-file';
import { startRuntime, type Runtime } from '../../src/runtime';
import { accessRequests, grants } from '../../src/store/schema';
import { FakeAws } from '../fakes/aws';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { captureLogger } from '../helpers/logger';
import { deleteQueueKeys, TEST_REDIS_URL, testQueuePrefix } from '../helpers/redis';
import { waitFor } from '../helpers/wait';

const ACCOUNT = '111122223333';

/**
 * Trust boundaries, finding 6: the local sandbox (`npm run demo`, no chat credentials)
 * with an AWS role in the policy and working AWS credentials and endpoints in the
 * environment. Anyone who reaches the page may act as any user, so nothing there may
 * reach a cloud: the page is driven over its own HTTP API, as a visitor would.
 */
describe('local sandbox with cloud credentials around', () => {
  const aws = new FakeAws();
  let runtime: Runtime;
  let database: TestDatabase;
  const prefix = testQueuePrefix();
  const { logger, lines } = captureLogger('info');

  beforeAll(async () => {
    await aws.start();
    aws.addRole('ProdAdmin', 2 * 3600);
    database = await createTestDatabase('postgres');
    await database.close();
    const env = parseEnv({
      PORT: '0',
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      JIT_QUEUE_PREFIX: prefix,
      JIT_RECONCILE_EVERY: '1h',
      AWS_ENDPOINT_URL_STS: aws.url,
      AWS_ENDPOINT_URL_IAM: aws.url,
      JIT_AWS_FEDERATION_URL: `${aws.url}/federation`,
    });
    const policy = parsePolicy(
      `
approvals: { slack_channel: C0APPROVALS }
roles:
  - id: aws-admin
    provider: aws
    requesters: { anyone: true }
    aws: { role_arn: "arn:aws:iam::${ACCOUNT}:role/ProdAdmin" }
    max_duration: 2h
    reason: optional
    approval: { required: 2, approvers: { slack_users: [U0ALICE, U0BOB] } }
`,
      'sandbox-cloud.yaml',
    );
    runtime = await startRuntime({
      env,
      policy,
      logger,
      role: 'all',
      cloud: { awsCredentials: { accessKeyId: 'AKIAREALLOOKING', secretAccessKey: 'real-looking-secret' } },
    });
  });
  afterAll(async () => {
    await runtime?.close();
    await deleteQueueKeys(prefix, TEST_REDIS_URL);
    await database?.destroy();
    await aws.stop();
  });

  const page = (path: string, body?: Record<string, unknown>) =>
    fetch(
      `${runtime.sandboxPage!.url}api/${path}`,
      body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : undefined,
    );

  it('acts as the requester and both approvers, and gets sandbox access only: no STS call, no credentials, a note on the page', async () => {
    expect(
      (await page('command', { userId: 'U0REQUESTER', channel: 'C0GENERAL', text: '/jit request aws-admin 30m "try it"' })).status,
    ).toBe(200);
    const db = runtime.database.db;
    const request = await waitFor(
      async () => (await db.select().from(accessRequests).where(eq(accessRequests.requesterId, 'U0REQUESTER')))[0],
      'request filed',
    );
    for (const approver of ['U0ALICE', 'U0BOB']) {
      expect(
        (await page('click', { userId: approver, actionId: 'jit.approve', value: request.id, channel: 'C0APPROVALS', ts: '1.0' })).status,
      ).toBe(200);
    }
    const grant = await waitFor(
      async () => (await db.select().from(grants).where(eq(grants.requestId, request.id))).find((g) => g.status === 'active'),
      'grant active',
    );
    expect(grant.provider).toBe('sandbox');
    expect(aws.sessions).toEqual([]);
    expect(await runtime.sandbox.isStanding(grant.id)).toBe(true);

    const state = (await (await page('state')).json()) as { notes: string[]; messages: Array<{ text: string }> };
    expect(state.notes.join(' ')).toContain('aws-admin (aws) gives no real cloud access here');
    const everything = JSON.stringify(state.messages);
    for (const secret of ['AKIA', 'aws_access_key_id', 'SessionToken', 'signin']) expect(everything).not.toContain(secret);
    expect(lines.some((l) => l.includes('every role runs on the sandbox provider'))).toBe(true);
  });
});
