import { ManualClock } from '../helpers/clock';
import { delayedJobs, runDelayedJobNow } from '../helpers/jobs';
import { APPROVAL_CHANNEL } from '../helpers/policy';
import { ESCALATION_CHANNEL, policyDepth } from '../helpers/policy-depth';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime';
import { slackDriver } from '../helpers/slack-driver';
import { waitFor } from '../helpers/wait';

const MIN = 60_000;

/**
 * Escalation (`approval.escalation`) through signed Slack requests. Role `esc`: Alice
 * approves; after 15m Bob (tier 1, same channel), after 30m Carol (tier 2, its own
 * channel); approvals.pending_ttl 1h. The clock is the test's; delayed jobs run when
 * the clock reaches them.
 */
describe('Slack end to end: escalation', () => {
  let t: TestRuntime;
  const clock = new ManualClock();
  const { slash, click, grantIn, dmsTo, postsTo, ephemeralsTo, auditOf } = slackDriver(() => t);
  const notice = () => t.runtime.queues.notice;
  const pendingReplyTo = async (userId: string) => {
    const before = t.slackApi.callsOf('response_url').length;
    await slash(userId, 'pending');
    return JSON.stringify(
      t.slackApi
        .callsOf('response_url')
        .slice(before)
        .map((c) => c.args),
    );
  };
  const escalatedCards = (channel: string, requestId: string) =>
    postsTo(channel).filter((p) => p.includes('*Escalated*') && p.includes(requestId));
  const updatesOf = (ts: string) =>
    t.slackApi
      .callsOf('chat.update')
      .filter((c) => c.args.ts === ts)
      .map((c) => JSON.stringify(c.args));

  beforeAll(async () => {
    t = await startTestRuntime({ kind: 'postgres', role: 'all', clock, policy: policyDepth() });
  });
  afterAll(() => t.close());

  it('nobody decides: each tier is asked in turn, the requester hears whom, and a tier approver decides', async () => {
    const request = await slash('U0WAITER', 'request esc "slow deploy"');
    expect(await delayedJobs(notice())).toEqual(expect.arrayContaining([`escalate-${request.id}-0`, `escalate-${request.id}-1`]));
    await click('U0BOB', 'jit.approve', request.id);
    expect(ephemeralsTo('U0BOB').at(-1)).toContain('You are not an approver for esc');
    expect(await pendingReplyTo('U0BOB')).toContain('Nothing is waiting for your approval');

    clock.advance(15 * MIN);
    await runDelayedJobNow(notice(), `escalate-${request.id}-0`);
    // The tier's card and the requester's notice are delivered by the chat queue.
    const [tier1] = await waitFor(
      () => escalatedCards(APPROVAL_CHANNEL, request.id).length > 0 && escalatedCards(APPROVAL_CHANNEL, request.id),
      'tier 1 card',
    );
    await waitFor(() => dmsTo('U0WAITER').at(-1)?.includes('escalation tier 1'), 'tier 1 notice');
    expect(tier1).toContain('(tier 1)');
    expect(tier1).toContain('<@U0BOB>, you can now decide');
    expect(tier1).toContain('"action_id":"jit.approve"');
    expect(dmsTo('U0WAITER').at(-1)).toContain('I am now also asking <@U0BOB> (escalation tier 1)');
    expect(await pendingReplyTo('U0BOB')).toContain(request.id);
    expect(await pendingReplyTo('U0CAROL')).toContain('Nothing is waiting for your approval');

    clock.advance(15 * MIN);
    await runDelayedJobNow(notice(), `escalate-${request.id}-1`);
    const [tier2] = await waitFor(
      () => escalatedCards(ESCALATION_CHANNEL, request.id).length > 0 && escalatedCards(ESCALATION_CHANNEL, request.id),
      'tier 2 card',
    );
    await waitFor(() => dmsTo('U0WAITER').at(-1)?.includes('escalation tier 2'), 'tier 2 notice');
    expect(tier2).toContain('(tier 2)');
    expect(tier2).toContain('<@U0CAROL>, you can now decide');
    expect(dmsTo('U0WAITER').at(-1)).toContain('I am now also asking <@U0CAROL> (escalation tier 2)');
    const carolsList = await pendingReplyTo('U0CAROL');
    expect(carolsList).toContain(request.id);
    expect(carolsList).toContain('1 request waits for your decision');

    await click('U0CAROL', 'jit.approve', request.id, ESCALATION_CHANNEL);
    await grantIn(request.id, 'active');
    expect(dmsTo('U0WAITER').some((dm) => dm.includes('was approved by <@U0CAROL>'))).toBe(true);
    // The tier cards are updated with the outcome and keep their header.
    const tierCards = t.slackApi
      .callsOf('chat.postMessage')
      .filter((c) => JSON.stringify(c.args).includes('*Escalated*') && String(c.args.text).includes(request.id));
    for (const card of tierCards) {
      const last = updatesOf(String(card.result.ts)).at(-1);
      expect(last).toContain('*Escalated*');
      expect(last).toContain('were asked too');
      expect(last).not.toContain('"action_id":"jit.approve"');
    }
    expect(tierCards).toHaveLength(2);
    expect((await auditOf(request.id)).filter((e) => e.action === 'request.escalated').map((e) => e.data)).toEqual([
      expect.objectContaining({ tier: 0 }),
      expect.objectContaining({ tier: 1 }),
    ]);
    await slash('U0WAITER', `revoke ${request.id}`);
  });

  it('still times out at pending_ttl, and a tier that comes due after that asks nobody', async () => {
    const request = await slash('U0NOBODY', 'request esc');
    clock.advance(61 * MIN);
    const sweep = (await delayedJobs(t.runtime.queues.maintenance))[0]!;
    await runDelayedJobNow(t.runtime.queues.maintenance, sweep);
    await waitFor(() => dmsTo('U0NOBODY').at(-1)?.includes('timed out: nobody decided in time'), 'the time-out notice');
    await runDelayedJobNow(notice(), `escalate-${request.id}-0`);
    expect(escalatedCards(APPROVAL_CHANNEL, request.id)).toEqual([]);
    expect((await auditOf(request.id)).map((e) => e.action)).toEqual(['request.created', 'request.timed_out']);
  });
});
