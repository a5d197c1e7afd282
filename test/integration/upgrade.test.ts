import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { verifyChain } from '../../src/audit/verify';
import { parseEnv } from '../../src/config/env';
import { startRuntime, type Runtime } from '../../src/runtime';
import { FakeSlackApi } from '../../src/sandbox/fake-slack-api';
import { MIGRATIONS_FOLDER } from '../../src/store/db';
import { readChain } from '../../src/store/repos/audit-log';
import { accessRequests, approvals, grantExtensions, grants } from '../../src/store/schema';
import { TEST_DATABASE_URL } from '../helpers/database';
import { captureLogger } from '../helpers/logger';
import { testPolicy } from '../helpers/policy';
import { deleteQueueKeys, TEST_REDIS_URL, testQueuePrefix } from '../helpers/redis';
import { waitFor } from '../helpers/wait';

/** The migrations of the release before people (0000–0007), as that release shipped them. */
const PREVIOUS_RELEASE_MIGRATIONS = 8;
const FIXTURE = path.join(__dirname, '../fixtures/release-2026-11-24.sql');

/**
 * jitbot is upgraded in place: a database written by the previous release (its own HTTP
 * server made the fixture; see its header) is migrated by this one. Every row is kept,
 * the audit chain still verifies, earlier rows count each account as a person, and a
 * grant active before the upgrade still ends on time.
 */
describe('upgrading a database written by the previous release', () => {
  const name = `jitbot_test_${randomBytes(5).toString('hex')}`;
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => undefined });
  const url = Object.assign(new URL(TEST_DATABASE_URL), { pathname: `/${name}` }).toString();
  const client = () => postgres(url, { max: 1, onnotice: () => undefined });
  const prefix = testQueuePrefix();
  const slackApi = new FakeSlackApi();
  let runtime: Runtime | undefined;
  let before: Record<string, number>;
  let auditIdsBefore: string[];

  const TABLES = ['access_requests', 'approvals', 'grants', 'audit_events', 'chat_messages', 'grant_extensions', 'sandbox_grants'];
  async function counts(sql: postgres.Sql): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const table of TABLES) out[table] = Number((await sql.unsafe(`select count(*) as n from ${table}`))[0]!.n);
    return out;
  }

  beforeAll(async () => {
    await slackApi.start();
    await admin.unsafe(`create database ${name}`);
    // The previous release's schema: its migrations and journal entries only.
    const folder = mkdtempSync(path.join(tmpdir(), 'jitbot-previous-migrations-'));
    cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
    const journal = JSON.parse(readFileSync(path.join(folder, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };
    journal.entries = journal.entries.slice(0, PREVIOUS_RELEASE_MIGRATIONS);
    writeFileSync(path.join(folder, 'meta/_journal.json'), JSON.stringify(journal));
    const sql = client();
    try {
      await migrate(drizzle(sql), { migrationsFolder: folder });
      await sql.unsafe(readFileSync(FIXTURE, 'utf8'));
      // The fixture's active grant was made days ago: let it run out a few seconds after the upgrade.
      await sql`update grants set expires_at = now() + interval '3 seconds' where status = 'active'`;
      before = await counts(sql);
      auditIdsBefore = (await sql`select id::text from audit_events order by id`).map((r) => r.id as string);
    } finally {
      await sql.end();
      rmSync(folder, { recursive: true, force: true });
    }
  });
  afterAll(async () => {
    await runtime?.close();
    await slackApi.stop();
    await deleteQueueKeys(prefix, TEST_REDIS_URL);
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  });

  it('keeps every row, names earlier accounts as people, keeps the chain, and ends the active grant on time', async () => {
    expect(before).toMatchObject({ access_requests: 4, approvals: 3, grants: 2, audit_events: 19, grant_extensions: 1 });
    const env = parseEnv({
      PORT: '0',
      DATABASE_URL: url,
      REDIS_URL: TEST_REDIS_URL,
      JIT_QUEUE_PREFIX: prefix,
      JIT_RECONCILE_EVERY: '1s',
      SLACK_BOT_TOKEN: 'xoxb-upgrade',
      SLACK_SIGNING_SECRET: 'upgrade-secret',
      SLACK_API_URL: slackApi.url,
    });
    runtime = await startRuntime({ env, policy: testPolicy(), logger: captureLogger('info').logger, role: 'all', host: '127.0.0.1' });
    const { db } = runtime.database;

    const sql = client();
    try {
      // On a busy machine the start may take longer than the grant's last seconds, so the
      // new release may already have audited its end: every earlier audit row is still there.
      const { audit_events: auditAfter, ...rowsAfter } = await counts(sql);
      const { audit_events: auditBefore, ...rowsBefore } = before;
      expect(rowsAfter).toEqual(rowsBefore);
      expect(auditAfter).toBeGreaterThanOrEqual(auditBefore!);
      const kept = new Set((await sql`select id::text from audit_events`).map((r) => r.id as string));
      expect(auditIdsBefore.filter((id) => !kept.has(id))).toEqual([]);
    } finally {
      await sql.end();
    }
    for (const r of await db.select().from(accessRequests)) expect(r.requesterPerson).toBe(`${r.requesterPlatform}:${r.requesterId}`);
    for (const a of await db.select().from(approvals)) expect(a.approverPerson).toBe(`${a.approverPlatform}:${a.approverId}`);
    for (const e of await db.select().from(grantExtensions)) expect(e.askedByPerson).toBe(`${e.askedByPlatform}:${e.askedBy}`);
    // The 19 rows of the old release verify; the new release may already have chained more (the grant runs out in seconds).
    const chain = await verifyChain(readChain(db));
    expect(chain.ok).toBe(true);
    expect(chain.verified).toBeGreaterThanOrEqual(19);

    // Its revoke job lived in another Redis prefix: the reconciler ends it, on time.
    const ended = await waitFor(
      async () => (await db.select().from(grants).where(eq(grants.status, 'expired')))[0],
      'the pre-upgrade grant to expire',
      15_000,
    );
    expect(ended.revokedAt!.getTime()).toBeGreaterThanOrEqual(ended.expiresAt!.getTime());
    expect(ended.revokedAt!.getTime() - ended.expiresAt!.getTime()).toBeLessThan(5_000);
    await runtime.auditSealer.drain();
    expect(await verifyChain(readChain(db))).toMatchObject({ ok: true });
  });
});
