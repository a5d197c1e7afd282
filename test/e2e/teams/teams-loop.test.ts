import { asc, eq } from 'drizzle-orm';
import { accessRequests, auditEvents, grants, teamsConversations } from '../../../src/store/schema';
import { APPROVAL_CHANNEL } from '../../helpers/policy';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime';
import { ALICE, BOB, MALLORY, requester, TEAMS_APPROVAL_CHANNEL, TEAMS_TEAM_ID, teamsPolicy } from '../../helpers/teams/policy';
import type { TeamsUser, Where } from '../../helpers/teams/activities';
import { cardJson, personalId, textOf } from '../../helpers/teams/reading';
import { waitFor } from '../../helpers/wait';

/**
 * The Teams loop through the real HTTP server: activities signed as the Bot
 * Framework signs them, the real botbuilder adapter verifying them against a local
 * OpenID/JWKS endpoint, the core, BullMQ on Redis, Postgres, and the sandbox
 * provider. Only Microsoft's side (token keys, Bot Connector) is a local fake.
 */
describe('Teams end to end', () => {
  let t: TestRuntime;
  const channel: Where = { kind: 'channel', channelId: TEAMS_APPROVAL_CHANNEL, teamId: TEAMS_TEAM_ID };
  const personal = (user: TeamsUser): Where => ({ kind: 'personal', user });

  beforeAll(async () => {
    t = await startTestRuntime({ kind: 'postgres', role: 'all', teams: true, policy: teamsPolicy() });
    // Installing the bot in the team is how the approval channel's reference is captured.
    expect((await t.teams!.install(ALICE, channel)).status).toBe(200);
  });
  afterAll(() => t.close());

  const db = () => t.runtime.database.db;
  const fw = () => t.botFramework!;
  const latestRequest = async (userId: string) =>
    (await db().select().from(accessRequests).where(eq(accessRequests.requesterId, userId)).orderBy(asc(accessRequests.createdAt))).at(-1)!;
  const teamsCard = (requestId: string) =>
    fw()
      .callsTo(TEAMS_APPROVAL_CHANNEL, 'send')
      .find((c) => cardJson(c).includes(`Access request ${requestId}`));
  const teamsUpdates = (activityId: string) =>
    fw()
      .callsTo(TEAMS_APPROVAL_CHANNEL, 'update')
      .filter((c) => c.activityId === activityId);
  const messagesTo = (user: TeamsUser) => fw().callsTo(personalId(user)).map(textOf);
  const grantOf = async (requestId: string) => (await db().select().from(grants).where(eq(grants.requestId, requestId)))[0];

  async function ask(user: TeamsUser, text: string, where: Where = personal(user)) {
    const res = await t.teams!.message(user, where, text);
    expect(res.status).toBe(200);
    return latestRequest(user.aadObjectId);
  }

  it('shows the approval channel id on install, and stores the conversation references', async () => {
    const welcome = fw().callsTo(TEAMS_APPROVAL_CHANNEL).map(textOf);
    expect(welcome.some((m) => m.includes(`teams_channel: "${TEAMS_APPROVAL_CHANNEL}"`))).toBe(true);
    expect(t.logLines.some((l) => l.includes(`"teamsChannel":"${TEAMS_APPROVAL_CHANNEL}"`))).toBe(true);
    const [row] = await db().select().from(teamsConversations).where(eq(teamsConversations.conversationId, TEAMS_APPROVAL_CHANNEL));
    expect(row).toMatchObject({ kind: 'channel', serviceUrl: fw().url });
    // Outbound calls carry the credentials of the adapter's credentials factory.
    expect(fw().calls.every((c) => c.authorization === 'Bearer fake-connector-token')).toBe(true);
  });

  it('request → card → approve → grant → revoke at expiry, with card updates and 1:1 notices', async () => {
    const req = requester(1);
    const request = await ask(req, 'jit request quick 3s "fix INC-1"');
    expect(request).toMatchObject({ status: 'pending', roleId: 'quick', durationMs: 3000, requesterPlatform: 'teams' });
    expect(messagesTo(req).some((m) => m.includes(`Filed \`${request.id}\``))).toBe(true);

    const card = teamsCard(request.id)!;
    expect(cardJson(card)).toContain('"verb":"jit.approve"');
    expect(cardJson(card)).toContain(`"data":{"requestId":"${request.id}"}`);
    expect(cardJson(card)).toContain('SANDBOX');

    const answer = await t.teams!.execute(ALICE, channel, 'jit.approve', { requestId: request.id }, card.responseId);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(JSON.stringify(answer.body.value)).toContain(`Access request ${request.id} — approved`);
    expect(JSON.stringify(answer.body.value)).not.toContain('jit.approve');

    const grant = await waitFor(
      async () => (await grantOf(request.id))?.status === 'active' && (await grantOf(request.id)),
      'grant active',
    );
    expect(await t.runtime.sandbox.isStanding(grant.id)).toBe(true);
    const ended = await waitFor(
      async () => (await grantOf(request.id))?.status === 'expired' && (await grantOf(request.id)),
      'grant expired',
      10_000,
    );
    expect(ended.revokedAt!.getTime()).toBeGreaterThanOrEqual(grant.expiresAt!.getTime());
    expect(await t.runtime.sandbox.isStanding(grant.id)).toBe(false);

    const updates = await waitFor(() => teamsUpdates(card.responseId!).length >= 3 && teamsUpdates(card.responseId!), 'card updates');
    expect(updates.map((u) => cardJson(u).match(/Access request R-\w+ — (\w+)/)?.[1])).toEqual(['approved', 'active', 'expired']);
    await waitFor(() => messagesTo(req).some((m) => m.includes('has expired')), 'expiry notice');
    for (const step of ['is waiting for approval', `was approved by user ${ALICE.aadObjectId}`, 'You now have **quick**', 'has expired']) {
      expect(messagesTo(req).some((m) => m.includes(step))).toBe(true);
    }
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
    expect(audit.find((e) => e.action === 'approval.approve')).toMatchObject({ actorId: ALICE.aadObjectId, actorPlatform: 'teams' });
  });

  it('a Teams client without Universal Actions: the Action.Submit fallback approves, and the answer replaces the card', async () => {
    const req = requester(7);
    const request = await ask(req, 'jit request quick 5m "fallback client"');
    const card = teamsCard(request.id)!;
    const approve = (JSON.parse(cardJson(card)).actions as Array<Record<string, unknown>>).find((a) => a.verb === 'jit.approve')!;
    const fallback = approve.fallback as { type: string; data: Record<string, unknown> };
    expect(fallback.type).toBe('Action.Submit');
    const res = await t.teams!.submit(ALICE, channel, fallback.data, card.responseId!);
    expect(res.status).toBe(200);
    await waitFor(async () => (await grantOf(request.id))?.status === 'active', 'grant active');
    await waitFor(
      () =>
        teamsUpdates(card.responseId!).some(
          (u) =>
            cardJson(u).includes(`Access request ${request.id} — approved`) ||
            cardJson(u).includes(`Access request ${request.id} — active`),
        ),
      'the clicked card replaced',
    );
    // A submit is not a command: nothing answered "I don't know".
    expect(
      fw()
        .calls.map(textOf)
        .some((m) => m.includes("I don't know")),
    ).toBe(false);
  });

  it('home: the access I hold with time left and Revoke now, and what waits for my decision', async () => {
    const req = requester(9);
    const held = await ask(req, 'jit request quick 30m "home view"');
    await t.teams!.execute(ALICE, channel, 'jit.approve', { requestId: held.id });
    await waitFor(async () => (await grantOf(held.id))?.status === 'active', 'grant active');
    const waiting = await ask(requester(10), 'jit request quick 10m "for alice"');

    await t.teams!.message(req, personal(req), 'home');
    const mine = cardJson(fw().callsTo(personalId(req)).at(-1)!);
    expect(mine).toContain('Your access');
    expect(mine).toContain(held.id);
    expect(mine).toMatch(/\*\*(29|30)m left\*\*/);
    expect(mine).toContain('"verb":"jit.done"');
    expect(mine).toContain('Nothing is waiting for your approval');

    await t.teams!.message(ALICE, personal(ALICE), 'home');
    const alices = cardJson(fw().callsTo(personalId(ALICE)).at(-1)!);
    expect(alices).toContain('You hold no access right now');
    expect(alices).toContain(waiting.id);
    expect(alices).toContain('"verb":"jit.approve"');

    // Revoke now, from the home card.
    const answer = await t.teams!.execute(req, personal(req), 'jit.done', { requestId: held.id });
    expect(JSON.stringify(answer.body.value)).toContain(`Ending ${held.id} now`);
    await waitFor(async () => (await grantOf(held.id))?.status === 'revoked', 'revoked from home');
  });

  it('1:1 notices are a card with a notification summary, not the same words twice', async () => {
    const req = requester(8);
    const request = await ask(req, 'jit request quick 5m "once"');
    const notice = await waitFor(
      () =>
        fw()
          .callsTo(personalId(req), 'send')
          .find((c) => cardJson(c).includes('is waiting for approval')),
      'the submitted notice',
    );
    expect(notice.body.text).toBeUndefined();
    expect(String(notice.body.summary)).toContain(`Your request for **quick**`);
    expect(request.status).toBe('pending');
  });

  it('a Slack request is approved in Teams, and the decision updates both cards', async () => {
    await t.signer.slashCommand({ userId: 'U0SLACKREQ', text: 'request quick 1m cross', responseUrl: t.slackApi.responseUrl('cross') });
    const request = await latestRequest('U0SLACKREQ');
    const slackCard = t.slackApi
      .callsOf('chat.postMessage')
      .find((c) => c.args.channel === APPROVAL_CHANNEL && String(c.args.text).includes(request.id));
    const card = teamsCard(request.id)!;
    expect(slackCard).toBeDefined();
    expect(cardJson(card)).toContain('Slack user U0SLACKREQ');

    await t.teams!.execute(BOB, channel, 'jit.approve', { requestId: request.id }, card.responseId);
    await waitFor(async () => (await grantOf(request.id))?.status === 'active', 'grant active');
    await waitFor(
      () =>
        t.slackApi
          .callsOf('chat.update')
          .some((c) => String(c.args.text).includes(`${request.id}`) && String(c.args.text).endsWith('active')),
      'slack card updated',
    );
    await waitFor(() => teamsUpdates(card.responseId!).some((u) => cardJson(u).includes(`${request.id} — active`)), 'teams card updated');
    expect(
      t.slackApi.callsOf('chat.postMessage').some((c) => c.args.channel === 'U0SLACKREQ' && String(c.args.text).includes('You now have')),
    ).toBe(true);
  });

  it('a Teams request is approved in Slack, and the requester hears about it in Teams', async () => {
    const req = requester(2);
    const request = await ask(req, 'request quick 1m from teams');
    const card = teamsCard(request.id)!;
    const res = await t.signer.buttonClick({
      userId: 'U0ALICE',
      actionId: 'jit.approve',
      value: request.id,
      channelId: APPROVAL_CHANNEL,
      messageTs: '1.0',
      responseUrl: t.slackApi.responseUrl('x'),
    });
    expect(res.status).toBe(200);
    await waitFor(async () => (await grantOf(request.id))?.status === 'active', 'grant active');
    await waitFor(
      () => teamsUpdates(card.responseId!).some((u) => cardJson(u).includes('Slack user U0ALICE')),
      'teams card names the Slack approver',
    );
    await waitFor(() => messagesTo(req).some((m) => m.includes('You now have')), 'teams notice of the grant');
  });

  it('rejects unsigned, forged, expired and misaddressed tokens with 401, changing nothing', async () => {
    const req = requester(3);
    const before = fw().calls.length;
    for (const auth of [
      'none',
      { forgedKey: true },
      { expiresIn: -600 },
      { audience: '00000000-0000-4000-8000-00000000dead' },
      { serviceUrl: 'https://evil.example/' },
      { issuer: 'https://evil.example' },
    ] as const) {
      const res = await t.teams!.message(req, personal(req), 'request quick 1m sneaky', auth);
      expect({ auth, status: res.status }).toEqual({ auth, status: 401 });
    }
    const invoke = await t.teams!.post(
      {
        type: 'invoke',
        name: 'adaptiveCard/action',
        channelId: 'msteams',
        serviceUrl: fw().url,
        from: ALICE,
        conversation: { id: 'x' },
        value: { action: { type: 'Action.Execute', verb: 'jit.approve', data: { requestId: 'R-AAAA' } } },
      },
      'none',
    );
    expect(invoke.status).toBe(401);
    // Nothing was said to the sender or about the attempts (earlier tests' owed notices may still arrive meanwhile).
    expect(
      fw()
        .calls.slice(before)
        .filter(
          (c) =>
            c.conversationId === personalId(req) || JSON.stringify(c.body).includes('sneaky') || JSON.stringify(c.body).includes('R-AAAA'),
        ),
    ).toEqual([]);
    expect(await db().select().from(accessRequests).where(eq(accessRequests.requesterId, req.aadObjectId))).toHaveLength(0);
    expect(
      await db()
        .select()
        .from(teamsConversations)
        .where(eq(teamsConversations.conversationId, personalId(req))),
    ).toHaveLength(0);
  });

  it('refuses non-approvers and self-approval on the card, with an explanation, and audits it', async () => {
    const request = await ask(ALICE, 'request quick 1m self');
    const mine = await t.teams!.execute(ALICE, channel, 'jit.approve', { requestId: request.id });
    expect(JSON.stringify(mine.body.value)).toContain(`You cannot approve your own request ${request.id}`);
    const mallory = await t.teams!.execute(MALLORY, channel, 'jit.approve', { requestId: request.id });
    expect(JSON.stringify(mallory.body.value)).toContain('You are not an approver for quick');
    const deny = await t.teams!.execute(MALLORY, channel, 'jit.deny', { requestId: request.id });
    expect(JSON.stringify(deny.body.value)).toContain('You are not an approver for quick');
    expect((await latestRequest(ALICE.aadObjectId)).status).toBe('pending');
    const refused = await db().select().from(auditEvents).where(eq(auditEvents.action, 'decision.refused')).orderBy(auditEvents.id);
    expect(refused.filter((e) => e.requestId === request.id).map((e) => e.actorId)).toEqual([
      ALICE.aadObjectId,
      MALLORY.aadObjectId,
      MALLORY.aadObjectId,
    ]);
  });

  it('asks for a deny reason on the card and shows the outcome', async () => {
    const req = requester(4);
    const request = await ask(req, 'request quick 1m please');
    const form = await t.teams!.execute(BOB, channel, 'jit.deny', { requestId: request.id });
    expect(JSON.stringify(form.body.value)).toContain('"verb":"jit.deny_submit"');
    const empty = await t.teams!.execute(BOB, channel, 'jit.deny_submit', { requestId: request.id, reason: '  ' });
    expect(JSON.stringify(empty.body.value)).toContain('Please say why you deny the request.');
    expect((await latestRequest(req.aadObjectId)).status).toBe('pending');
    const done = await t.teams!.execute(BOB, channel, 'jit.deny_submit', { requestId: request.id, reason: 'use staging' });
    expect(JSON.stringify(done.body.value)).toContain(`Denied by user ${BOB.aadObjectId}: use staging`);
    expect((await latestRequest(req.aadObjectId)).status).toBe('denied');
    await waitFor(() => messagesTo(req).some((m) => m.includes('was denied by') && m.includes('use staging')), 'deny notice');
  });

  it('answers with the request form when parts are missing, and files what the form submits', async () => {
    const req = requester(5);
    await t.teams!.message(req, personal(req), 'request dual 30m');
    const form = fw().callsTo(personalId(req)).at(-1)!;
    expect(cardJson(form)).toContain('dual needs a reason');
    expect(cardJson(form)).toContain('"verb":"jit.request_submit"');
    const values = { roleId: 'dual', duration: '45m', reason: 'db failover', ticket: '' };
    const refused = await t.teams!.execute(req, personal(req), 'jit.request_submit', values);
    expect(JSON.stringify(refused.body.value)).toContain('needs a ticket');
    const bad = await t.teams!.execute(req, personal(req), 'jit.request_submit', { ...values, duration: 'soon' });
    expect(JSON.stringify(bad.body.value)).toContain('\\"soon\\" is not a duration');
    const filed = await t.teams!.execute(req, personal(req), 'jit.request_submit', { ...values, ticket: 'INC-9' });
    expect(JSON.stringify(filed.body.value)).toContain('Filed `R-');
    expect(await latestRequest(req.aadObjectId)).toMatchObject({
      roleId: 'dual',
      durationMs: 45 * 60_000,
      ticket: 'INC-9',
      status: 'pending',
    });
  });

  it('answers list, roles, help, pending, nonsense and cancel, also as an @mention in a channel', async () => {
    const req = requester(6);
    const request = await ask(req, 'request quick 10m checking');
    const last = () => textOf(fw().calls.at(-1)!);
    await t.teams!.message(req, personal(req), 'list');
    expect(last()).toContain(request.id);
    await t.teams!.message(req, channel, 'jit roles');
    expect(last()).toContain('**dual**');
    expect(fw().calls.at(-1)!.conversationId).toMatch(new RegExp(`^${TEAMS_APPROVAL_CHANNEL};messageid=`));
    await t.teams!.message(req, channel, 'help');
    expect(last()).toContain(TEAMS_APPROVAL_CHANNEL);
    await t.teams!.message(req, personal(req), 'frobnicate');
    expect(last()).toContain('I don\'t know \\"frobnicate\\"');
    await t.teams!.message(ALICE, personal(ALICE), 'pending');
    expect(last()).toContain(request.id);
    // A refusal names the Teams command, in Teams' markup (the core writes no platform's syntax).
    await t.teams!.message(req, personal(req), 'request quick 10m again');
    expect(last()).toContain(`You already have a pending request for **quick**: \`${request.id}\``);
    expect(last()).toContain('`cancel <id>` withdraws it');
    expect(last()).not.toContain('/jit');
    await t.teams!.message(req, personal(req), 'request nosuchrole 10m');
    expect(last()).toContain('Try `roles`.');
    await t.teams!.message(MALLORY, personal(MALLORY), `cancel ${request.id}`);
    expect(last()).toContain(`Only the requester can cancel ${request.id}`);
    await t.teams!.message(req, personal(req), `cancel ${request.id.toLowerCase()}`);
    expect(last()).toContain(`Cancelled ${request.id}`);
    expect((await latestRequest(req.aadObjectId)).status).toBe('cancelled');
    await t.teams!.message(req, personal(req), `audit ${request.id}`);
    expect(last()).toContain(`Audit trail of ${request.id}`);
    expect(last()).toContain('request.cancelled');
    await t.teams!.message(MALLORY, personal(MALLORY), 'digest');
    expect(last()).toContain('security team');
  });
});
