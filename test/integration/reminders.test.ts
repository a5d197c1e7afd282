import { eq } from 'drizzle-orm';
import type { Actor } from '../../src/access/model';
import { auditEvents } from '../../src/store/schema';
import { ManualClock } from '../helpers/clock';
import { APPROVAL_CHANNEL } from '../helpers/policy';
import { deliverOwedChat } from '../helpers/jobs';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime';

/** A new requester per test: a second request for a role someone holds or awaits is refused (pending hygiene). */
let REQUESTER: Actor = { platform: 'slack', userId: 'U0REQ' };
let requesters = 0;
beforeEach(() => {
  REQUESTER = { platform: 'slack', userId: `U0REQ${++requesters}` };
});
const MIN = 60_000;

/**
 * Reminders to approvers (`approvals.remind_after`, 15m by default) and the timeout
 * notice, through the real core, store, queues and Slack notifier, with a clock the
 * test moves. No workers: the test plays the reminder job and the reconciler.
 */
describe('approval reminders on Postgres', () => {
  const kind = 'postgres';
  let t: TestRuntime;
  let clock: ManualClock;
  const service = () => t.runtime.service;
  const reminded = async (requestId: string) =>
    (await t.runtime.database.db.select().from(auditEvents).where(eq(auditEvents.requestId, requestId))).filter(
      (e) => e.action === 'request.reminded',
    ).length;
  const threadReplies = (ts: unknown) =>
    t.slackApi.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === ts && c.args.channel === APPROVAL_CHANNEL);
  const cardTs = (requestId: string) =>
    t.slackApi
      .callsOf('chat.postMessage')
      .find((c) => c.args.channel === APPROVAL_CHANNEL && !c.args.thread_ts && String(c.args.text).includes(requestId))?.result.ts;

  beforeAll(async () => {
    clock = new ManualClock();
    t = await startTestRuntime({ kind, role: 'web', clock });
  });
  afterAll(() => t.close());

  it("queues one reminder per request and posts it once, in the approval card's thread", async () => {
    const { request } = await service().request(REQUESTER, { roleId: 'quick', durationMs: 5 * MIN });
    const job = await t.runtime.queues.remind.getJob(`remind-${request.id}`);
    expect(job?.delay).toBe(15 * MIN);

    expect(await service().remindApprovers(request.id)).toBe(false);
    clock.advance(15 * MIN);
    expect(await service().remindApprovers(request.id)).toBe(true);
    // Posting it is owed chat work (this runtime has no workers: deliver it here).
    expect(await deliverOwedChat(t.runtime)).toBe(1);
    const replies = threadReplies(cardTs(request.id));
    expect(replies).toHaveLength(1);
    expect(String(replies[0]!.args.text)).toContain(`\`${request.id}\``);
    expect(String(replies[0]!.args.text)).toContain('still waiting for approval');

    // A retried job and the reconciler's sweep send nothing more.
    expect(await service().remindApprovers(request.id)).toBe(false);
    expect((await service().reconcile()).remindersSent).toBe(0);
    expect(await deliverOwedChat(t.runtime)).toBe(0);
    expect(await reminded(request.id)).toBe(1);
    expect(threadReplies(cardTs(request.id))).toHaveLength(1);
    await service().cancel(REQUESTER, request.id);
  });

  it('the reconciler sends a reminder whose job Redis lost, and none for decided requests', async () => {
    const lost = await service().request(REQUESTER, { roleId: 'quick', durationMs: 5 * MIN });
    const other: Actor = { platform: 'slack', userId: `${REQUESTER.userId}B` };
    const decided = await service().request(other, { roleId: 'quick', durationMs: 5 * MIN });
    await t.runtime.queues.remind.remove(`remind-${lost.request.id}`);
    await service().cancel(other, decided.request.id);
    clock.advance(16 * MIN);
    expect((await service().reconcile()).remindersSent).toBe(1);
    expect(await reminded(lost.request.id)).toBe(1);
    expect(await reminded(decided.request.id)).toBe(0);
    expect(await service().remindApprovers(decided.request.id)).toBe(false);
    await service().cancel(REQUESTER, lost.request.id);
  });

  it('tells the requester when nobody decided before pending_ttl', async () => {
    const { request } = await service().request(REQUESTER, { roleId: 'quick', durationMs: 5 * MIN });
    clock.advance(60 * MIN);
    expect((await service().reconcile()).requestsTimedOut).toBe(1);
    expect((await service().view(request.id)).request.status).toBe('timed_out');
    await deliverOwedChat(t.runtime);
    const dm = t.slackApi
      .callsOf('chat.postMessage')
      .filter((c) => c.args.channel === REQUESTER.userId)
      .at(-1);
    expect(String(dm?.args.text)).toContain(`\`${request.id}\`) timed out: nobody decided in time`);
  });
});
