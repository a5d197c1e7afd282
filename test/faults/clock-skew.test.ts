import { existsSync } from 'node:fs';
import { inArray } from 'drizzle-orm';
import { grants } from '../../src/store/schema';
import { JitbotProcess, writeTestPolicy } from '../helpers/jitbot-process';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime';
import { waitFor } from '../helpers/wait';
import { recordFault } from './record';

/** Debian's libfaketime (package faketime): shifts the wall clock of one process, as a machine without NTP would. */
const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
const SKEW_S = 30;
const GRANTS = 30;
const DURATION_MS = 20_000;

/**
 * Two worker processes, one of them on a machine whose clock is 30 s behind. Every grant
 * must last what was granted, whichever worker activated it, queued its revoke or ran it:
 * grant times come from the database's clock, not the machine's.
 */
describe('a worker whose clock is 30 s behind', () => {
  let t: TestRuntime;
  const workers: JitbotProcess[] = [];
  beforeAll(async () => {
    if (!existsSync(LIBFAKETIME)) throw new Error(`${LIBFAKETIME} is missing: apt-get install faketime (.ci/run does)`);
    t = await startTestRuntime({ kind: 'postgres', role: 'web' });
    const env = { ...t.env, JIT_POLICY_FILE: writeTestPolicy(), JIT_RECONCILE_EVERY: '10s' };
    const skewed = { ...env, LD_PRELOAD: LIBFAKETIME, FAKETIME: `-${SKEW_S}s`, FAKETIME_DONT_FAKE_MONOTONIC: '1' };
    workers.push(...(await Promise.all([JitbotProcess.start('worker', env), JitbotProcess.start('worker', skewed)])));
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGTERM')));
    await t.close();
  });

  it('holds every grant for its granted time (± 2 s), and the skewed worker says its clock is off', async () => {
    expect(workers[1]!.lines.some((l) => l.includes(`clock is ${SKEW_S}`) && l.includes('behind the database'))).toBe(true);
    expect(workers[0]!.lines.some((l) => l.includes('behind the database'))).toBe(false);

    const views = await Promise.all(
      Array.from({ length: GRANTS }, (_, i) =>
        t.runtime.service.request({ platform: 'slack', userId: `U0SKEW${i}` }, { roleId: 'auto', durationMs: DURATION_MS }),
      ),
    );
    const ids = views.map((v) => v.request.id);
    const ended = await waitFor(
      async () => {
        const rows = await t.runtime.database.db.select().from(grants).where(inArray(grants.requestId, ids));
        return rows.length === GRANTS && rows.every((g) => g.status === 'expired') && rows;
      },
      `all ${GRANTS} grants to expire`,
      DURATION_MS + 60_000,
      250,
    );

    const heldMs = ended.map((g) => g.revokedAt!.getTime() - g.activatedAt!.getTime());
    const off = heldMs.filter((ms) => Math.abs(ms - DURATION_MS) > 2000);
    expect(off).toEqual([]);
    recordFault({
      case: `worker clock ${SKEW_S} s behind`,
      injected: `libfaketime FAKETIME=-${SKEW_S}s on one of 2 workers; ${GRANTS} grants of ${DURATION_MS / 1000} s`,
      result: `held ${(Math.min(...heldMs) / 1000).toFixed(1)}–${(Math.max(...heldMs) / 1000).toFixed(1)} s (granted ${DURATION_MS / 1000} s); off by more than 2 s: ${off.length}; skew reported in the worker's log: yes`,
    });
  });
});
