import { count, eq } from 'drizzle-orm';
import { SlackRequestSigner } from '../../src/sandbox/signed-requests';
import { accessRequests, auditEvents, grants } from '../../src/store/schema';
import { JitbotProcess, writeTestPolicy } from '../helpers/jitbot-process';
import { PrivatePostgres } from '../helpers/postgres-server';
import { SIGNING_SECRET, startTestRuntime, type TestRuntime } from '../helpers/runtime';
import { waitFor } from '../helpers/wait';
import { recordFault } from './record';

/** Postgres stopped (as in a crash) and started again under traffic. */
describe('Postgres restart', () => {
  let pg: PrivatePostgres;
  let t: TestRuntime;
  beforeAll(async () => {
    pg = await PrivatePostgres.start();
    t = await startTestRuntime({ kind: 'postgres', role: 'all', postgresServerUrl: pg.url, reconcileEvery: '1s' });
  });
  afterAll(async () => {
    await t.close();
    pg.destroy();
  });

  it('answers with a clear message while it is down, records nothing by halves, and recovers without a restart', async () => {
    const send = async (n: number) => {
      const id = `pg-${n}-${Date.now()}`;
      const res = await t.signer.slashCommand({
        userId: `U0PG${n}`,
        text: 'request quick 1m traffic',
        responseUrl: t.slackApi.responseUrl(id),
      });
      expect(res.status).toBe(200);
      return String(t.slackApi.callsOf('response_url').find((c) => c.args.id === id)?.args.text);
    };
    expect(await send(1)).toContain('Filed');
    pg.down();
    const during = await Promise.all([2, 3, 4].map(send));
    for (const text of during) expect(text).toMatch(/Something went wrong on jitbot's side .*Please try again/);
    pg.up();
    const upAt = Date.now();
    const after = await waitFor(async () => (await send(5)).includes('Filed'), 'a request to succeed after the restart', 30_000, 500);
    expect(after).toBe(true);

    const requests = await t.runtime.database.db.select().from(accessRequests);
    const halves = [];
    for (const r of requests) {
      const [row] = await t.runtime.database.db.select({ n: count() }).from(auditEvents).where(eq(auditEvents.requestId, r.id));
      if (!row || row.n === 0) halves.push(r.id);
    }
    expect(halves).toEqual([]);
    expect(requests.map((r) => r.requesterId).sort()).toEqual(['U0PG1', 'U0PG5']);
    recordFault({
      case: 'Postgres crash and restart',
      injected: 'pg_ctl stop -m immediate under /jit requests, then start',
      result: `3 requests during the outage answered "try again"; half-recorded: ${halves.length}; recovered without restart in ${((Date.now() - upAt) / 1000).toFixed(1)} s`,
    });
  });
});

/** `pg_ctl restart -m fast` again and again while web and worker processes carry traffic. */
describe('Postgres restart cycles under traffic', () => {
  const CYCLES = 4;
  let pg: PrivatePostgres;
  let t: TestRuntime;
  const bots: JitbotProcess[] = [];
  beforeAll(async () => {
    pg = await PrivatePostgres.start();
    t = await startTestRuntime({ kind: 'postgres', role: 'web', postgresServerUrl: pg.url });
    const env = { ...t.env, JIT_POLICY_FILE: writeTestPolicy(), JIT_RECONCILE_EVERY: '2s' };
    bots.push(...(await Promise.all([JitbotProcess.start('web', env), JitbotProcess.start('worker', env)])));
  });
  afterAll(async () => {
    await Promise.all(bots.map((b) => b.stop('SIGTERM')));
    await t.close();
    pg.destroy();
  });

  it('keeps every process up, and every grant made during it ends', async () => {
    const [web, worker] = bots as [JitbotProcess, JitbotProcess];
    const signer = new SlackRequestSigner(`${web.url!}/slack/events`, SIGNING_SECRET);
    let sending = true;
    let sent = 0;
    const traffic = (async () => {
      while (sending) {
        const n = sent++;
        // During a restart some of these are answered "try again"; that is expected.
        await signer
          .slashCommand({ userId: `U0CYCLE${n}`, text: 'request auto 3s cycling', responseUrl: t.slackApi.responseUrl(`cycle-${n}`) })
          .catch(() => undefined);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const before = sent;
      await waitFor(() => sent >= before + 20, 'traffic between restarts', 30_000, 50);
      pg.restart();
    }
    const afterLast = sent;
    await waitFor(() => sent >= afterLast + 20, 'traffic after the last restart', 30_000, 50);
    sending = false;
    await traffic;

    const requests = await waitFor(
      async () => {
        const rows = await t.runtime.database.db.select().from(accessRequests);
        // A process that died will not end them: stop waiting and report it.
        return (bots.some((b) => b.exited) || (rows.length > 0 && rows.every((r) => ['expired', 'failed'].includes(r.status)))) && rows;
      },
      'every request filed during the restarts to end',
      120_000,
      500,
    );
    const standing = [];
    for (const g of await t.runtime.database.db.select().from(grants)) if (await t.runtime.sandbox.isStanding(g.id)) standing.push(g.id);
    const exits = bots.filter((b) => b.exited).map((b) => b.exited);
    const crashLines = [...web.lines, ...worker.lines].filter((l) => /uncaught|Cannot read properties of null/i.test(l));
    expect({ exits, crashLines, standing }).toEqual({ exits: [], crashLines: [], standing: [] });
    recordFault({
      case: `Postgres restart × ${CYCLES} under traffic`,
      injected: `pg_ctl restart -m fast ${CYCLES} times while 1 web + 1 worker process carried ${sent} /jit requests of 3 s grants`,
      result: `process exits: 0; requests recorded: ${requests.length}, all ended (${requests.filter((r) => r.status === 'expired').length} expired, ${requests.filter((r) => r.status === 'failed').length} failed); access left standing: 0`,
    });
  });
});
