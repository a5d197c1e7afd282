import { and, eq, inArray } from 'drizzle-orm';
import { auditEvents, grants } from '../../src/store/schema';
import { JitbotProcess, writeTestPolicy } from '../helpers/jitbot-process';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime';
import { waitFor } from '../helpers/wait';
import { recordFault } from './record';

const GRANTS = 300;
const RECONCILE_EVERY_S = 2;

/**
 * Redis wiped just before a burst of expiries, with two worker processes: the
 * reconcilers alone must end every grant, and each revoke starts (and ends) once however
 * the two workers' sweeps and any surviving jobs meet.
 */
describe(`Redis flushed before ${GRANTS} expiries, two workers`, () => {
  let t: TestRuntime;
  const workers: JitbotProcess[] = [];
  beforeAll(async () => {
    t = await startTestRuntime({ kind: 'postgres', role: 'web', privateRedis: true });
    const env = { ...t.env, JIT_POLICY_FILE: writeTestPolicy(), JIT_RECONCILE_EVERY: `${RECONCILE_EVERY_S}s` };
    workers.push(...(await Promise.all([JitbotProcess.start('worker', env), JitbotProcess.start('worker', env)])));
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGTERM')));
    await t.close();
  });

  const grantRows = (requestIds: string[]) => t.runtime.database.db.select().from(grants).where(inArray(grants.requestId, requestIds));

  it('revokes every one, none started or ended twice, none left standing', async () => {
    // The grants must all be active before the flush and expire soon after it: the duration
    // is how long filing and granting them took, plus a margin.
    const filingStarted = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < GRANTS; i += 25) {
      const batch = await Promise.all(
        Array.from({ length: 25 }, (_, j) =>
          t.runtime.service.request({ platform: 'slack', userId: `U0FLUSH${i + j}` }, { roleId: 'auto', durationMs: 45_000 }),
        ),
      );
      ids.push(...batch.map((v) => v.request.id));
    }
    await waitFor(
      async () => (await grantRows(ids)).filter((g) => g.status === 'active').length === GRANTS,
      `${GRANTS} active grants`,
      40_000,
      250,
    );
    const activeAfter = Date.now() - filingStarted;
    await t.redis!.flush();

    const ended = await waitFor(
      async () => {
        const rows = await grantRows(ids);
        return rows.every((g) => g.status === 'expired') && rows;
      },
      `all ${GRANTS} expired`,
      120_000,
      500,
    );
    const grantIds = ended.map((g) => g.id);
    const countPerGrant = async (action: string) => {
      const rows = await t.runtime.database.db
        .select({ grantId: auditEvents.grantId })
        .from(auditEvents)
        .where(and(eq(auditEvents.action, action), inArray(auditEvents.grantId, grantIds)));
      const n = new Map<string, number>();
      for (const r of rows) n.set(r.grantId!, (n.get(r.grantId!) ?? 0) + 1);
      return grantIds.filter((id) => n.get(id) !== 1).length;
    };
    const startedTwice = await countPerGrant('revoke.started');
    const endedTwice = await countPerGrant('grant.expired');
    let standing = 0;
    for (const g of ended) if (await t.runtime.sandbox.isStanding(g.id)) standing++;
    const late = ended.map((g) => g.revokedAt!.getTime() - g.expiresAt!.getTime());
    expect({ startedTwice, endedTwice, standing }).toEqual({ startedTwice: 0, endedTwice: 0, standing: 0 });
    // The backstop's bound (issue 18): one reconcile interval plus 30 s.
    expect(Math.max(...late)).toBeLessThan((RECONCILE_EVERY_S + 30) * 1000);
    recordFault({
      case: `Redis flushed before ${GRANTS} expiries, 2 workers`,
      injected: `FLUSHALL once all ${GRANTS} were active (${(activeAfter / 1000).toFixed(0)} s), before they expired`,
      result: `left standing: ${standing}; revoke started twice: ${startedTwice}; ended twice: ${endedTwice}; max lateness ${(Math.max(...late) / 1000).toFixed(1)} s (reconcile every ${RECONCILE_EVERY_S} s)`,
    });
  });
});
