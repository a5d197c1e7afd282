import { eq, inArray } from 'drizzle-orm';
import { SlackRequestSigner } from '../../src/sandbox/signed-requests';
import { accessRequests, grants } from '../../src/store/schema';
import { JitbotProcess, writeTestPolicy } from '../helpers/jitbot-process';
import { SIGNING_SECRET, startTestRuntime, type TestRuntime } from '../helpers/runtime';
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
    await waitFor(
      async () =>
        (await t.runtime.database.db.select().from(grants).where(eq(grants.requestId, view.request.id)))[0]?.status === 'granting',
      'grant in flight',
    );

    const signalledAt = Date.now();
    const code = await bot.stop('SIGTERM');
    const took = Date.now() - signalledAt;
    expect(code).toBe(0);
    const [grant] = await t.runtime.database.db.select().from(grants).where(eq(grants.requestId, view.request.id));
    expect(grant?.status).toBe('active');
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    recordFault({
      case: 'SIGTERM during a grant',
      injected: 'SIGTERM while the provider call (2 s) was in flight',
      result: `exit code ${code} after ${(took / 1000).toFixed(1)} s; in-flight grant finished: ${grant?.status === 'active' ? 'yes' : 'no'}; HTTP closed: yes`,
    });
  });

  it('answers every command it acknowledged before the signal, while Slack answers slowly', async () => {
    const bot = await JitbotProcess.start('web', { ...t.env, JIT_POLICY_FILE: writeTestPolicy() });
    const signer = new SlackRequestSigner(`${bot.url!}/slack/events`, SIGNING_SECRET);
    t.slackApi.latencyMs = 1500;
    try {
      const tag = `term${Date.now()}`;
      const sent = await Promise.all(
        Array.from({ length: 100 }, async (_, i) => {
          const res = await signer.slashCommand({
            userId: `U0TERM${i}`,
            text: 'request quick 1h on-call fix',
            responseUrl: t.slackApi.responseUrl(`${tag}-${i}`),
          });
          return { id: `${tag}-${i}`, userId: `U0TERM${i}`, acked: res.status === 200 };
        }),
      );
      const acked = sent.filter((s) => s.acked);
      expect(acked).toHaveLength(100);
      const signalledAt = Date.now();
      const code = await bot.stop('SIGTERM');
      const took = Date.now() - signalledAt;
      expect(code).toBe(0);

      const answered = new Set(t.slackApi.callsOf('response_url').map((c) => String(c.args.id)));
      const unanswered = acked.filter((s) => !answered.has(s.id));
      const recorded = await t.runtime.database.db
        .select()
        .from(accessRequests)
        .where(
          inArray(
            accessRequests.requesterId,
            acked.map((s) => s.userId),
          ),
        );
      expect(unanswered).toEqual([]);
      expect(recorded).toHaveLength(100);
      recordFault({
        case: 'SIGTERM with a slow Slack',
        injected: 'SIGTERM right after 100 /jit request were acknowledged; every Slack call answered 1.5 s late',
        result: `acknowledged: ${acked.length}; recorded: ${recorded.length}; answered: ${acked.length - unanswered.length}; exit code ${code} after ${(took / 1000).toFixed(1)} s`,
      });
    } finally {
      t.slackApi.latencyMs = 0;
    }
  });
});
