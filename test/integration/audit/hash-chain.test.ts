import { eq, sql } from 'drizzle-orm';
import { exportRows } from '../../../src/audit/export';
import { verifyChain } from '../../../src/audit/verify';
import { DrizzleAccessStore } from '../../../src/store/repos/access-store';
import { insertUnsealed, readBetween, readChain, unsealedSummary } from '../../../src/store/repos/audit-log';
import { AuditSealer } from '../../../src/store/repos/audit-sealer';
import { auditEvents } from '../../../src/store/schema';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

const actor = { platform: 'slack' as const, userId: 'U0REQ' };
const T0 = new Date('2026-11-24T10:00:00Z');

/** The hash chain on a real database: concurrent appends stay one chain; tampering is found. */
describe.each(['postgres', 'pglite'] as const)('audit hash chain on %s', (kind) => {
  let database: TestDatabase;
  let store: DrizzleAccessStore;
  let sealer: AuditSealer;
  const verify = async () => {
    await sealer.drain();
    return verifyChain(readChain(database.db, 7));
  };
  const chainOrder = () => database.db.select().from(auditEvents).orderBy(auditEvents.seq);

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    sealer = new AuditSealer(database.db);
    store = new DrizzleAccessStore(database.db, sealer);
  });
  afterAll(() => database.destroy());

  it('keeps one unbroken chain under 40 concurrent transactions and standalone appends', async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 4 === 0
          ? store.appendAudit(
              { action: 'decision.refused', requestId: `R-${i}`, actor, data: { code: 'not_approver', n: i } },
              new Date(T0.getTime() + i * 1000),
            )
          : store.transaction(async (tx) => {
              await tx.appendAudit(
                {
                  action: 'request.created',
                  requestId: `R-${i}`,
                  actor,
                  data: { reason: `fix INC-${i}`, nested: { b: 2, a: [1, 'x'] }, when: new Date(T0) },
                },
                new Date(T0.getTime() + i * 1000),
              );
              await tx.appendAudit(
                { action: 'request.approved', requestId: `R-${i}`, actor: { platform: 'system', userId: 'policy' } },
                new Date(T0.getTime() + i * 1000),
              );
            }),
      ),
    );
    const report = await verify();
    expect(report).toMatchObject({ ok: true, verified: 70, firstBreak: null });
    const rows = await chainOrder();
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
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
    const lines = jsonl
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.request_id).sort()).toEqual(['R-4', 'R-5', 'R-5']);
    expect(lines.every((l) => l.at >= since.toISOString() && l.at < until.toISOString() && /^[0-9a-f]{64}$/.test(l.hash))).toBe(true);
    expect(lines.find((l) => l.action === 'request.created').data).toEqual({
      reason: 'fix INC-5',
      nested: { a: [1, 'x'], b: 2 },
      when: T0.toISOString(),
    });

    let csv = '';
    expect(await exportRows(readBetween(database.db, since, until), 'csv', (c) => void (csv += c))).toBe(3);
    const [header, ...rows] = csv.trimEnd().split('\n');
    expect(header).toBe('id,at,action,request_id,grant_id,actor_platform,actor_id,data,prev_hash,hash,seq');
    expect(rows).toHaveLength(3);
    expect(rows.find((r) => r.includes('request.created'))).toContain('""reason"":""fix INC-5""');
    expect(rows.every((r) => /,[0-9a-f]{64},[0-9a-f]{64},\d+$/.test(r))).toBe(true);
  });

  it('names the row whose data was changed', async () => {
    const [target] = await database.db.select().from(auditEvents).where(eq(auditEvents.requestId, 'R-9')).orderBy(auditEvents.id).limit(1);
    await database.db
      .update(auditEvents)
      .set({ data: { reason: 'nothing to see here' } })
      .where(eq(auditEvents.id, target!.id));
    const report = await verify();
    expect(report.ok).toBe(false);
    expect(report.firstBreak).toEqual({ id: target!.id, reason: expect.stringContaining('content was changed') });
    await database.db.update(auditEvents).set({ data: target!.data }).where(eq(auditEvents.id, target!.id));
    expect((await verify()).ok).toBe(true);
  });

  it('leaves a row unsealed only until the next seal, and verify reads the chain without it meanwhile', async () => {
    await insertUnsealed(database.db, [{ event: { action: 'request.created', requestId: 'R-LATE', actor }, at: T0 }]);
    expect(await unsealedSummary(database.db)).toEqual({ count: 1, oldest: T0 });
    expect((await verify()).ok).toBe(true);
    await sealer.sealAll();
    expect(await unsealedSummary(database.db)).toEqual({ count: 0, oldest: null });
    const report = await verify();
    expect(report.head!.id).toBe((await chainOrder()).at(-1)!.id);
    expect((await chainOrder()).at(-1)!.requestId).toBe('R-LATE');
  });

  it('names the row after one whose seal was removed (an attacker cannot take a row out of the chain to edit it)', async () => {
    const rows = await chainOrder();
    const victim = rows[10]!;
    await database.db
      .update(auditEvents)
      .set({ seq: null, prevHash: null, hash: null, data: { edited: true } })
      .where(eq(auditEvents.id, victim.id));
    expect((await verify()).firstBreak).toEqual({ id: rows[11]!.id, reason: expect.stringContaining(`hash of row ${rows[9]!.id}`) });
    await database.db
      .update(auditEvents)
      .set({ seq: victim.seq, prevHash: victim.prevHash, hash: victim.hash, data: victim.data })
      .where(eq(auditEvents.id, victim.id));
    expect((await verify()).ok).toBe(true);
  });

  it('names the row after a deleted one, and an attacker cannot simply rehash one row', async () => {
    const rows = await chainOrder();
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

/** Postgres only: PGlite has one connection, so its transactions never overlap. */
describe('audit hash chain under overlapping transactions on postgres', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
  });
  afterAll(() => database.destroy());

  it('seals a row that commits after higher ids were sealed after them, and two sealers keep one chain', async () => {
    const sealers = [new AuditSealer(database.db), new AuditSealer(database.db)];
    const stores = sealers.map((s) => new DrizzleAccessStore(database.db, s));
    let release!: () => void;
    let inserted!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slowHasItsId = new Promise<void>((resolve) => (inserted = resolve));
    // The slow transaction takes its id first and commits last.
    const slow = database.db.transaction(async (tx) => {
      await insertUnsealed(tx as unknown as typeof database.db, [
        { event: { action: 'request.created', requestId: 'R-SLOW', actor }, at: T0 },
      ]);
      inserted();
      await held;
    });
    await slowHasItsId;
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => stores[i % 2]!.appendAudit({ action: 'decision.refused', requestId: `R-FAST-${i}`, actor }, T0)),
    );
    await Promise.all(sealers.map((s) => s.sealAll()));
    release();
    await slow;
    await Promise.all(sealers.map((s) => s.sealAll()));

    const rows = await database.db.select().from(auditEvents).orderBy(auditEvents.seq);
    expect(rows).toHaveLength(31);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    expect(rows.at(-1)!.requestId).toBe('R-SLOW');
    expect(rows.at(-1)!.id).toBeLessThan(rows[0]!.id);
    expect(await verifyChain(readChain(database.db))).toMatchObject({ ok: true, verified: 31 });
  });
});
