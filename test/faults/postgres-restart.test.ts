import { count, eq } from 'drizzle-orm';
import { accessRequests, auditEvents } from '../../src/store/schema';
import { PrivatePostgres } from '../helpers/postgres-server';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime';
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
      const res = await t.signer.slashCommand({ userId: `U0PG${n}`, text: 'request quick 1m traffic', responseUrl: t.slackApi.responseUrl(id) });
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
