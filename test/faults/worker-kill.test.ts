import { eq, inArray } from 'drizzle-orm';
import { auditEvents, grants } from '../../src/store/schema';
import { JitbotProcess, writeTestPolicy } from '../helpers/jitbot-process';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime';
import { waitFor } from '../helpers/wait';
import { recordFault } from './record';

/**
 * A worker process SIGKILLed in the middle of grant and revoke jobs. BullMQ notices
 * the stalled jobs (lock expiry, ~30 s) and a new worker finishes them; the grant row
 * written before the provider call and the idempotent provider make the retry safe.
 */
describe('worker killed mid-job', () => {
  let t: TestRuntime;
  let worker: JitbotProcess | undefined;
  const workerEnv = () => ({ ...t.env, JIT_POLICY_FILE: writeTestPolicy(), JIT_SANDBOX_LATENCY: '2s', JIT_RECONCILE_EVERY: '2s' });
  beforeAll(async () => {
    t = await startTestRuntime({ kind: 'postgres', role: 'web' });
  });
  afterAll(async () => {
    await worker?.stop('SIGKILL');
    await t.close();
  });

  const grantRows = (requestIds: string[]) => t.runtime.database.db.select().from(grants).where(inArray(grants.requestId, requestIds));
  const countAudits = async (action: string, grantIds: string[]) =>
    (await t.runtime.database.db.select().from(auditEvents).where(eq(auditEvents.action, action))).filter(
      (e) => e.grantId && grantIds.includes(e.grantId),
    ).length;

  it('finishes every grant and revoke exactly once after a SIGKILL and restart', async () => {
    const service = t.runtime.service;
    worker = await JitbotProcess.start('worker', workerEnv());
    const views = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        service.request({ platform: 'slack', userId: `U0KILL${i}` }, { roleId: 'auto', durationMs: 8000 }),
      ),
    );
    const ids = views.map((v) => v.request.id);

    // Kill while the provider calls are in flight (the sandbox takes 2 s per call).
    await waitFor(async () => (await grantRows(ids)).length === 10, 'grant rows written before the provider is called');
    const inFlight = (await grantRows(ids)).filter((g) => g.status === 'granting').length;
    await worker.stop('SIGKILL');
    const startedAt = Date.now();
    worker = await JitbotProcess.start('worker', workerEnv());
    const active = await waitFor(
      async () => {
        const rows = await grantRows(ids);
        return rows.every((g) => g.status === 'active' || g.status === 'expired') && rows;
      },
      'every grant active after restart',
      90_000,
      250,
    );
    const grantRecovery = Date.now() - startedAt;
    const grantIds = active.map((g) => g.id);
    expect(await countAudits('grant.activated', grantIds)).toBe(10);
    recordFault({
      case: 'worker SIGKILL mid-grant',
      injected: `SIGKILL with ${inFlight}/10 grants in flight`,
      result: `all 10 active after restart in ${(grantRecovery / 1000).toFixed(1)} s; activations recorded: 10`,
    });

    // Now kill it while the revokes are in flight.
    await waitFor(async () => (await grantRows(ids)).filter((g) => g.status === 'revoking').length >= 5, 'revokes in flight', 30_000, 100);
    const revoking = (await grantRows(ids)).filter((g) => g.status === 'revoking').length;
    await worker.stop('SIGKILL');
    const revokeRestart = Date.now();
    worker = await JitbotProcess.start('worker', workerEnv());
    const ended = await waitFor(
      async () => {
        const rows = await grantRows(ids);
        return rows.every((g) => g.status === 'expired') && rows;
      },
      'every grant expired after restart',
      90_000,
      250,
    );
    for (const g of ended) expect(await t.runtime.sandbox.isStanding(g.id)).toBe(false);
    expect(await countAudits('grant.expired', grantIds)).toBe(10);
    recordFault({
      case: 'worker SIGKILL mid-revoke',
      injected: `SIGKILL with ${revoking}/10 revokes in flight`,
      result: `all 10 revoked after restart in ${((Date.now() - revokeRestart) / 1000).toFixed(1)} s; access left standing: 0; expiries recorded: 10`,
    });
  });
});
