import { eq } from 'drizzle-orm';
import { parsePolicy } from '../../src/config/policy-file';
import { accessRequests, auditEvents, grantExtensions, grants } from '../../src/store/schema';
import { APPROVAL_CHANNEL } from '../helpers/policy';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime';
import { waitFor } from '../helpers/wait';

const POLICY = parsePolicy(
  `
approvals:
  slack_channel: ${APPROVAL_CHANNEL}
roles:
  - id: quick
    provider: sandbox
    requesters: { anyone: true }
    max_duration: 1h
    min_duration: 1s
    reason: optional
    extend: { auto_within: 5s }
    approval:
      approvers: { slack_users: [U0ALICE, U0BOB] }
`,
  'extend-e2e.yaml',
);

/**
 * `/jit extend` through the real HTTP server: signed slash commands and clicks on the
 * extension card, Bolt, the core, BullMQ workers (real time), Postgres and the sandbox.
 */
describe('Slack end to end: /jit extend', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await startTestRuntime({ kind: 'postgres', role: 'all', policy: POLICY });
  });
  afterAll(() => t.close());

  const db = () => t.runtime.database.db;
  const grantOf = async (requestId: string) => (await db().select().from(grants).where(eq(grants.requestId, requestId)))[0];
  const replies = () => t.slackApi.callsOf('response_url').map((c) => String(c.args.text));
  const ephemeralsTo = (userId: string) =>
    t.slackApi
      .callsOf('chat.postEphemeral')
      .filter((c) => c.args.user === userId)
      .map((c) => String(c.args.text));

  async function slash(userId: string, text: string): Promise<void> {
    const res = await t.signer.slashCommand({ userId, text, responseUrl: t.slackApi.responseUrl(`${userId}-${Date.now()}`) });
    expect(res.status).toBe(200);
  }

  /** Requests `quick` for `duration` as U0REQ, has Alice approve it, and waits for the grant. */
  async function activeGrant(duration: string) {
    await slash('U0REQ', `request quick ${duration}`);
    const [request] = await db()
      .select()
      .from(accessRequests)
      .where(eq(accessRequests.requesterId, 'U0REQ'))
      .orderBy(accessRequests.createdAt)
      .then((r) => r.slice(-1));
    await t.signer.buttonClick({
      userId: 'U0ALICE',
      actionId: 'jit.approve',
      value: request!.id,
      channelId: APPROVAL_CHANNEL,
      messageTs: '1.0',
    });
    const grant = await waitFor(async () => {
      const g = await grantOf(request!.id);
      return g?.status === 'active' && g;
    }, 'grant active');
    return { requestId: request!.id, grant };
  }

  it('extends within the auto window and the revoke job fires at the new expiry, not the old one', async () => {
    const { requestId, grant } = await activeGrant('2s');
    await slash('U0REQ', `extend ${requestId} 2s`);
    expect(replies().some((text) => text.includes(`Extended \`${requestId}\` by policy`))).toBe(true);
    const extendedTo = grant.expiresAt!.getTime() + 2000;
    expect((await grantOf(requestId))!.expiresAt!.getTime()).toBe(extendedTo);

    const ended = await waitFor(
      async () => {
        const g = await grantOf(requestId);
        return g?.status === 'expired' && g;
      },
      'grant expired',
      10_000,
    );
    expect(ended.revokedAt!.getTime()).toBeGreaterThanOrEqual(extendedTo);
    expect(await t.runtime.sandbox.isStanding(grant.id)).toBe(false);
  });

  it('past the window: an extension card, a refused self-approval, an approver approves', async () => {
    const { requestId, grant } = await activeGrant('30s');
    await slash('U0REQ', `extend ${requestId} 10m`);
    expect(replies().some((text) => text.includes(`Asked the approvers to extend \`${requestId}\``))).toBe(true);
    const card = t.slackApi
      .callsOf('chat.postMessage')
      .find((c) => c.args.channel === APPROVAL_CHANNEL && String(c.args.text).includes(`Extension of ${requestId}`));
    const [ext] = await db().select().from(grantExtensions).where(eq(grantExtensions.requestId, requestId));
    expect(JSON.stringify(card?.args.blocks)).toContain(`"value":"${ext!.id}"`);

    await t.signer.buttonClick({
      userId: 'U0REQ',
      actionId: 'jit.extend_approve',
      value: String(ext!.id),
      channelId: APPROVAL_CHANNEL,
      messageTs: String(card!.args.ts ?? '1.0'),
      blockId: 'jit.extend_decision',
    });
    expect(ephemeralsTo('U0REQ').at(-1)).toContain('You cannot approve an extension you asked for');
    await t.signer.buttonClick({
      userId: 'U0BOB',
      actionId: 'jit.extend_approve',
      value: String(ext!.id),
      channelId: APPROVAL_CHANNEL,
      messageTs: '1.0',
      blockId: 'jit.extend_decision',
    });
    await t.signer.buttonClick({
      userId: 'U0BOB',
      actionId: 'jit.extend_deny',
      value: 'not-a-number',
      channelId: APPROVAL_CHANNEL,
      messageTs: '1.0',
      blockId: 'jit.extend_decision',
    });
    expect(ephemeralsTo('U0BOB').at(-1)).toContain('There is no extension');

    expect((await grantOf(requestId))!.expiresAt!.getTime()).toBe(grant.expiresAt!.getTime() + 600_000);
    const job = await t.runtime.queues.revoke.getJob(`revoke-${grant.id}`);
    expect(job!.timestamp + job!.delay).toBeGreaterThan(Date.now() + 9 * 60_000);
    await slash('U0REQ', `revoke ${requestId}`);
    await waitFor(async () => (await grantOf(requestId))?.status === 'revoked', 'revoked');
  });

  it('a grant that ends with an ask still pending: the ask lapses, audited, and its card loses Approve/Deny', async () => {
    const { requestId } = await activeGrant('30s');
    await slash('U0REQ', `extend ${requestId} 10m`);
    const card = t.slackApi
      .callsOf('chat.postMessage')
      .find((c) => c.args.channel === APPROVAL_CHANNEL && String(c.args.text).includes(`Extension of ${requestId}`))!;
    expect(JSON.stringify(card.args.blocks)).toContain('jit.extend_approve');
    const [ext] = await db().select().from(grantExtensions).where(eq(grantExtensions.requestId, requestId));

    await slash('U0REQ', `revoke ${requestId}`);
    const redrawn = await waitFor(
      () =>
        t.slackApi
          .callsOf('chat.update')
          .filter((c) => c.args.channel === APPROVAL_CHANNEL && c.args.ts === card.result.ts)
          .at(-1),
      'the extension card redrawn after the grant ended',
    );
    expect(JSON.stringify(redrawn.args.blocks)).not.toContain('jit.extend_approve');
    const [settled] = await db().select().from(grantExtensions).where(eq(grantExtensions.id, ext!.id));
    expect(settled).toMatchObject({ status: 'lapsed', decidedBy: 'worker', decidedByPlatform: 'system' });
    const audit = await db().select().from(auditEvents).where(eq(auditEvents.requestId, requestId));
    expect(audit.filter((e) => e.action === 'extend.lapsed').map((e) => [e.actorId, e.data])).toEqual([
      ['worker', { extensionId: ext!.id }],
    ]);
  });
});
