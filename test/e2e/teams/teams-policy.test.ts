import { asc, eq } from 'drizzle-orm';
import { accessRequests, auditEvents, grantExtensions, grants } from '../../../src/store/schema';
import { ManualClock } from '../../helpers/clock';
import { delayedJobs, runDelayedJobNow } from '../../helpers/jobs';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime';
import type { TeamsUser, Where } from '../../helpers/teams/activities';
import {
  ALICE,
  BOB,
  requester,
  TEAMS_APPROVAL_CHANNEL,
  TEAMS_SECURITY_CHANNEL,
  TEAMS_TEAM_ID,
  teamsPolicyDepth,
} from '../../helpers/teams/policy';
import { cardJson, personalId, textOf } from '../../helpers/teams/reading';
import { waitFor } from '../../helpers/wait';

const MIN = 60_000;

/**
 * The policy-depth features in Teams through the real `/api/messages` route: approve
 * for less, break-glass review, the expiry warning's Extend and I'm done, extension
 * cards, escalation and reminders, and hostile card data. The clock is injected and
 * delayed jobs are run at once, so nothing sleeps.
 */
describe('Teams end to end: approval policy depth', () => {
  let t: TestRuntime;
  const clock = new ManualClock();
  const channel: Where = { kind: 'channel', channelId: TEAMS_APPROVAL_CHANNEL, teamId: TEAMS_TEAM_ID };
  const personal = (user: TeamsUser): Where => ({ kind: 'personal', user });

  beforeAll(async () => {
    t = await startTestRuntime({ kind: 'postgres', role: 'all', teams: true, policy: teamsPolicyDepth(), clock });
    expect((await t.teams!.install(ALICE, channel)).status).toBe(200);
  });
  afterAll(() => t.close());

  const db = () => t.runtime.database.db;
  const fw = () => t.botFramework!;
  const latestRequest = async (userId: string) =>
    (await db().select().from(accessRequests).where(eq(accessRequests.requesterId, userId)).orderBy(asc(accessRequests.createdAt))).at(-1)!;
  const sentTo = (conversationId: string) => fw().callsTo(conversationId, 'send');
  const cardIn = (marker: string) =>
    sentTo(TEAMS_APPROVAL_CHANNEL)
      .filter((c) => textOf(c).includes(marker))
      .at(-1)!;
  const updatesOf = (activityId: string) =>
    fw()
      .callsTo(TEAMS_APPROVAL_CHANNEL, 'update')
      .filter((c) => c.activityId === activityId)
      .map(cardJson);
  const messagesTo = (user: TeamsUser) => fw().callsTo(personalId(user)).map(textOf);
  const grantOf = async (requestId: string) => (await db().select().from(grants).where(eq(grants.requestId, requestId)))[0];
  const activeGrant = (requestId: string) =>
    waitFor(async () => {
      const g = await grantOf(requestId);
      return g?.status === 'active' && g;
    }, `grant of ${requestId} active`);
  const auditCount = async (requestId: string) =>
    (await db().select().from(auditEvents).where(eq(auditEvents.requestId, requestId))).length;
  const click = async (user: TeamsUser, verb: string, data: Record<string, unknown>, where: Where = channel, replyToId?: string) => {
    const res = await t.teams!.execute(user, where, verb, data, replyToId);
    expect(res.status).toBe(200);
    return JSON.stringify(res.body.value);
  };

  async function ask(user: TeamsUser, text: string) {
    expect((await t.teams!.message(user, personal(user), text)).status).toBe(200);
    return latestRequest(user.aadObjectId);
  }

  /** A pending request of `user`, approved by Alice, with its grant active. */
  async function granted(user: TeamsUser, text: string) {
    const request = await ask(user, text);
    await click(ALICE, 'jit.approve', { requestId: request.id });
    return { request, grant: await activeGrant(request.id) };
  }

  it('approve for less: the card offers shorter durations, the grant is shorter, the requester is told', async () => {
    const req = requester(11);
    const request = await ask(req, 'request ext 2h "deploy"');
    const card = cardIn(`Access request ${request.id}`);
    expect(cardJson(card)).toContain('"verb":"jit.approve_duration"');
    expect(cardJson(card)).toContain('"id":"durationMs"');
    expect(cardJson(card)).not.toContain('"value":"7200000"');

    expect(await click(ALICE, 'jit.approve_duration', { requestId: request.id })).toContain('Pick a shorter duration');
    expect(await click(ALICE, 'jit.approve_duration', { requestId: request.id, durationMs: '7200000' })).toContain(
      'for less than the 2h asked',
    );
    expect((await latestRequest(req.aadObjectId)).status).toBe('pending');

    const answer = await click(ALICE, 'jit.approve_duration', { requestId: request.id, durationMs: '1800000' }, channel, card.responseId);
    expect(answer).toContain(`Access request ${request.id} — approved`);
    expect(answer).toContain('30m (approved shorter than the 2h asked)');
    const grant = await activeGrant(request.id);
    expect(grant.expiresAt!.getTime() - grant.activatedAt!.getTime()).toBe(30 * MIN);
    await waitFor(
      () => messagesTo(req).some((m) => m.includes('was approved by') && m.includes('approved shorter than the 2h asked')),
      'requester told of the shorter grant',
    );
  });

  it('break-glass: loud card and security alert in Teams, a self-review refused, an approver presses Reviewed', async () => {
    const req = requester(12);
    // Without a reason, break-glass is refused as typed: a request form would drop the flag.
    expect(await ask(req, 'request bg 20m --break-glass')).toBeUndefined();
    const refusal = fw().callsTo(personalId(req)).at(-1)!;
    expect(textOf(refusal)).toContain('Break-glass needs a reason');
    expect(cardJson(refusal)).not.toContain('Request access');

    const request = await ask(req, 'request bg 20m --break-glass "prod db down"');
    expect(request).toMatchObject({ breakGlass: true, status: 'approved' });
    const filed = messagesTo(req).find((m) => m.includes(`Filed \`${request.id}\``));
    expect(filed).toContain('BREAK-GLASS: self-approved');
    expect(filed).not.toContain('by policy');
    await activeGrant(request.id);
    const card = cardIn(`Access request ${request.id}`);
    expect(cardJson(card)).toContain('🚨 BREAK-GLASS');
    expect(cardJson(card)).toContain('"verb":"jit.review"');
    const alert = sentTo(TEAMS_SECURITY_CHANNEL)
      .map(textOf)
      .find((m) => m.includes(request.id));
    expect(alert).toContain(`🚨 BREAK-GLASS: user ${req.aadObjectId} self-approved **bg**`);
    expect(alert).not.toContain('<@');

    expect(await click(req, 'jit.review', { requestId: request.id })).toContain('You cannot review your own break-glass use');
    const reviewed = await click(ALICE, 'jit.review', { requestId: request.id }, channel, card.responseId);
    expect(reviewed).toContain(`Break-glass reviewed by user ${ALICE.aadObjectId}`);
    expect(reviewed).not.toContain('jit.review');
    expect((await latestRequest(req.aadObjectId)).reviewedBy).toBe(ALICE.aadObjectId);
    await waitFor(() => updatesOf(card.responseId!).some((u) => u.includes('Break-glass reviewed by')), 'card updated for everyone');
  });

  it("expiry warning: Extend offers exactly the extensions that fit, extends in the auto window, then I'm done revokes and verifies", async () => {
    const req = requester(13);
    const { request, grant } = await granted(req, 'request ext 1h');
    // The warning is queued just after the grant turns active; the clock moves only once it is.
    await waitFor(async () => (await delayedJobs(t.runtime.queues.notice)).includes(`warn-${grant.id}`), 'the warning job');
    clock.advance(50 * MIN);
    await runDelayedJobNow(t.runtime.queues.notice, `warn-${grant.id}`);
    const warning = await waitFor(
      () =>
        fw()
          .callsTo(personalId(req))
          .find((c) => textOf(c).includes('expires in 10m')),
      'expiry warning',
    );
    const choices = (JSON.parse(cardJson(warning)).body as Array<{ id?: string; choices?: Array<{ value: string }> }>)
      .find((e) => e.id === 'extendMs')
      ?.choices?.map((c) => Number(c.value));
    expect(choices).toEqual([15 * MIN, 30 * MIN, 60 * MIN, 120 * MIN]);
    expect(cardJson(warning)).toContain('"verb":"jit.done"');

    const extended = await click(req, 'jit.extend', { requestId: request.id, extendMs: String(30 * MIN) }, personal(req));
    expect(extended).toContain(`Extended \`${request.id}\` by policy`);
    expect((await grantOf(request.id))!.expiresAt!.getTime()).toBe(grant.expiresAt!.getTime() + 30 * MIN);

    expect(await click(req, 'jit.done', { requestId: request.id }, personal(req))).toContain(`Ending ${request.id} now`);
    await waitFor(async () => (await grantOf(request.id))?.status === 'revoked', 'revoked');
    expect(await t.runtime.sandbox.isStanding(grant.id)).toBe(false);
    await waitFor(() => messagesTo(req).some((m) => m.includes('Revoked and verified')), 'revoked and verified notice');
  });

  it('extension cards: posted to the Teams channel, self-approval refused on the card, approved and denied by another approver', async () => {
    const req = requester(14);
    const { request, grant } = await granted(req, 'request ext 1h');
    await t.teams!.message(req, personal(req), `extend ${request.id} 2h`);
    const card = await waitFor(() => cardIn(`Extension of ${request.id}`), 'extension card');
    const [ext] = await db().select().from(grantExtensions).where(eq(grantExtensions.requestId, request.id));
    expect(cardJson(card)).toContain(`"data":{"extensionId":${ext!.id}}`);

    const own = await click(req, 'jit.extend_approve', { extensionId: ext!.id });
    expect(own).toContain('You cannot approve an extension you asked for');
    expect(own).toContain(`Extension of ${request.id} — pending`);
    const approved = await click(BOB, 'jit.extend_approve', { extensionId: ext!.id }, channel, card.responseId);
    expect(approved).toContain(`Approved by user ${BOB.aadObjectId}`);
    expect((await grantOf(request.id))!.expiresAt!.getTime()).toBe(grant.expiresAt!.getTime() + 120 * MIN);
    await waitFor(() => updatesOf(card.responseId!).some((u) => u.includes('— approved')), 'extension card updated');
    await waitFor(
      () => messagesTo(req).some((m) => m.includes(`was approved by user ${BOB.aadObjectId}`)),
      'requester told of the extension',
    );

    await t.teams!.message(req, personal(req), `extend ${request.id} 30m`);
    const second = (await db().select().from(grantExtensions).where(eq(grantExtensions.requestId, request.id))).find(
      (e) => e.status === 'pending',
    )!;
    expect(await click(BOB, 'jit.extend_deny', { extensionId: String(second.id) })).toContain(`Denied by user ${BOB.aadObjectId}`);
    await waitFor(() => messagesTo(req).some((m) => m.includes('was denied by')), 'requester told of the deny');
    expect((await grantOf(request.id))!.expiresAt!.getTime()).toBe(grant.expiresAt!.getTime() + 120 * MIN);
  });

  it("escalation and reminders reach Teams: a thread reply, the tier's card, the requester told, the tier decides", async () => {
    const req = requester(15);
    const request = await ask(req, 'request esc 30m');
    const card = cardIn(`Access request ${request.id}`);
    expect(await click(BOB, 'jit.approve', { requestId: request.id })).toContain('You are not an approver for esc');

    clock.advance(16 * MIN);
    await runDelayedJobNow(t.runtime.queues.remind, `remind-${request.id}`);
    const thread = `${TEAMS_APPROVAL_CHANNEL};messageid=${card.responseId}`;
    // The reminder and the tier's card are delivered by the chat queue.
    await waitFor(
      () =>
        sentTo(thread)
          .map(textOf)
          .some((m) => m.includes(`Reminder: \`${request.id}\``)),
      "the reminder in the card's thread",
    );

    await runDelayedJobNow(t.runtime.queues.notice, `escalate-${request.id}-0`);
    const escalated = await waitFor(() => cardIn(`Escalated: access request ${request.id}`), 'the escalation card');
    // Bob is @mentioned (he has talked to the bot, so the roster gave his name), not named by his object id.
    expect(textOf(escalated)).toContain(
      `**Escalated** (tier 1): nobody decided on \`${request.id}\` within 15m. <at>bob</at>, you can now decide.`,
    );
    expect(cardJson(escalated)).toContain(
      JSON.stringify({ entities: [{ type: 'mention', text: '<at>bob</at>', mentioned: { id: BOB.aadObjectId, name: 'bob' } }] }).slice(
        1,
        -1,
      ),
    );
    await waitFor(
      () => messagesTo(req).some((m) => m.includes('now also asking') && m.includes(BOB.aadObjectId)),
      'requester told of the escalation',
    );
    expect(await click(BOB, 'jit.approve', { requestId: request.id }, channel, escalated.responseId)).toContain(
      `Access request ${request.id} — approved`,
    );
  });

  it('refuses hostile card data with a clear message, changing nothing', async () => {
    const req = requester(16);
    const { request, grant } = await granted(req, 'request ext 1h');
    const pending = await ask(requester(17), 'request ext 1h');
    const before = {
      active: await auditCount(request.id),
      pending: await auditCount(pending.id),
      extensions: (await db().select().from(grantExtensions)).length,
    };
    const hostile: Array<[string, unknown]> = [
      ['toString', { requestId: request.id }],
      ['__proto__', {}],
      ['jit.approve_duration', { requestId: { $ne: null }, durationMs: '1800000' }],
      ['jit.approve_duration', { requestId: pending.id, durationMs: '1e9' }],
      ['jit.approve_duration', { requestId: pending.id, durationMs: -5 }],
      ['jit.review', { requestId: 12 }],
      ['jit.done', { requestId: [request.id] }],
      ['jit.done', { requestId: 'R-'.padEnd(10_000, 'A') }],
      ['jit.extend', { requestId: request.id, extendMs: 'DROP TABLE grants' }],
      ['jit.extend', { requestId: request.id, extendMs: 1.5 }],
      ['jit.extend', [request.id]],
      ['jit.extend_approve', { extensionId: '1 OR 1=1' }],
      ['jit.extend_deny', { extensionId: -1 }],
      ['jit.extend_approve', {}],
    ];
    for (const [verb, data] of hostile) {
      const answer = await click(ALICE, verb, data as Record<string, unknown>);
      expect({ verb, data, refused: answer.includes('⚠️') }).toEqual({ verb, data, refused: true });
    }
    expect(await click(ALICE, 'jit.extend', { requestId: request.id })).toContain('Pick how much longer');
    expect(await auditCount(request.id)).toBe(before.active);
    expect(await auditCount(pending.id)).toBe(before.pending);
    expect((await db().select().from(grantExtensions)).length).toBe(before.extensions);
    expect(await grantOf(request.id)).toMatchObject({ status: 'active', expiresAt: grant.expiresAt });
    expect((await latestRequest(requester(17).aadObjectId)).status).toBe('pending');
  });
});
