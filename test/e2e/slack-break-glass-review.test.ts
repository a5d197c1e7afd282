import { ManualClock } from '../helpers/clock';
import { delayedJobs, runDelayedJobNow } from '../helpers/jobs';
import { waitFor } from '../helpers/wait';
import { APPROVAL_CHANNEL, SECURITY_CHANNEL, SECURITY_TEAM } from '../helpers/policy';
import { policyDepth } from '../helpers/policy-depth';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime';
import { slackDriver } from '../helpers/slack-driver';

const MIN = 60_000;

/**
 * A break-glass use nobody reviews (role `bg`: break_glass_review_within 2h), through
 * signed Slack requests: at the deadline the security channel gets a reminder and the
 * card says so; the digest lists the use as not reviewed, overdue.
 */
describe('Slack end to end: break-glass review overdue', () => {
  let t: TestRuntime;
  const clock = new ManualClock();
  const { slash, grantIn, postsTo } = slackDriver(() => t);

  beforeAll(async () => {
    t = await startTestRuntime({ kind: 'postgres', role: 'all', clock, policy: policyDepth() });
  });
  afterAll(() => t.close());

  it('reminds the security channel once, marks the card, and the digest mentions it', async () => {
    const request = await slash('U0FIRE', 'request bg 30m --break-glass "primary is down"');
    await grantIn(request.id, 'active');
    const reviewJob = `review-${request.id}`;
    expect(await delayedJobs(t.runtime.queues.notice)).toContain(reviewJob);

    clock.advance(2 * 60 * MIN + MIN);
    await runDelayedJobNow(t.runtime.queues.notice, reviewJob);
    // The alert and the card's update are delivered by the chat queue.
    const overdueCard = (c: { args: Record<string, unknown> }) =>
      c.args.channel === APPROVAL_CHANNEL &&
      String(c.args.text).includes(request.id) &&
      JSON.stringify(c.args.blocks).includes('Review overdue');
    const card = await waitFor(() => t.slackApi.callsOf('chat.update').filter(overdueCard).at(-1), 'the card marked overdue');
    const reminders = await waitFor(
      () =>
        postsTo(SECURITY_CHANNEL).filter((p) => p.includes('review overdue') && p.includes(request.id)).length > 0 &&
        postsTo(SECURITY_CHANNEL).filter((p) => p.includes('review overdue') && p.includes(request.id)),
      'the overdue alert',
    );
    expect(reminders).toHaveLength(1);
    expect(reminders[0]).toContain('was not reviewed within 2h');
    expect(JSON.stringify(card?.args.blocks)).toContain('Review overdue');
    expect(JSON.stringify(card?.args.blocks)).toContain('"action_id":"jit.review"');

    await slash(SECURITY_TEAM, 'digest today');
    expect(
      postsTo(SECURITY_CHANNEL).some(
        (p) => p.includes(`${request.id}: BREAK-GLASS bg self-approved by <@U0FIRE>`) && p.includes('NOT REVIEWED — overdue'),
      ),
    ).toBe(true);
  });
});
