import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { FakeSlackApi } from '../../src/sandbox/fake-slack-api';
import { auditEvents, chatOutbox, grants } from '../../src/store/schema';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime';
import { waitFor } from '../helpers/wait';
import { recordFault } from './record';

/**
 * Slack down while access expires, and the revoke jobs lost (a Redis loss, a fresh
 * deployment): the reconciler alone must end every grant on time, whatever Slack does,
 * and every notice owed must reach its person once Slack is back — once each.
 */
const RECONCILE_EVERY_MS = 5000;
const GRANTS = 500;
const DURATION_MS = 40_000;

type Outage = NonNullable<FakeSlackApi['outage']>;

const outages: Array<[string, Outage]> = [
  ['HTTP 503 to every method', { status: 503 }],
  ['HTTP 429 with Retry-After: 30', { status: 429, retryAfterSeconds: 30 }],
  ['a connection that never answers', 'silent'],
];

describe.each(outages)('Slack down (%s) while %s grants expire with their revoke jobs lost', (what, outage) => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await startTestRuntime({ kind: 'postgres', role: 'all', reconcileEvery: `${RECONCILE_EVERY_MS / 1000}s`, logLevel: 'warn' });
  });
  afterAll(() => t.close());

  const okDmsTo = (userId: string) =>
    t.slackApi
      .callsOf('chat.postMessage')
      .filter((c) => c.result.ok && c.args.channel === userId)
      .map((c) => String(c.args.text));

  it(`ends every grant within one sweep + 30 s, then delivers each owed notice once`, async () => {
    const db = t.runtime.database.db;
    const users = Array.from({ length: GRANTS }, (_, i) => `U0OUT${String(i).padStart(3, '0')}`);
    const ids: string[] = [];
    for (const userId of users)
      ids.push((await t.runtime.service.request({ platform: 'slack', userId }, { roleId: 'auto', durationMs: DURATION_MS })).request.id);
    await waitFor(
      async () =>
        (await db.select().from(grants).where(inArray(grants.requestId, ids))).filter((g) => g.status === 'active').length === GRANTS,
      'every grant active',
      60_000,
      200,
    );

    t.slackApi.outage = outage;
    await t.runtime.queues.revoke.obliterate({ force: true });
    const started = Date.now();
    const ended = await waitFor(
      async () => {
        const rows = await db.select().from(grants).where(inArray(grants.requestId, ids));
        return rows.every((g) => g.status === 'expired') && rows;
      },
      'every grant ended',
      DURATION_MS + 90_000,
      500,
    );
    const lateMs = ended.map((g) => g.revokedAt!.getTime() - g.expiresAt!.getTime());
    const standing = (await Promise.all(ended.map((g) => t.runtime.sandbox.isStanding(g.id)))).filter(Boolean).length;
    expect(standing).toBe(0);
    expect(Math.max(...lateMs)).toBeLessThanOrEqual(RECONCILE_EVERY_MS + 30_000);
    // Nothing about the ends could reach Slack yet: it is owed (the follow-ups of the last ends queue it a moment after).
    const owed = async () =>
      (
        await db
          .select({ id: chatOutbox.id })
          .from(chatOutbox)
          .where(and(inArray(chatOutbox.requestId, ids), isNull(chatOutbox.deliveredAt)))
      ).length;
    const owedDuring = await waitFor(
      async () => {
        const n = await owed();
        return n >= GRANTS && n;
      },
      'every end owed to chat',
      30_000,
      200,
    );
    expect(users.filter((u) => okDmsTo(u).some((m) => m.includes('has expired'))).length).toBe(0);

    t.slackApi.outage = undefined;
    const recoveredAt = Date.now();
    await waitFor(
      () => users.every((u) => okDmsTo(u).some((m) => m.includes('has expired'))),
      'every owed notice delivered',
      150_000,
      1000,
    );
    const counts = users.map((u) => okDmsTo(u).filter((m) => m.includes('has expired')).length);
    expect(counts.filter((n) => n !== 1)).toEqual([]);
    const failed = await db
      .select()
      .from(auditEvents)
      .where(and(inArray(auditEvents.requestId, ids), eq(auditEvents.action, 'notify.failed')));
    expect(failed).toEqual([]);
    recordFault({
      case: `Slack down: ${what}`,
      injected: `${GRANTS} expiring, jobs lost; ${((recoveredAt - started) / 1000).toFixed(0)} s outage`,
      result: `all ended; max lateness ${(Math.max(...lateMs) / 1000).toFixed(1)} s (sweep every ${RECONCILE_EVERY_MS / 1000} s); left standing ${standing}; ${owedDuring} chat items owed; every "expired" DM delivered exactly once, the last ${((Date.now() - recoveredAt) / 1000).toFixed(0)} s after Slack returned`,
    });
  });
});

describe('cards Slack no longer has (message_not_found)', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await startTestRuntime({ kind: 'postgres', role: 'all', reconcileEvery: `${RECONCILE_EVERY_MS / 1000}s`, logLevel: 'warn' });
  });
  afterAll(() => t.close());

  it('are not retried: one notify.failed per card, and every grant ends on time', async () => {
    const db = t.runtime.database.db;
    const n = 50;
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const { request } = await t.runtime.service.request(
        { platform: 'slack', userId: `U0GONE${i}` },
        { roleId: 'quick', durationMs: 20_000 },
      );
      await t.runtime.service.approve({ platform: 'slack', userId: 'U0ALICE' }, request.id);
      ids.push(request.id);
    }
    await waitFor(
      async () => (await db.select().from(grants).where(inArray(grants.requestId, ids))).filter((g) => g.status === 'active').length === n,
      'every grant active',
      30_000,
      200,
    );
    // The cards are gone (deleted, or the channel archived): Slack answers message_not_found.
    t.slackApi.messages.clear();
    const updatesBefore = t.slackApi.callsOf('chat.update').length;
    await t.runtime.queues.revoke.obliterate({ force: true });
    const ended = await waitFor(
      async () => {
        const rows = await db.select().from(grants).where(inArray(grants.requestId, ids));
        return rows.every((g) => g.status === 'expired') && rows;
      },
      'every grant ended',
      90_000,
      500,
    );
    expect(Math.max(...ended.map((g) => g.revokedAt!.getTime() - g.expiresAt!.getTime()))).toBeLessThanOrEqual(RECONCILE_EVERY_MS + 30_000);
    const failed = await waitFor(
      async () => {
        const rows = await db
          .select()
          .from(auditEvents)
          .where(and(inArray(auditEvents.requestId, ids), eq(auditEvents.action, 'notify.failed')));
        return rows.length >= n && rows;
      },
      'a notify.failed per card',
      30_000,
      500,
    );
    expect(failed).toHaveLength(n);
    // Every owed item is settled (nothing left to retry), and each card was tried once.
    await waitFor(
      async () => (await db.select().from(chatOutbox).where(inArray(chatOutbox.requestId, ids))).every((o) => o.deliveredAt !== null),
      'owed work settled',
      30_000,
      500,
    );
    const updates = t.slackApi.callsOf('chat.update').slice(updatesBefore);
    expect(updates).toHaveLength(n);
    recordFault({
      case: 'cards gone (message_not_found)',
      injected: `${n} cards deleted, revoke jobs lost`,
      result: `all ${n} ended on time; chat.update tried once per card (${updates.length}); notify.failed rows: ${failed.length}`,
    });
  });
});
