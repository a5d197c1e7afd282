import { asc, eq } from 'drizzle-orm';
import { accessRequests, auditEvents, grants } from '../../src/store/schema';
import { APPROVAL_CHANNEL } from '../helpers/policy';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime';
import { waitFor } from '../helpers/wait';
import { recordFault } from './record';

/** Redis down for a while, then back (empty, as after a crash without persistence). */
describe('Redis outage', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await startTestRuntime({ kind: 'postgres', role: 'all', privateRedis: true, reconcileEvery: '1s' });
  });
  afterAll(() => t.close());

  it('keeps taking and recording requests, and grants them once Redis is back', async () => {
    await t.redis!.down();
    const downAt = Date.now();
    const reply = async (userId: string, text: string) => {
      const id = `${userId}-${Date.now()}`;
      expect((await t.signer.slashCommand({ userId, text, responseUrl: t.slackApi.responseUrl(id) })).status).toBe(200);
      return String(t.slackApi.callsOf('response_url').find((c) => c.args.id === id)?.args.text);
    };
    expect(await reply('U0OUT1', 'request auto 5s during the outage')).toContain('Filed');
    expect(await reply('U0OUT2', 'request quick 5s during the outage')).toContain('Filed');
    const [pending] = await t.runtime.database.db.select().from(accessRequests).where(eq(accessRequests.requesterId, 'U0OUT2'));
    const click = await t.signer.buttonClick({
      userId: 'U0ALICE',
      actionId: 'jit.approve',
      value: pending!.id,
      channelId: APPROVAL_CHANNEL,
      messageTs: '1.0',
      responseUrl: t.slackApi.responseUrl('c'),
    });
    expect(click.status).toBe(200);
    expect(await (await fetch(`${t.runtime.url}/readyz`)).json()).toMatchObject({ ok: false, redis: false, postgres: true });

    const requests = await t.runtime.database.db
      .select()
      .from(accessRequests)
      .where(eq(accessRequests.roleId, 'auto'))
      .orderBy(asc(accessRequests.createdAt));
    const ids = [requests.at(-1)!.id, pending!.id];
    for (const id of ids) {
      const audit = (await t.runtime.database.db.select().from(auditEvents).where(eq(auditEvents.requestId, id))).map((e) => e.action);
      expect(audit).toContain('request.approved');
    }

    await new Promise((r) => setTimeout(r, 2000));
    await t.redis!.up();
    const upAt = Date.now();
    await waitFor(
      async () => {
        const rows = await Promise.all(
          ids.map(async (id) => (await t.runtime.database.db.select().from(grants).where(eq(grants.requestId, id)))[0]),
        );
        return rows.every((g) => g?.status === 'expired');
      },
      'both granted and expired after Redis is back',
      40_000,
      200,
    );
    recordFault({
      case: 'Redis down, then back empty',
      injected: `redis-server killed for ${((upAt - downAt) / 1000).toFixed(1)} s; restarted with no data`,
      result: `2 requests filed and approved during the outage (recorded, none half-written); both granted and revoked ${((Date.now() - upAt) / 1000).toFixed(1)} s after Redis returned`,
    });
  });
});
