import { asc, eq } from 'drizzle-orm';
import { accessRequests, grants } from '../../src/store/schema';
import { APPROVAL_CHANNEL, SECURITY_CHANNEL } from '../helpers/policy';
import { policyDepth } from '../helpers/policy-depth';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime';
import { waitFor } from '../helpers/wait';

/**
 * Break-glass, "Reviewed", "Approve for less…", "I'm done" and duplicate requests
 * through signed Slack requests, Bolt, the workers and the sandbox.
 */
describe('Slack end to end: approval policy depth', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await startTestRuntime({ kind: 'postgres', role: 'all', policy: policyDepth() });
  });
  afterAll(() => t.close());

  const db = () => t.runtime.database.db;
  const latest = async (userId: string) =>
    (await db().select().from(accessRequests).where(eq(accessRequests.requesterId, userId)).orderBy(asc(accessRequests.createdAt))).at(-1)!;
  const posts = (channel: string) =>
    t.slackApi
      .callsOf('chat.postMessage')
      .filter((c) => c.args.channel === channel)
      .map((c) => `${String(c.args.text)} ${JSON.stringify(c.args.blocks ?? [])}`);
  const slash = async (userId: string, text: string) =>
    expect((await t.signer.slashCommand({ userId, text, responseUrl: t.slackApi.responseUrl(`${userId}-${Date.now()}`) })).status).toBe(
      200,
    );
  const click = (userId: string, actionId: string, value: string, channelId = APPROVAL_CHANNEL) =>
    t.signer.buttonClick({ userId, actionId, value, channelId, messageTs: '1.0', responseUrl: t.slackApi.responseUrl(`click-${userId}`) });
  const activeGrant = (requestId: string) =>
    waitFor(
      async () =>
        await db()
          .select()
          .from(grants)
          .where(eq(grants.requestId, requestId))
          .then((r) => r[0]?.status === 'active' && r[0]),
      'grant active',
    );

  it('break-glass: self-approved at once, loud in both channels, reviewed by an approver', async () => {
    await slash('U0FIRE', 'request bg 20m --break-glass "prod db down"');
    const request = await latest('U0FIRE');
    expect(request).toMatchObject({ breakGlass: true, reason: 'prod db down', durationMs: 20 * 60_000 });
    await activeGrant(request.id);
    expect(posts(SECURITY_CHANNEL).some((p) => p.includes('BREAK-GLASS') && p.includes(request.id))).toBe(true);
    expect(posts(APPROVAL_CHANNEL).some((p) => p.includes('BREAK-GLASS') && p.includes('"action_id":"jit.review"'))).toBe(true);
    expect((await click('U0ALICE', 'jit.review', request.id)).status).toBe(200);
    await waitFor(async () => (await latest('U0FIRE')).reviewedBy === 'U0ALICE', 'reviewed');
    expect(
      t.slackApi.callsOf('chat.update').some((c) => JSON.stringify(c.args.blocks).includes('Break-glass reviewed by <@U0ALICE>')),
    ).toBe(true);
  });

  it('approve for less, then "I\'m done" revokes and the DM says revoked and verified', async () => {
    await slash('U0LESS', 'request esc 2h "deploy"');
    const request = await latest('U0LESS');
    const res = await t.signer.selectOption({
      userId: 'U0ALICE',
      actionId: 'jit.approve_duration',
      value: `${request.id}|1800000`,
      channelId: APPROVAL_CHANNEL,
      messageTs: '1.0',
      responseUrl: t.slackApi.responseUrl('sel'),
    });
    expect(res.status).toBe(200);
    const grant = await activeGrant(request.id);
    expect(grant.expiresAt!.getTime() - grant.activatedAt!.getTime()).toBe(30 * 60_000);
    expect((await click('U0LESS', 'jit.done', request.id, 'D0LESS')).status).toBe(200);
    await waitFor(
      () =>
        t.slackApi
          .callsOf('chat.postMessage')
          .some((c) => c.args.channel === 'U0LESS' && String(c.args.text).includes('Revoked and verified')),
      'verified DM',
    );
    expect(await t.runtime.sandbox.isStanding(grant.id)).toBe(false);
  });

  it('a duplicate request points to the existing one', async () => {
    await slash('U0TWICE', 'request pd 10m');
    await slash('U0TWICE', 'request pd 10m');
    const first = await latest('U0TWICE');
    const before = t.slackApi.callsOf('response_url').length;
    await slash('U0TWICE', 'request pd 10m');
    await waitFor(
      () =>
        t.slackApi
          .callsOf('response_url')
          .slice(before)
          .some((c) => String(c.args.text).includes('already have a pending request') && String(c.args.text).includes(first.id)),
      'duplicate reply',
    );
    expect((await db().select().from(accessRequests).where(eq(accessRequests.requesterId, 'U0TWICE'))).length).toBe(2);
  });
});
