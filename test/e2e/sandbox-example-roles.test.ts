import path from 'node:path';
import { eq } from 'drizzle-orm';
import { parseEnv } from '../../src/config/env';
import { loadPolicyFile } from '../../src/config/policy-file';
import { startRuntime, type Runtime } from '../../src/runtime';
import { accessRequests, grants } from '../../src/store/schema';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { captureLogger } from '../helpers/logger';
import { deleteQueueKeys, TEST_REDIS_URL, testQueuePrefix } from '../helpers/redis';
import { waitFor } from '../helpers/wait';

type State = { users: Array<{ id: string; label: string }>; messages: Array<{ channel: string; text: string; user?: string }> };

/**
 * A new user tries every role of the shipped example policy in the local sandbox, as the
 * page offers them: each can be requested by someone the page lets you act as, and
 * approved by people the page lets you act as, up to an active (sandbox) grant.
 */
describe('local sandbox: every role of the example policy', () => {
  let runtime: Runtime;
  let database: TestDatabase;
  const prefix = testQueuePrefix();
  const policy = loadPolicyFile(path.join(__dirname, '../../policy.example.yaml'));
  const start = () =>
    startRuntime({
      env: parseEnv({
        PORT: '0',
        DATABASE_URL: database.url,
        REDIS_URL: TEST_REDIS_URL,
        JIT_QUEUE_PREFIX: prefix,
        JIT_RECONCILE_EVERY: '1h',
      }),
      policy,
      logger: captureLogger('info').logger,
      role: 'all',
      host: '127.0.0.1',
    });

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    await database.close();
    runtime = await start();
  });
  afterAll(async () => {
    await runtime?.close();
    await deleteQueueKeys(prefix, TEST_REDIS_URL);
    await database?.destroy();
  });

  const page = async (what: string, body?: Record<string, unknown>) => {
    const res = await fetch(
      `${runtime.sandboxPage!.url}api/${what}`,
      body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : undefined,
    );
    expect(res.status).toBe(200);
    return res;
  };

  it.each(policy.roles.map((r) => r.id))('%s: requested and approved by people of the page, up to an active grant', async (roleId) => {
    const state = (await (await page('state')).json()) as State;
    const people = state.users.map((u) => u.id);
    // Whoever the page offers and the role lets ask (the requester first).
    let request: typeof accessRequests.$inferSelect | undefined;
    const api = runtime.sandboxPage!.slack.api;
    const answers = () => api.callsOf('response_url').length + api.callsOf('views.open').length;
    for (const userId of people) {
      const before = answers();
      await page('command', { userId, channel: 'C0GENERAL', text: `/jit request ${roleId} 30m "trying ${roleId} INC-42"` });
      await waitFor(() => answers() > before, `an answer to ${userId}`);
      request = (await runtime.database.db.select().from(accessRequests).where(eq(accessRequests.requesterId, userId))).find(
        (r) => r.roleId === roleId,
      );
      if (request) break;
    }
    expect(request).toBeDefined();
    // Everyone else on the page presses Approve on it until it is granted (refusals are fine: not an approver).
    for (const userId of people.filter((id) => id !== request!.requesterId)) {
      const [now] = await runtime.database.db.select().from(accessRequests).where(eq(accessRequests.id, request!.id));
      if (now!.status !== 'pending') break;
      const before = answers();
      await page('click', { userId, actionId: 'jit.approve', value: request!.id, channel: 'C0APPROVALS', ts: '1.0' });
      await waitFor(
        async () =>
          answers() > before ||
          api.callsOf('chat.postEphemeral').some((c) => c.args.user === userId) ||
          (await runtime.database.db.select().from(accessRequests).where(eq(accessRequests.id, request!.id)))[0]!.status !== 'pending',
        `an answer to ${userId}'s click`,
      );
    }
    const grant = await waitFor(
      async () =>
        (await runtime.database.db.select().from(grants).where(eq(grants.requestId, request!.id))).find((g) => g.status === 'active'),
      `${roleId} granted`,
    );
    expect(grant.provider).toBe('sandbox');
  });

  it('a restart on kept data: the page starts empty and says the requests of earlier runs are kept', async () => {
    expect(((await (await page('state')).json()) as { notes: string[] }).notes.join(' ')).not.toContain('earlier runs');
    await runtime.close();
    runtime = await start();
    const { notes, messages } = (await (await page('state')).json()) as { notes: string[]; messages: unknown[] };
    expect(messages).toEqual([]);
    expect(notes.join(' ')).toContain(
      `the database keeps what earlier runs did: ${policy.roles.length} requests from before (\`/jit list\` shows yours`,
    );
  });
});
