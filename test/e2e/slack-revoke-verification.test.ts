import { eq } from 'drizzle-orm';
import { sandboxGrants } from '../../src/store/schema';
import { ManualClock } from '../helpers/clock';
import { delayedJobs, runDelayedJobNow } from '../helpers/jobs';
import { APPROVAL_CHANNEL, SECURITY_CHANNEL } from '../helpers/policy';
import { policyDepth } from '../helpers/policy-depth';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime';
import { slackDriver } from '../helpers/slack-driver';
import { waitFor } from '../helpers/wait';

const MIN = 60_000;

/**
 * Revoke verification through signed Slack requests and the sandbox provider: after a
 * revoke the provider is asked whether the access is gone. A check that still finds it
 * alerts the security channel, and the revoke is retried (a delayed job a minute later,
 * run here when the clock gets there) until the check confirms it.
 */
describe('Slack end to end: revoke verification', () => {
  let t: TestRuntime;
  const clock = new ManualClock();
  /** grant id → how many more checks find the access standing again (a revoke that "did not stick"). */
  const sticky = new Map<string, number>();
  const { db, slash, click, grantIn, dmsTo, postsTo } = slackDriver(() => t);

  beforeAll(async () => {
    t = await startTestRuntime({
      kind: 'postgres',
      role: 'all',
      clock,
      policy: policyDepth(),
      sandboxHook: async (op, grantId) => {
        const left = sticky.get(grantId) ?? 0;
        if (op !== 'verify' || left === 0) return;
        sticky.set(grantId, left - 1);
        await db().update(sandboxGrants).set({ revokedAt: null }).where(eq(sandboxGrants.grantId, grantId));
      },
    });
  });
  afterAll(() => t.close());

  async function activeFor(userId: string) {
    const request = await slash(userId, 'request ext 1h');
    await click('U0ALICE', 'jit.approve', request.id);
    return { request, grant: await grantIn(request.id, 'active') };
  }
  const verifyJobOf = async (grantId: string) =>
    (await delayedJobs(t.runtime.queues.notice)).find((id) => id.startsWith(`verify-${grantId}-`));

  it('after a revoke the DM and the card say "revoked and verified"', async () => {
    const { request, grant } = await activeFor('U0CLEAN');
    await slash('U0CLEAN', `revoke ${request.id}`);
    await waitFor(
      () => dmsTo('U0CLEAN').some((dm) => dm.includes('was revoked early by <@U0CLEAN>') && dm.includes('Revoked and verified')),
      'verified DM',
    );
    expect((await grantIn(request.id, 'revoked')).revokeVerifiedAt).not.toBeNull();
    expect(await t.runtime.sandbox.isStanding(grant.id)).toBe(false);
    const cardUpdates = t.slackApi
      .callsOf('chat.update')
      .filter((c) => c.args.channel === APPROVAL_CHANNEL && String(c.args.text).includes(request.id));
    expect(JSON.stringify(cardUpdates.at(-1)?.args.blocks)).toContain('access revoked and verified');
  });

  it('a failed check alerts the security channel and is retried until the access is confirmed gone', async () => {
    const { request, grant } = await activeFor('U0STICKY');
    sticky.set(grant.id, 2);
    await slash('U0STICKY', `revoke ${request.id}`);
    const ended = await waitFor(() => dmsTo('U0STICKY').find((dm) => dm.includes('was revoked early')), 'revoke DM');
    expect(ended).toContain('the provider still shows the access');
    expect(ended).not.toContain('Revoked and verified');
    const alerts = () => postsTo(SECURITY_CHANNEL).filter((p) => p.includes(grant.id));
    // Alerts and DMs after a revoke are delivered by the chat queue.
    await waitFor(() => alerts().length > 0, 'the unverified alert');
    expect(alerts()).toHaveLength(1);
    expect(alerts()[0]).toContain('could not be verified');
    expect(await t.runtime.sandbox.isStanding(grant.id)).toBe(true);

    // First retry: revoked again, but the check still finds it. No second alert.
    clock.advance(MIN);
    await runDelayedJobNow(t.runtime.queues.notice, (await verifyJobOf(grant.id))!);
    expect(alerts()).toHaveLength(1);
    expect((await grantIn(request.id, 'revoked')).revokeVerifiedAt).toBeNull();

    // Second retry: confirmed.
    clock.advance(MIN);
    await runDelayedJobNow(t.runtime.queues.notice, (await verifyJobOf(grant.id))!);
    expect(await t.runtime.sandbox.isStanding(grant.id)).toBe(false);
    expect((await grantIn(request.id, 'revoked')).revokeVerifiedAt).not.toBeNull();
    await waitFor(() => alerts().at(-1)?.includes('is now revoked and verified'), 'the all-clear alert');
    await waitFor(
      () => dmsTo('U0STICKY').at(-1)?.includes('revoked and verified — the provider now confirms the access is gone'),
      'the verified DM',
    );
    expect(alerts()).toHaveLength(2);
    expect(await verifyJobOf(grant.id)).toBeUndefined();
  });
});
