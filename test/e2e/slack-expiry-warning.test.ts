import { eq } from 'drizzle-orm';
import { grantExtensions } from '../../src/store/schema';
import { ManualClock } from '../helpers/clock';
import { delayedJobs, runDelayedJobNow } from '../helpers/jobs';
import { APPROVAL_CHANNEL } from '../helpers/policy';
import { policyDepth } from '../helpers/policy-depth';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime';
import { slackDriver } from '../helpers/slack-driver';
import { waitFor } from '../helpers/wait';

const MIN = 60_000;
const DM = 'D0WARNED';

/**
 * The expiry warning through signed Slack requests: the DM arrives `warn_before` ahead
 * with "Extend" and "I'm done"; Extend follows the role's extend rules (role `ext`:
 * max 4h, auto within 2h; policy warn_before 5m). The clock is the test's; delayed
 * jobs are run when the clock reaches them.
 */
describe('Slack end to end: expiry warning with Extend', () => {
  let t: TestRuntime;
  const clock = new ManualClock();
  const { db, slash, click, select, grantIn, dmsTo, postsTo, ephemeralsTo } = slackDriver(() => t);
  const queues = () => t.runtime.queues;
  const warningsTo = (userId: string) => dmsTo(userId).filter((dm) => dm.includes('expires in'));

  beforeAll(async () => {
    t = await startTestRuntime({ kind: 'postgres', role: 'all', clock, policy: policyDepth() });
  });
  afterAll(() => t.close());

  /** `ext` for 1h as `userId`, approved by Alice, active. */
  async function activeFor(userId: string) {
    const request = await slash(userId, 'request ext 1h');
    await click('U0ALICE', 'jit.approve', request.id);
    return { request, grant: await grantIn(request.id, 'active') };
  }

  /** The `<ms>` of the warning's "Extend" option (values are `<request id>|<ms>`). */
  const extendValue = (warning: string, requestId: string, ms: number) => {
    const value = `${requestId}|${ms}`;
    expect(warning).toContain(`"value":"${value}"`);
    return value;
  };

  it('warns warn_before ahead; Extend within the auto window moves the expiry and the revoke job', async () => {
    const { request, grant } = await activeFor('U0WARNED');
    const warnJob = `warn-${grant.id}`;
    // Queued just after the grant turned active.
    await waitFor(async () => (await delayedJobs(queues().notice)).includes(warnJob), 'the warning job');

    clock.advance(55 * MIN);
    await runDelayedJobNow(queues().notice, warnJob);
    const warning = warningsTo('U0WARNED').at(-1)!;
    expect(warning).toContain('expires in 5m');
    expect(warning).toContain('"action_id":"jit.extend"');
    expect(warning).toContain('"action_id":"jit.done"');
    // 3h of max_duration left: 15m … 2h fit, 4h does not.
    expect(warning).not.toContain(`${request.id}|${240 * MIN}`);

    await select('U0WARNED', 'jit.extend', extendValue(warning, request.id, 30 * MIN), DM);
    expect(ephemeralsTo('U0WARNED').at(-1)).toContain(`Extended \`${request.id}\` by policy`);
    const [moved] = await db().select().from(grantExtensions).where(eq(grantExtensions.requestId, request.id));
    expect(moved).toMatchObject({ status: 'approved', addMs: 30 * MIN });
    const newExpiry = grant.expiresAt!.getTime() + 30 * MIN;
    expect((await grantIn(request.id, 'active')).expiresAt!.getTime()).toBe(newExpiry);
    const revokeJob = await queues().revoke.getJob(`revoke-${grant.id}`);
    expect(revokeJob!.delay).toBe(newExpiry - clock.now().getTime());
    // A new warning is queued for the new expiry.
    expect(await delayedJobs(queues().notice)).toContain(warnJob);

    clock.advance(35 * MIN);
    await runDelayedJobNow(queues().revoke, `revoke-${grant.id}`);
    expect((await grantIn(request.id, 'expired')).revokedAt!.getTime()).toBe(newExpiry);
    // The revoke job leaves the end DM to run behind the next revokes: it follows shortly.
    await waitFor(() => dmsTo('U0WARNED').at(-1)?.includes('Revoked and verified'), 'the end DM, revoked and verified');
  });

  it('Extend past the auto window sends an extension card; an approver approves', async () => {
    const { request, grant } = await activeFor('U0LONGER');
    // The warning is queued just after the grant turns active; the clock moves only once it is.
    await waitFor(async () => (await delayedJobs(queues().notice)).includes(`warn-${grant.id}`), 'the warning job');
    clock.advance(55 * MIN);
    await runDelayedJobNow(queues().notice, `warn-${grant.id}`);
    const warning = warningsTo('U0LONGER').at(-1)!;

    await select('U0LONGER', 'jit.extend', extendValue(warning, request.id, 120 * MIN), DM);
    expect(ephemeralsTo('U0LONGER').at(-1)).toContain(`Asked the approvers to extend \`${request.id}\``);
    const [ext] = await db().select().from(grantExtensions).where(eq(grantExtensions.requestId, request.id));
    expect(ext).toMatchObject({ status: 'pending', addMs: 120 * MIN });
    expect(postsTo(APPROVAL_CHANNEL).some((p) => p.includes(`Extension of ${request.id}`) && p.includes(`"value":"${ext!.id}"`))).toBe(
      true,
    );
    expect(dmsTo('U0LONGER').at(-1)).toContain('is waiting for an approver');

    await click('U0ALICE', 'jit.extend_approve', String(ext!.id));
    const newExpiry = grant.expiresAt!.getTime() + 120 * MIN;
    expect((await grantIn(request.id, 'active')).expiresAt!.getTime()).toBe(newExpiry);
    expect((await queues().revoke.getJob(`revoke-${grant.id}`))!.delay).toBe(newExpiry - clock.now().getTime());
    expect(dmsTo('U0LONGER').at(-1)).toContain('was approved by <@U0ALICE>');
    await slash('U0LONGER', `revoke ${request.id}`);
    await grantIn(request.id, 'revoked');
  });

  it('a forged Extend value is refused with a clear message and changes nothing', async () => {
    const { request, grant } = await activeFor('U0FORGE');
    for (const forged of ['nonsense', `${request.id}|-5`, `${request.id}|`, `${request.id}|60000|1`, 'x'.repeat(500)]) {
      await select('U0FORGE', 'jit.extend', forged, DM);
      expect(ephemeralsTo('U0FORGE').at(-1)).toContain('That "Extend" choice is not one jitbot offered');
    }
    // Well-formed but more than the role allows: the core's own refusal.
    await select('U0FORGE', 'jit.extend', `${request.id}|${10 * 60 * MIN}`, DM);
    expect(ephemeralsTo('U0FORGE').at(-1)).toContain('can be held for at most 4h');
    expect(await db().select().from(grantExtensions).where(eq(grantExtensions.requestId, request.id))).toEqual([]);
    expect((await grantIn(request.id, 'active')).expiresAt).toEqual(grant.expiresAt);
    await slash('U0FORGE', `revoke ${request.id}`);
    await grantIn(request.id, 'revoked');
  });
});
