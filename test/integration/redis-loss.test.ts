import { eq, inArray } from 'drizzle-orm';
import { auditEvents, grants } from '../../src/store/schema';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime';
import { waitFor } from '../helpers/wait';

/**
 * Redis is where the delayed revoke jobs live. If it loses them, the reconciler
 * (which re-registers itself) must still find every expired grant in Postgres.
 */
describe('Redis loss while grants are active', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await startTestRuntime({ kind: 'postgres', role: 'all', privateRedis: true, reconcileEvery: '1s' });
  });
  afterAll(() => t.close());

  it('revokes every expired grant once, through the reconciler alone', async () => {
    const service = t.runtime.service;
    const views = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        service.request({ platform: 'slack', userId: `U0FLUSH${i}` }, { roleId: 'auto', durationMs: 2000 }),
      ),
    );
    const ids = views.map((v) => v.request.id);
    const active = await waitFor(async () => {
      const rows = await t.runtime.database.db.select().from(grants).where(inArray(grants.requestId, ids));
      return rows.length === 10 && rows.every((g) => g.status === 'active') && rows;
    }, 'all grants active');

    await t.redis!.flush();
    for (const g of active) expect(await t.runtime.queues.revoke.getJob(`revoke-${g.id}`)).toBeUndefined();

    const ended = await waitFor(
      async () => {
        const rows = await t.runtime.database.db.select().from(grants).where(inArray(grants.requestId, ids));
        return rows.every((g) => g.status === 'expired') && rows;
      },
      'every grant expired',
      10_000,
    );
    for (const g of ended) {
      expect(await t.runtime.sandbox.isStanding(g.id)).toBe(false);
      // Ended within one reconcile interval (plus a margin for a loaded machine) of expiry.
      expect(g.revokedAt!.getTime() - g.expiresAt!.getTime()).toBeLessThan(3000);
      const expiries = await t.runtime.database.db.select().from(auditEvents).where(eq(auditEvents.grantId, g.id));
      expect(expiries.filter((e) => e.action === 'grant.expired')).toHaveLength(1);
    }
  });
});
