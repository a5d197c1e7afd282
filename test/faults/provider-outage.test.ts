import { eq, inArray } from 'drizzle-orm';
import { auditEvents, grants } from '../../src/store/schema';
import { SECURITY_CHANNEL } from '../helpers/policy';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime';
import { waitFor } from '../helpers/wait';
import { recordFault } from './record';

/** The provider's API fails (5xx) for a while exactly when revokes are due. */
describe('provider outage during revoke', () => {
  let t: TestRuntime;
  let outageUntil = 0;
  beforeAll(async () => {
    t = await startTestRuntime({
      kind: 'postgres',
      role: 'all',
      reconcileEvery: '1s',
      sandboxHook: async (op) => {
        if (op === 'revoke' && Date.now() < outageUntil) throw new Error('503 Service Unavailable');
      },
    });
  });
  afterAll(() => t.close());

  it('retries, shows revoke_failed, alerts security, and revokes once the API is back', async () => {
    const views = await Promise.all(
      Array.from({ length: 3 }, (_, i) =>
        t.runtime.service.request({ platform: 'slack', userId: `U0CLOUD${i}` }, { roleId: 'auto', durationMs: 2000 }),
      ),
    );
    const ids = views.map((v) => v.request.id);
    await waitFor(
      async () =>
        (await t.runtime.database.db.select().from(grants).where(inArray(grants.requestId, ids))).every((g) => g.status === 'active'),
      'grants active',
    );
    outageUntil = Date.now() + 12_000;
    await waitFor(
      async () =>
        (await t.runtime.database.db.select().from(grants).where(inArray(grants.requestId, ids))).every(
          (g) => g.status === 'revoke_failed',
        ),
      'revoke_failed visible',
      10_000,
      100,
    );
    await waitFor(
      () => t.slackApi.callsOf('chat.postMessage').filter((c) => c.args.channel === SECURITY_CHANNEL).length >= 3,
      'an alert per grant',
      15_000,
    );
    const ended = await waitFor(
      async () => {
        const rows = await t.runtime.database.db.select().from(grants).where(inArray(grants.requestId, ids));
        return rows.every((g) => g.status === 'expired') && rows;
      },
      'revoked after the outage',
      40_000,
      200,
    );
    for (const g of ended) {
      expect(await t.runtime.sandbox.isStanding(g.id)).toBe(false);
      expect(g.revokedAt!.getTime()).toBeGreaterThanOrEqual(outageUntil);
      const expired = await t.runtime.database.db.select().from(auditEvents).where(eq(auditEvents.grantId, g.id));
      expect(expired.filter((e) => e.action === 'grant.expired')).toHaveLength(1);
    }
    const alerts = t.slackApi
      .callsOf('chat.postMessage')
      .filter((c) => c.args.channel === SECURITY_CHANNEL)
      .map((c) => String(c.args.text));
    const lateness = Math.max(...ended.map((g) => g.revokedAt!.getTime() - g.expiresAt!.getTime()));
    recordFault({
      case: 'provider 5xx during revoke',
      injected: 'sandbox revoke answers 503 for 12 s from expiry',
      result: `revoke_failed shown; ${alerts.filter((a) => a.includes('has failed')).length} alerts, ${alerts.filter((a) => a.includes('is now revoked')).length} all-clear; all 3 revoked ${(lateness / 1000).toFixed(1)} s after expiry (outage 12 s); double revokes: 0`,
    });
  });
});
