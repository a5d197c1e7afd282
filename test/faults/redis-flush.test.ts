import { eq, inArray } from 'drizzle-orm';
import { auditEvents, grants } from '../../src/store/schema';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime';
import { waitFor } from '../helpers/wait';
import { recordFault } from './record';

/** Redis wiped while 100 grants are active: the reconciler alone must end them all, once. */
describe('Redis flushed with 100 active grants', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await startTestRuntime({ kind: 'postgres', role: 'all', privateRedis: true, reconcileEvery: '1s' });
  });
  afterAll(() => t.close());

  it('revokes every one by expiry plus one reconcile interval, none twice', async () => {
    const views = [];
    for (let i = 0; i < 100; i++) views.push(await t.runtime.service.request({ platform: 'slack', userId: `U0HUNDRED${i}` }, { roleId: 'auto', durationMs: 6000 }));
    const ids = views.map((v) => v.request.id);
    await waitFor(async () => (await t.runtime.database.db.select().from(grants).where(inArray(grants.requestId, ids))).filter((g) => g.status === 'active').length === 100, '100 active grants', 30_000, 100);
    await t.redis!.flush();
    const ended = await waitFor(async () => {
      const rows = await t.runtime.database.db.select().from(grants).where(inArray(grants.requestId, ids));
      return rows.every((g) => g.status === 'expired') && rows;
    }, 'all 100 expired', 30_000, 200);
    const late = ended.map((g) => g.revokedAt!.getTime() - g.expiresAt!.getTime());
    let doubles = 0;
    let standing = 0;
    for (const g of ended) {
      const events = await t.runtime.database.db.select().from(auditEvents).where(eq(auditEvents.grantId, g.id));
      if (events.filter((e) => e.action === 'grant.expired').length !== 1) doubles++;
      if (await t.runtime.sandbox.isStanding(g.id)) standing++;
    }
    expect(doubles).toBe(0);
    expect(standing).toBe(0);
    // One reconcile interval (1 s) plus the sweep itself; generous for a loaded 2-core machine.
    expect(Math.max(...late)).toBeLessThan(4000);
    recordFault({ case: 'Redis flushed, 100 active grants', injected: 'FLUSHALL after all 100 were active', result: `grants left past expiry: ${standing}; revoked twice: ${doubles}; max lateness ${Math.max(...late)} ms (reconcile every 1 s)` });
  });
});
