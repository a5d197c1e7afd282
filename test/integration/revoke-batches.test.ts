import { and, eq, inArray } from 'drizzle-orm';
import { RevokeBatches } from '../../src/store/revoke-batches';
import { DrizzleAccessStore } from '../../src/store/repos/access-store';
import { auditEvents } from '../../src/store/schema';
import type { Actor, Grant, GrantWithRequest } from '../../src/access/model';
import { ManualClock } from '../helpers/clock';
import { auditActions } from '../helpers/refusals';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime';

/**
 * The revoke path's batching against a real database: grants whose revokes meet share
 * one statement per step, and each still gets exactly its own transitions and audit
 * events, as if ended one at a time.
 */
describe.each(['postgres', 'pglite'] as const)('revoke batches on %s', (kind) => {
  let t: TestRuntime;
  const clock = new ManualClock();
  beforeAll(async () => {
    t = await startTestRuntime({ kind, role: 'web', clock });
  });
  afterAll(() => t.close());

  async function activeGrants(n: number, tag: string): Promise<Grant[]> {
    const grants: Grant[] = [];
    for (let i = 0; i < n; i++) {
      const requester: Actor = { platform: 'slack', userId: `U0BATCH${tag}${i}` };
      const view = await t.runtime.service.request(requester, { roleId: 'auto', durationMs: 60_000 });
      grants.push((await t.runtime.service.activateGrant(view.request.id))!);
    }
    return grants;
  }

  it('loads, starts, ends and verifies many grants with one statement per step, each once', async () => {
    const grants = await activeGrants(6, 'A');
    clock.advance(60_000);
    const store = new DrizzleAccessStore(t.runtime.database.db, t.runtime.auditSealer);
    const batches = new RevokeBatches(store, clock);
    // On the prototype: the writes in a transaction go through the transaction's own store. No worker runs here.
    const calls = {
      load: jest.spyOn(DrizzleAccessStore.prototype, 'getGrantsWithRequests'),
      start: jest.spyOn(DrizzleAccessStore.prototype, 'startRevokes'),
      finish: jest.spyOn(DrizzleAccessStore.prototype, 'finishGrants'),
      verified: jest.spyOn(DrizzleAccessStore.prototype, 'markRevokesVerified'),
    };

    const loaded = await Promise.all([...grants.map((g) => batches.load(g.id)), batches.load('g-no-such-grant')]);
    expect(loaded.map((l) => l?.grant.id)).toEqual([...grants.map((g) => g.id), undefined]);
    expect(loaded.every((l) => !l || l.request.id === l.grant.requestId)).toBe(true);
    const rows = loaded.slice(0, -1) as GrantWithRequest[];

    // The first grant twice (a reconciler sweep racing its job): both see it revoking, it is audited once.
    const started = await Promise.all([...rows.map((r) => batches.start(r.grant)), batches.start(rows[0]!.grant)]);
    expect(started.map((g) => g?.status)).toEqual(Array(7).fill('revoking'));

    const endedAt = (i: number) => new Date(clock.now().getTime() + 10 * i);
    const ends = await Promise.all([
      ...rows.map((r, i) =>
        batches.finish({
          grant: started[i]!,
          request: r.request,
          how: 'expired',
          endedAt: endedAt(i),
          lateMs: 10 * i,
          activity: null,
        }),
      ),
      batches.finish({
        grant: started[0]!,
        request: rows[0]!.request,
        how: 'expired',
        endedAt: endedAt(9),
        lateMs: 90,
        activity: null,
      }),
    ]);
    // Each grant ends at its own time; the duplicate finds it ended.
    expect(ends.map((e) => e?.grant.revokedAt?.getTime())).toEqual([...rows.map((_, i) => endedAt(i).getTime()), undefined]);
    expect(ends.slice(0, -1).map((e) => [e?.grant.status, e?.request.status])).toEqual(Array(6).fill(['expired', 'expired']));

    const verified = await Promise.all([...rows.map((r, i) => batches.verified(ends[i]!.grant)), batches.verified(ends[0]!.grant)]);
    expect(verified).toEqual([...Array(6).fill(true), false]);

    expect(Object.fromEntries(Object.entries(calls).map(([step, spy]) => [step, spy.mock.calls.length]))).toEqual({
      load: 1,
      start: 1,
      finish: 1,
      verified: 1,
    });
    jest.restoreAllMocks();
    await t.runtime.auditSealer.sealAll();
    const verifiedRows = await t.runtime.database.db
      .select()
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.action, 'revoke.verified'),
          inArray(
            auditEvents.grantId,
            grants.map((g) => g.id),
          ),
        ),
      );
    expect(verifiedRows.map((row) => [row.data, row.actorId, row.seq !== null])).toEqual(
      Array(6).fill([{ provider: 'sandbox' }, 'worker', true]),
    );
    for (const r of rows) {
      expect(await auditActions(t, r.request.id)).toEqual([
        'request.created',
        'request.approved',
        'grant.started',
        'grant.activated',
        'revoke.started',
        'grant.expired',
        'revoke.verified',
      ]);
    }
  });

  it('ends early revokes and expiries of one batch each the right way', async () => {
    const [early, due] = await activeGrants(2, 'B');
    await t.runtime.service.revoke({ platform: 'slack', userId: 'U0BATCHB0' }, early!.requestId);
    clock.advance(60_000);
    const ended = await Promise.all([t.runtime.service.endGrant(early!.id), t.runtime.service.endGrant(due!.id)]);
    expect(ended).toEqual([
      { ended: 'revoked', lateMs: 0 },
      { ended: 'expired', lateMs: 0 },
    ]);
    expect((await t.runtime.service.view(early!.requestId)).request.status).toBe('revoked');
    expect((await t.runtime.service.view(due!.requestId)).request.status).toBe('expired');
    expect(await t.runtime.sandbox.isStanding(early!.id)).toBe(false);
    expect(await t.runtime.sandbox.isStanding(due!.id)).toBe(false);
  });
});
