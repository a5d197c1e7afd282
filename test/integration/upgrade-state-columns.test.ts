import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { MIGRATIONS_FOLDER } from '../../src/store/db';
import { TEST_DATABASE_URL } from '../helpers/database';

/** The migrations of the release before the state columns (0000–0009). */
const RELEASE_BEFORE_STATE_COLUMNS = 10;

/** Applies the first `count` migrations as a release that shipped only those would have. */
async function migrateTo(sql: postgres.Sql, count?: number): Promise<void> {
  if (count === undefined) return migrate(drizzle(sql), { migrationsFolder: MIGRATIONS_FOLDER });
  const folder = mkdtempSync(path.join(tmpdir(), 'jitbot-earlier-migrations-'));
  try {
    cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
    const journal = JSON.parse(readFileSync(path.join(folder, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };
    journal.entries = journal.entries.slice(0, count);
    writeFileSync(path.join(folder, 'meta/_journal.json'), JSON.stringify(journal));
    await migrate(drizzle(sql), { migrationsFolder: folder });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * Reminders, escalations and failed revoke checks were once known only from audit events;
 * they are columns now. A database written before keeps what it knew: a request reminded or
 * escalated before the upgrade is not reminded or escalated again, a grant whose check had
 * failed is still treated as such (revoked again on retry, not alerted twice).
 */
describe('upgrading to the state columns', () => {
  const name = `jitbot_test_${randomBytes(5).toString('hex')}`;
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => undefined });
  const url = Object.assign(new URL(TEST_DATABASE_URL), { pathname: `/${name}` }).toString();
  let sql: postgres.Sql;

  beforeAll(async () => {
    await admin.unsafe(`create database ${name}`);
    sql = postgres(url, { max: 1, onnotice: () => undefined });
  });
  afterAll(async () => {
    await sql?.end();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  });

  it('carries reminded, escalated tiers and failed checks over from the audit trail', async () => {
    await migrateTo(sql, RELEASE_BEFORE_STATE_COLUMNS);
    const at = new Date('2026-11-30T10:00:00Z');
    for (const id of ['R-REMINDED', 'R-ESCALATED', 'R-QUIET', 'R-ENDED']) {
      await sql`insert into access_requests (id, status, role_id, requester_id, requester_platform, requester_person, duration_ms, approvals_required, auto_approved, created_at, updated_at)
                values (${id}, ${id === 'R-ENDED' ? 'expired' : 'pending'}, 'dev', 'U0REQ', 'slack', 'slack:U0REQ', 3600000, 1, false, ${at.toISOString()}, ${at.toISOString()})`;
    }
    await sql`insert into grants (id, request_id, status, provider, created_at, updated_at, revoked_at) values ('G-1', 'R-ENDED', 'expired', 'aws', ${at.toISOString()}, ${at.toISOString()}, ${at.toISOString()})`;
    const audit = (action: string, requestId: string, minutes: number, data: object | null = null, grantId: string | null = null) =>
      sql`insert into audit_events (at, action, request_id, grant_id, actor_platform, actor_id, data) values (${new Date(at.getTime() + minutes * 60_000).toISOString()}, ${action}, ${requestId}, ${grantId}, 'system', 'scheduler', ${data ? JSON.stringify(data) : null}::jsonb)`;
    await audit('request.reminded', 'R-REMINDED', 10);
    await audit('request.escalated', 'R-ESCALATED', 15, { tier: 1 });
    await audit('request.escalated', 'R-ESCALATED', 5, { tier: 0 });
    await audit('revoke.verify_failed', 'R-ENDED', 3, { error: 'still there' }, 'G-1');
    await audit('revoke.verify_failed', 'R-ENDED', 4, { error: 'still there' }, 'G-1');

    await migrateTo(sql);

    const rows = await sql<
      { id: string; reminded_at: string | null; escalated_tiers: number[] }[]
    >`select id, reminded_at, escalated_tiers from access_requests order by id`;
    expect(rows.map((r) => ({ ...r, reminded_at: r.reminded_at && new Date(r.reminded_at) }))).toEqual([
      { id: 'R-ENDED', reminded_at: null, escalated_tiers: [] },
      { id: 'R-ESCALATED', reminded_at: null, escalated_tiers: [0, 1] },
      { id: 'R-QUIET', reminded_at: null, escalated_tiers: [] },
      { id: 'R-REMINDED', reminded_at: new Date(at.getTime() + 10 * 60_000), escalated_tiers: [] },
    ]);
    const [grant] = await sql<{ verify_failed_at: string }[]>`select verify_failed_at from grants where id = 'G-1'`;
    expect(new Date(grant!.verify_failed_at)).toEqual(new Date(at.getTime() + 3 * 60_000));
    expect(Number((await sql`select count(*) as n from audit_events`)[0]!.n)).toBe(5);
  });
});
