import { eq, sql } from 'drizzle-orm';
import { exportRows } from '../../../src/audit/export';
import { verifyChain } from '../../../src/audit/verify';
import { DrizzleAccessStore } from '../../../src/store/repos/access-store';
import { readBetween, readChain } from '../../../src/store/repos/audit-log';
import { auditEvents } from '../../../src/store/schema';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

const actor = { platform: 'slack' as const, userId: 'U0REQ' };
const T0 = new Date('2026-11-24T10:00:00Z');

/** The hash chain on a real database: concurrent appends stay one chain; tampering is found. */
describe.each(['postgres', 'pglite'] as const)('audit hash chain on %s', (kind) => {
  let database: TestDatabase;
  let store: DrizzleAccessStore;
  const verify = () => verifyChain(readChain(database.db, 7));

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    store = new DrizzleAccessStore(database.db);
  });
  afterAll(() => database.destroy());

  it('keeps one unbroken chain under 40 concurrent transactions and standalone appends', async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 4 === 0
          ? store.appendAudit({ action: 'decision.refused', requestId: `R-${i}`, actor, data: { code: 'not_approver', n: i } }, new Date(T0.getTime() + i * 1000))
          : store.transaction(async (tx) => {
              await tx.appendAudit({ action: 'request.created', requestId: `R-${i}`, actor, data: { reason: `fix INC-${i}`, nested: { b: 2, a: [1, 'x'] }, when: new Date(T0) } }, new Date(T0.getTime() + i * 1000));
              await tx.appendAudit({ action: 'request.approved', requestId: `R-${i}`, actor: { platform: 'system', userId: 'policy' } }, new Date(T0.getTime() + i * 1000));
            }),
      ),
    );
    const report = await verify();
    expect(report).toMatchObject({ ok: true, verified: 70, unchained: 0, firstBreak: null });
    const rows = await database.db.select().from(auditEvents).orderBy(auditEvents.id);
    expect(rows.every((r, i) => i === 0 || r.prevHash === rows[i - 1]!.hash)).toBe(true);
    expect(report.head).toEqual({ id: rows.at(-1)!.id, hash: rows.at(-1)!.hash });
  });

  it('rolls the audit rows back with the transaction, leaving the chain whole', async () => {
    await expect(
      store.transaction(async (tx) => {
        await tx.appendAudit({ action: 'request.created', requestId: 'R-ROLLBACK', actor }, T0);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await database.db.select().from(auditEvents).where(eq(auditEvents.requestId, 'R-ROLLBACK'))).toEqual([]);
    expect((await verify()).ok).toBe(true);
  });

  it('exports a time window as JSON Lines and as CSV', async () => {
    const since = new Date(T0.getTime() + 4000);
    const until = new Date(T0.getTime() + 6000);
    let jsonl = '';
    expect(await exportRows(readBetween(database.db, since, until, 2), 'jsonl', (c) => void (jsonl += c))).toBe(3);
    const lines = jsonl.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.request_id).sort()).toEqual(['R-4', 'R-5', 'R-5']);
    expect(lines.every((l) => l.at >= since.toISOString() && l.at < until.toISOString() && /^[0-9a-f]{64}$/.test(l.hash))).toBe(true);
    expect(lines.find((l) => l.action === 'request.created').data).toEqual({ reason: 'fix INC-5', nested: { a: [1, 'x'], b: 2 }, when: T0.toISOString() });

    let csv = '';
    expect(await exportRows(readBetween(database.db, since, until), 'csv', (c) => void (csv += c))).toBe(3);
    const [header, ...rows] = csv.trimEnd().split('\n');
    expect(header).toBe('id,at,action,request_id,grant_id,actor_platform,actor_id,data,prev_hash,hash');
    expect(rows).toHaveLength(3);
    expect(rows.find((r) => r.includes('request.created'))).toContain('""reason"":""fix INC-5""');
    expect(rows.every((r) => /,[0-9a-f]{64},[0-9a-f]{64}$/.test(r))).toBe(true);
  });

  it('names the row whose data was changed', async () => {
    const [target] = await database.db.select().from(auditEvents).where(eq(auditEvents.requestId, 'R-9')).orderBy(auditEvents.id).limit(1);
    await database.db.update(auditEvents).set({ data: { reason: 'nothing to see here' } }).where(eq(auditEvents.id, target!.id));
    const report = await verify();
    expect(report.ok).toBe(false);
    expect(report.firstBreak).toEqual({ id: target!.id, reason: expect.stringContaining('content was changed') });
    await database.db.update(auditEvents).set({ data: target!.data }).where(eq(auditEvents.id, target!.id));
    expect((await verify()).ok).toBe(true);
  });

  it('names the row after a deleted one, and an attacker cannot simply rehash one row', async () => {
    const rows = await database.db.select().from(auditEvents).orderBy(auditEvents.id);
    const victim = rows[20]!;
    await database.db.delete(auditEvents).where(eq(auditEvents.id, victim.id));
    const report = await verify();
    expect(report.firstBreak).toEqual({ id: rows[21]!.id, reason: expect.stringContaining(`hash of row ${rows[19]!.id}`) });
    expect(report.verified).toBe(20);

    // Relinking the next row to hide the gap breaks that row's own hash.
    await database.db.execute(sql`update audit_events set prev_hash = ${rows[19]!.hash} where id = ${rows[21]!.id}`);
    expect((await verify()).firstBreak).toEqual({ id: rows[21]!.id, reason: expect.stringContaining('content was changed') });
  });
});
