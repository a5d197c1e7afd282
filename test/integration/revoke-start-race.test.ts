import { and, eq, sql } from 'drizzle-orm';
import { DrizzleAccessStore } from '../../src/store/repos/access-store';
import { auditEvents } from '../../src/store/schema';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime';
import { waitFor } from '../helpers/wait';

const WORKER = { platform: 'system', userId: 'worker' } as const;

/**
 * Two workers start the revoke of one grant at the same moment (its queued job and a
 * reconciler sweep after Redis lost the job): both wait for a row lock, then each in turn
 * marks it revoking. The grant moved off 'active' once, so `revoke.started` is audited once.
 */
describe('two workers starting one revoke (Postgres)', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await startTestRuntime({ kind: 'postgres', role: 'web' });
  });
  afterAll(() => t.close());

  it('audits revoke.started once: the waiting worker sees the grant already revoking', async () => {
    const view = await t.runtime.service.request({ platform: 'slack', userId: 'U0RACE' }, { roleId: 'auto', durationMs: 60_000 });
    const grant = (await t.runtime.service.activateGrant(view.request.id))!;
    const store = new DrizzleAccessStore(t.runtime.database.db, t.runtime.auditSealer);

    // Something else holds the grant's row (as a transaction on another worker would) while both
    // workers' statements begin: both start from a snapshot in which the grant is active.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = t.runtime.database.db.transaction(async (tx) => {
      await tx.execute(sql`select id from grants where id = ${grant.id} for update`);
      locked();
      await held;
    });
    await isLocked;
    const racing = [1, 2].map(() => store.startRevokes([grant.id], { action: 'revoke.started', actor: WORKER }, new Date()));
    await waitFor(async () => {
      const rows = (await t.runtime.database.db.execute(
        sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
      )) as unknown as Array<{ n: number }>;
      return rows[0]!.n >= 2;
    }, 'both workers to wait for the row lock');
    release();
    await holder;

    expect((await Promise.all(racing)).map((rows) => rows.map((g) => g.status))).toEqual([['revoking'], ['revoking']]);
    const started = await t.runtime.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.grantId, grant.id), eq(auditEvents.action, 'revoke.started')));
    expect(started).toHaveLength(1);
  });
});
