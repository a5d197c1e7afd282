import { asc, eq } from 'drizzle-orm';
import { accessRequests, auditEvents, grants } from '../../src/store/schema';
import type { SlackCall } from '../../src/sandbox/fake-slack-api';
import { APPROVAL_CHANNEL, CROWD } from '../helpers/policy';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime';
import { waitFor } from '../helpers/wait';

/**
 * The whole loop through the real HTTP server: signed slash commands and button
 * clicks as Slack sends them, Bolt, the core, BullMQ workers on Redis, Postgres,
 * and the sandbox provider. Only Slack's Web API is a local fake.
 */
describe('Slack end to end', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await startTestRuntime({ kind: 'postgres', role: 'all' });
  });
  afterAll(() => t.close());

  const db = () => t.runtime.database.db;
  const requestsOf = async (userId: string) =>
    db().select().from(accessRequests).where(eq(accessRequests.requesterId, userId)).orderBy(asc(accessRequests.createdAt));
  const cardFor = (requestId: string): SlackCall | undefined =>
    t.slackApi.callsOf('chat.postMessage').find((c) => c.args.channel === APPROVAL_CHANNEL && String(c.args.text).includes(requestId));
  const dmsTo = (userId: string) =>
    t.slackApi
      .callsOf('chat.postMessage')
      .filter((c) => c.args.channel === userId)
      .map((c) => String(c.args.text));
  const ephemeralsTo = (userId: string) =>
    t.slackApi
      .callsOf('chat.postEphemeral')
      .filter((c) => c.args.user === userId)
      .map((c) => String(c.args.text));

  async function slash(userId: string, text: string): Promise<Response> {
    const res = await t.signer.slashCommand({ userId, text, responseUrl: t.slackApi.responseUrl(`${userId}-${Date.now()}`) });
    expect(res.status).toBe(200);
    return res;
  }

  async function requestVia(userId: string, text: string) {
    await slash(userId, text);
    const rows = await requestsOf(userId);
    return rows.at(-1)!;
  }

  async function click(userId: string, actionId: 'jit.approve' | 'jit.deny', requestId: string) {
    const card = cardFor(requestId);
    return t.signer
      .buttonClick({
        userId,
        actionId,
        value: requestId,
        channelId: APPROVAL_CHANNEL,
        messageTs: '1.0',
        responseUrl: t.slackApi.responseUrl(`click-${userId}`),
      })
      .then((res) => {
        expect(card).toBeDefined();
        return res;
      });
  }

  it('request → card → approve → grant → revoke at expiry, with the card, DMs and audit trail', async () => {
    const request = await requestVia('U0REQ1', 'request quick 3s "fix INC-1"');
    expect(request).toMatchObject({ status: 'pending', roleId: 'quick', durationMs: 3000, reason: 'fix INC-1' });
    const card = cardFor(request.id)!;
    expect(JSON.stringify(card.args.blocks)).toContain('"action_id":"jit.approve"');
    expect(JSON.stringify(card.args.blocks)).toContain('SANDBOX');
    expect(t.slackApi.callsOf('response_url').some((c) => String(c.args.text).includes(`Filed \`${request.id}\``))).toBe(true);

    expect((await click('U0ALICE', 'jit.approve', request.id)).status).toBe(200);
    const grant = await waitFor(
      async () =>
        await db()
          .select()
          .from(grants)
          .where(eq(grants.requestId, request.id))
          .then((r) => r[0]?.status === 'active' && r[0]),
      'grant active',
    );
    expect(await t.runtime.sandbox.isStanding(grant.id)).toBe(true);
    expect(grant.expiresAt!.getTime() - grant.activatedAt!.getTime()).toBe(3000);

    // The delayed revoke job fires at expiry; nothing here moves time.
    const ended = await waitFor(
      async () =>
        await db()
          .select()
          .from(grants)
          .where(eq(grants.id, grant.id))
          .then((r) => r[0]?.status === 'expired' && r[0]),
      'grant expired',
      10_000,
    );
    expect(ended.revokedAt!.getTime()).toBeGreaterThanOrEqual(grant.expiresAt!.getTime());
    expect(await t.runtime.sandbox.isStanding(grant.id)).toBe(false);
    await waitFor(() => dmsTo('U0REQ1').some((text) => text.includes('has expired')), 'expiry DM');

    const updates = t.slackApi.callsOf('chat.update').filter((c) => c.args.ts === card.args.ts || String(c.args.text).includes(request.id));
    expect(updates.map((u) => String(u.args.text).split(' — ').at(-1))).toEqual(['approved', 'active', 'expired']);
    expect(updates.every((u) => u.args.channel === APPROVAL_CHANNEL)).toBe(true);
    const dms = dmsTo('U0REQ1');
    for (const step of ['is waiting for approval', 'was approved by <@U0ALICE>', 'You now have *quick*', 'has expired'])
      expect(dms.some((text) => text.includes(step))).toBe(true);

    const audit = await db().select().from(auditEvents).where(eq(auditEvents.requestId, request.id)).orderBy(asc(auditEvents.id));
    expect(audit.map((e) => e.action)).toEqual([
      'request.created',
      'approval.approve',
      'request.approved',
      'grant.started',
      'grant.activated',
      'revoke.started',
      'grant.expired',
      'revoke.verified',
    ]);
    expect(audit.map((e) => e.actorId).slice(0, 2)).toEqual(['U0REQ1', 'U0ALICE']);
    const times = audit.map((e) => e.at.getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('answers unsigned, wrongly signed and stale requests with 401 and changes nothing', async () => {
    const before = (await requestsOf('U0FORGER')).length;
    const form = { userId: 'U0FORGER', text: 'request auto 1m', responseUrl: t.slackApi.responseUrl('forger') };
    expect((await t.signer.slashCommand(form, { signature: null })).status).toBe(401);
    expect((await t.signer.slashCommand(form, { signature: 'v0=' + '0'.repeat(64) })).status).toBe(401);
    expect((await t.signer.slashCommand(form, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 })).status).toBe(401);
    expect((await requestsOf('U0FORGER')).length).toBe(before);
  });

  it('refuses self-approval and non-approver clicks with an ephemeral explanation', async () => {
    const request = await requestVia('U0ALICE', 'request quick 1m self test');
    await click('U0ALICE', 'jit.approve', request.id);
    await click('U0MALLORY', 'jit.approve', request.id);
    await click('U0MALLORY', 'jit.deny', request.id);
    expect(ephemeralsTo('U0ALICE').some((t) => t.includes('You cannot approve your own request'))).toBe(true);
    expect(ephemeralsTo('U0MALLORY').filter((t) => t.includes('You are not an approver for quick'))).toHaveLength(2);
    expect(t.slackApi.callsOf('views.open')).toHaveLength(0);
    const [row] = await db().select().from(accessRequests).where(eq(accessRequests.id, request.id));
    expect(row?.status).toBe('pending');
    const refused = await db().select().from(auditEvents).where(eq(auditEvents.action, 'decision.refused')).orderBy(auditEvents.id);
    expect(refused.filter((e) => e.requestId === request.id).map((e) => e.actorId)).toEqual(['U0ALICE', 'U0MALLORY', 'U0MALLORY']);
  });

  it('makes exactly one grant from 20 concurrent Approve clicks', async () => {
    const request = await requestVia('U0REQ2', 'request crowd 1m load');
    const clicks = await Promise.all(CROWD.slice(0, 20).map((id) => click(id, 'jit.approve', request.id)));
    expect(clicks.every((res) => res.status === 200)).toBe(true);
    await waitFor(
      async () => (await db().select().from(grants).where(eq(grants.requestId, request.id)))[0]?.status === 'active',
      'grant active',
    );
    expect(await db().select().from(grants).where(eq(grants.requestId, request.id))).toHaveLength(1);
    const audit = await db().select().from(auditEvents).where(eq(auditEvents.requestId, request.id));
    expect(audit.filter((e) => e.action === 'request.approved')).toHaveLength(1);
    expect(audit.filter((e) => e.action === 'grant.activated')).toHaveLength(1);
    expect(audit.filter((e) => e.action === 'decision.refused')).toHaveLength(19);
  });

  it('does not grant a two-approval role after one approval', async () => {
    const request = await requestVia('U0REQ3', 'request dual 1m "rotate keys INC-77"');
    await click('U0ALICE', 'jit.approve', request.id);
    expect(ephemeralsTo('U0ALICE').some((t) => t.includes(`approval of \`${request.id}\` is recorded; 1 more needed`))).toBe(true);
    expect(await db().select().from(grants).where(eq(grants.requestId, request.id))).toHaveLength(0);
    expect((await db().select().from(accessRequests).where(eq(accessRequests.id, request.id)))[0]?.status).toBe('pending');
    await click('U0BOB', 'jit.approve', request.id);
    await waitFor(
      async () => (await db().select().from(grants).where(eq(grants.requestId, request.id)))[0]?.status === 'active',
      'grant active after the second approval',
    );
  });

  it('asks for a deny reason in a modal and updates the card with it', async () => {
    const request = await requestVia('U0REQ4', 'request quick 1m please');
    await click('U0BOB', 'jit.deny', request.id);
    const modal = t.slackApi.callsOf('views.open').at(-1)!;
    expect((modal.args.view as { callback_id: string }).callback_id).toBe('jit.deny_submit');
    const empty = await t.signer.viewSubmission({
      userId: 'U0BOB',
      callbackId: 'jit.deny_submit',
      privateMetadata: JSON.stringify({ requestId: request.id }),
      values: { reason: { reason: { type: 'plain_text_input', value: ' ' } } },
    });
    expect(await empty.json()).toMatchObject({ response_action: 'errors' });
    await t.signer.viewSubmission({
      userId: 'U0BOB',
      callbackId: 'jit.deny_submit',
      privateMetadata: JSON.stringify({ requestId: request.id }),
      values: { reason: { reason: { type: 'plain_text_input', value: 'use staging' } } },
    });
    expect((await db().select().from(accessRequests).where(eq(accessRequests.id, request.id)))[0]?.status).toBe('denied');
    expect(JSON.stringify(t.slackApi.callsOf('chat.update').at(-1)?.args.blocks)).toContain('Denied by <@U0BOB>: use staging');
    expect(dmsTo('U0REQ4').some((text) => text.includes('was denied by <@U0BOB>: use staging'))).toBe(true);
  });

  it('opens the request form when the role needs a reason, and files what the form submits', async () => {
    await slash('U0REQ5', 'request dual 30m');
    const modal = t.slackApi.callsOf('views.open').at(-1)!;
    const view = modal.args.view as { callback_id: string; blocks: unknown[] };
    expect(view.callback_id).toBe('jit.request_submit');
    expect(JSON.stringify(view.blocks)).toContain('dual needs a reason');
    const values = {
      role: { role: { type: 'static_select', selected_option: { value: 'dual', text: { type: 'plain_text', text: 'dual' } } } },
      duration: { duration: { type: 'plain_text_input', value: '45m' } },
      reason: { reason: { type: 'plain_text_input', value: 'db failover' } },
      ticket: { ticket: { type: 'plain_text_input', value: null } },
    };
    const refused = await t.signer.viewSubmission({ userId: 'U0REQ5', callbackId: 'jit.request_submit', values });
    expect(await refused.json()).toEqual({ response_action: 'errors', errors: { ticket: expect.stringContaining('needs a ticket') } });
    values.ticket.ticket.value = 'INC-9' as never;
    expect((await t.signer.viewSubmission({ userId: 'U0REQ5', callbackId: 'jit.request_submit', values })).status).toBe(200);
    expect((await requestsOf('U0REQ5')).at(-1)).toMatchObject({
      roleId: 'dual',
      durationMs: 45 * 60_000,
      ticket: 'INC-9',
      status: 'pending',
    });
  });

  it('answers list, roles, help, revoke and nonsense with ephemeral replies', async () => {
    const request = await requestVia('U0REQ6', 'request auto 10m checking');
    await waitFor(
      async () => (await db().select().from(grants).where(eq(grants.requestId, request.id)))[0]?.status === 'active',
      'auto grant active',
    );
    const replies = () =>
      t.slackApi.callsOf('response_url').map((c) => c.args as { text: string; response_type: string; blocks?: unknown });
    await slash('U0REQ6', 'list');
    expect(JSON.stringify(replies().at(-1)?.blocks)).toContain(request.id);
    await slash('U0REQ6', 'roles');
    expect(JSON.stringify(replies().at(-1)?.blocks)).toContain('*dual*');
    await slash('U0REQ6', 'frobnicate');
    expect(replies().at(-1)).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('I don\'t know "frobnicate"') });
    await slash('U0MALLORY', `revoke ${request.id}`);
    expect(replies().at(-1)?.text).toContain(`Only the requester or an approver of auto can revoke ${request.id}`);
    await slash('U0REQ6', `revoke ${request.id.toLowerCase()}`);
    await waitFor(
      async () => (await db().select().from(grants).where(eq(grants.requestId, request.id)))[0]?.status === 'revoked',
      'grant revoked early',
    );
    expect((await db().select().from(accessRequests).where(eq(accessRequests.id, request.id)))[0]?.status).toBe('revoked');
  });

  it('draws the App Home with active grants and pending decisions, and revokes from it', async () => {
    const mine = await requestVia('U0HOME1', 'request auto 30m home test');
    await waitFor(
      async () => (await db().select().from(grants).where(eq(grants.requestId, mine.id)))[0]?.status === 'active',
      'auto grant active',
    );
    const waiting = await requestVia('U0HOME2', 'request quick 10m needs alice');
    // Two waiting for one approver: Slack refuses a view whose blocks share a block_id.
    const alsoWaiting = await requestVia('U0HOME3', 'request quick 10m also needs alice');
    const homeOf = async (userId: string) => {
      const before = t.slackApi.callsOf('views.publish').length;
      expect((await t.signer.event({ type: 'app_home_opened', user: userId, channel: 'D0HOME', tab: 'home' })).status).toBe(200);
      const published = t.slackApi
        .callsOf('views.publish')
        .slice(before)
        .find((c) => c.args.user_id === userId)!;
      expect(published.result).toMatchObject({ ok: true });
      return JSON.stringify((published.args.view as { blocks: unknown[] }).blocks);
    };

    const requesterHome = await homeOf('U0HOME1');
    expect(requesterHome).toContain(mine.id);
    expect(requesterHome).toMatch(/\*(29|30)m left\*/);
    expect(requesterHome).toContain('"action_id":"jit.revoke_now"');
    expect(requesterHome).not.toContain(waiting.id);

    const approverHome = await homeOf('U0ALICE');
    expect(approverHome).toContain(waiting.id);
    expect(approverHome).toContain(alsoWaiting.id);
    expect(approverHome).toContain('"action_id":"jit.approve"');
    expect(approverHome).toContain('You hold no access right now');

    const publishes = t.slackApi.callsOf('views.publish').length;
    await t.signer.buttonClick({ userId: 'U0HOME1', actionId: 'jit.revoke_now', value: mine.id, viewId: 'VHOME1', blockId: 'home' });
    await waitFor(
      async () => (await db().select().from(grants).where(eq(grants.requestId, mine.id)))[0]?.status === 'revoked',
      'revoked from the Home tab',
    );
    const redrawn = t.slackApi
      .callsOf('views.publish')
      .slice(publishes)
      .find((c) => c.args.user_id === 'U0HOME1');
    expect(JSON.stringify(redrawn?.args.view)).not.toContain('jit.revoke_now');
    expect(JSON.stringify(redrawn?.args.view)).toContain('Revoking now');
    // Once the access is gone, the Home tab is drawn again without it (it said "Revoking now…" until reopened).
    const after = await waitFor(
      () =>
        t.slackApi
          .callsOf('views.publish')
          .slice(publishes)
          .filter((c) => c.args.user_id === 'U0HOME1')
          .find((c) => !JSON.stringify(c.args.view).includes('Revoking now')),
      'the Home tab redrawn after the revoke',
    );
    expect(JSON.stringify(after.args.view)).not.toContain(mine.id);
    expect(JSON.stringify(after.args.view)).toContain('You hold no access right now');

    await t.signer.buttonClick({ userId: 'U0ALICE', actionId: 'jit.approve', value: waiting.id, viewId: 'VHOME2' });
    await waitFor(
      async () => (await db().select().from(grants).where(eq(grants.requestId, waiting.id)))[0]?.status === 'active',
      'approved from the Home tab',
    );
    expect(dmsTo('U0HOME2').some((text) => text.includes('was approved by <@U0ALICE>'))).toBe(true);
  });

  it('serves health, readiness and metrics', async () => {
    expect((await fetch(`${t.runtime.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${t.runtime.url}/readyz`)).json()).toEqual({ ok: true, postgres: true, redis: true });
    const metrics = await (await fetch(`${t.runtime.url}/metrics`)).text();
    expect(metrics).toMatch(/jitbot_requests\{status="expired"\} [1-9]/);
    expect(metrics).toContain('jitbot_grants_active');
    expect(metrics).toMatch(/jitbot_revoke_lateness_seconds_count [1-9]/);
  });
});
