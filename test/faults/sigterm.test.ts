import { eq } from 'drizzle-orm';
import { grants } from '../../src/store/schema';
import { JitbotProcess, writeTestPolicy } from '../helpers/jitbot-process';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime';
import { waitFor } from '../helpers/wait';
import { recordFault } from './record';

/** SIGTERM: stop taking requests, finish the jobs in flight, exit 0. */
describe('SIGTERM', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await startTestRuntime({ kind: 'postgres', role: 'web' });
  });
  afterAll(() => t.close());

  it('finishes the grant in flight and exits cleanly', async () => {
    const bot = await JitbotProcess.start('all', { ...t.env, JIT_POLICY_FILE: writeTestPolicy(), JIT_SANDBOX_LATENCY: '2s' });
    const url = bot.url!;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const view = await t.runtime.service.request({ platform: 'slack', userId: 'U0TERM' }, { roleId: 'auto', durationMs: 600_000 });
    await waitFor(async () => (await t.runtime.database.db.select().from(grants).where(eq(grants.requestId, view.request.id)))[0]?.status === 'granting', 'grant in flight');

    const signalledAt = Date.now();
    const code = await bot.stop('SIGTERM');
    const took = Date.now() - signalledAt;
    expect(code).toBe(0);
    const [grant] = await t.runtime.database.db.select().from(grants).where(eq(grants.requestId, view.request.id));
    expect(grant?.status).toBe('active');
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    recordFault({ case: 'SIGTERM during a grant', injected: 'SIGTERM while the provider call (2 s) was in flight', result: `exit code ${code} after ${(took / 1000).toFixed(1)} s; in-flight grant finished: ${grant?.status === 'active' ? 'yes' : 'no'}; HTTP closed: yes` });
  });
});
