import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { MIGRATIONS_FOLDER } from '../../src/store/db';
import { TEST_DATABASE_URL } from '../helpers/database';
import { JitbotProcess, writeTestPolicy } from '../helpers/jitbot-process';
import { deleteQueueKeys, TEST_REDIS_URL, testQueuePrefix } from '../helpers/redis';
import { recordFault } from './record';

/** Processes starting together, as a new install or a rollout starts them. */
describe('start-up', () => {
  const policyFile = writeTestPolicy();
  const started: JitbotProcess[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((p) => p.stop('SIGTERM')));
  });

  it('2 web and 2 worker processes started at once on an empty database all come up, with one set of migrations applied', async () => {
    const name = `jitbot_test_${randomBytes(5).toString('hex')}`;
    const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => undefined });
    await admin.unsafe(`create database ${name}`);
    const url = Object.assign(new URL(TEST_DATABASE_URL), { pathname: `/${name}` }).toString();
    const prefix = testQueuePrefix();
    try {
      const env = {
        DATABASE_URL: url,
        REDIS_URL: TEST_REDIS_URL,
        JIT_QUEUE_PREFIX: prefix,
        JIT_POLICY_FILE: policyFile,
        PORT: '0',
        JIT_RECONCILE_EVERY: '1h',
      };
      const t0 = Date.now();
      const outcomes = await Promise.allSettled(
        (['web', 'web', 'worker', 'worker'] as const).map((role) => JitbotProcess.start(role, env)),
      );
      for (const o of outcomes) if (o.status === 'fulfilled') started.push(o.value);
      const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [String(o.reason)] : []));
      expect(failures).toEqual([]);
      const db = postgres(url, { max: 1, onnotice: () => undefined });
      try {
        const applied = await db`select count(*)::int as n from drizzle.__drizzle_migrations`;
        const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };
        expect(applied[0]!.n).toBe(journal.entries.length);
      } finally {
        await db.end();
      }
      recordFault({
        case: 'cold start, 2 web + 2 worker at once',
        injected: 'four processes started together on an empty database',
        result: `all 4 up in ${((Date.now() - t0) / 1000).toFixed(1)} s; migrations applied once (advisory lock)`,
      });
    } finally {
      await Promise.all(started.splice(0).map((p) => p.stop('SIGTERM')));
      await deleteQueueKeys(prefix, TEST_REDIS_URL);
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });

  it('a second process on one embedded (PGlite) directory is refused with a clear message; the first keeps serving', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'jitbot-pglite-'));
    const prefix = testQueuePrefix();
    try {
      const env = {
        JIT_DATA_DIR: dataDir,
        REDIS_URL: TEST_REDIS_URL,
        JIT_QUEUE_PREFIX: prefix,
        JIT_POLICY_FILE: policyFile,
        PORT: '0',
        JIT_RECONCILE_EVERY: '1h',
      };
      const first = await JitbotProcess.start('all', env);
      started.push(first);
      const second = await JitbotProcess.start('all', env).then(
        () => 'started',
        (e: Error) => e.message,
      );
      expect(second).toContain(`is in use by another jitbot process (pid ${first.pid})`);
      expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
      recordFault({
        case: 'second process, one PGlite directory',
        injected: 'npm start twice on one JIT_DATA_DIR',
        result: "the second refused, naming the first one's pid; the first kept serving",
      });
    } finally {
      await Promise.all(started.splice(0).map((p) => p.stop('SIGTERM')));
      await deleteQueueKeys(prefix, TEST_REDIS_URL);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
