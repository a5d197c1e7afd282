import { asc, eq } from 'drizzle-orm';
import { parsePolicy } from '../../../src/config/policy-file';
import { accessRequests, auditEvents } from '../../../src/store/schema';
import { FakeGraph, fakeGraphCredential } from '../../fakes/graph';
import { ManualClock } from '../../helpers/clock';
import { runDelayedJobNow } from '../../helpers/jobs';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime';
import { teamsUser, type TeamsUser, type Where } from '../../helpers/teams/activities';
import { ALICE, BOB, MALLORY, requester, TEAMS_APPROVAL_CHANNEL, TEAMS_SECURITY_CHANNEL, TEAMS_TEAM_ID } from '../../helpers/teams/policy';
import { cardJson, personalId, textOf } from '../../helpers/teams/reading';
import { waitFor } from '../../helpers/wait';

const MIN = 60_000;
const ENGINEERS = '0e000000-0000-4000-8000-00000000e001';
const PLATFORM = '0e000000-0000-4000-8000-00000000e002';
const APPROVERS = '0a000000-0000-4000-8000-00000000a001';
const LEADS = '0a000000-0000-4000-8000-00000000a002';
const CAROL = teamsUser('carol', 'dddddddd-0000-4000-8000-000000000004');
const DAN = teamsUser('dan', 'dddddddd-0000-4000-8000-000000000005');

/**
 * A Teams-only deployment (no Slack variables) whose policy names Entra groups: for who may
 * request (nested groups count), who approves, and an escalation tier; approvers are
 * @mentioned in reminders and the tier's card; the home view and the security alerts work with
 * no Slack at all. Graph is a local fake; activities are signed by the test signer; the clock
 * is the test's.
 */
describe('Teams end to end: Entra groups and @mentions', () => {
  const graph = new FakeGraph();
  const clock = new ManualClock();
  let t: TestRuntime;
  const channel: Where = { kind: 'channel', channelId: TEAMS_APPROVAL_CHANNEL, teamId: TEAMS_TEAM_ID };
  const personal = (user: TeamsUser): Where => ({ kind: 'personal', user });
  // One requester per test: each may have one request of a role pending at a time.
  const [REQ, REQ2, REQ3, REQ4, REQ5] = [41, 42, 43, 44, 45].map(requester) as [TeamsUser, TeamsUser, TeamsUser, TeamsUser, TeamsUser];

  beforeAll(async () => {
    await graph.start();
    for (const u of [ALICE, BOB, CAROL, DAN, MALLORY, REQ, REQ2, REQ3, REQ4, REQ5]) graph.users.set(u.aadObjectId, u.name);
    graph.groups.set(ENGINEERS, [PLATFORM]); // nested: the requester is in ENGINEERS through PLATFORM
    graph.groups.set(
      PLATFORM,
      [REQ, REQ2, REQ3, REQ4, REQ5, ALICE].map((u) => u.aadObjectId),
    );
    graph.groups.set(APPROVERS, [ALICE.aadObjectId]);
    graph.groups.set(LEADS, [DAN.aadObjectId]);
    t = await startTestRuntime({
      kind: 'postgres',
      role: 'all',
      teams: true,
      clock,
      env: { SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '', JIT_GRAPH_URL: graph.url },
      graphCredential: fakeGraphCredential,
      policy: parsePolicy(
        `
approvals: { teams_channel: "${TEAMS_APPROVAL_CHANNEL}", pending_ttl: 1h, remind_after: 10m }
digest: { teams_channel: "${TEAMS_SECURITY_CHANNEL}" }
roles:
  - id: grp
    provider: sandbox
    requesters: { entra_groups: [${ENGINEERS}] }
    max_duration: 2h
    min_duration: 1m
    reason: optional
    approval:
      approvers: { teams_users: [${CAROL.aadObjectId}], entra_groups: [${APPROVERS}] }
      escalation:
        - after: 15m
          approvers: { entra_groups: [${LEADS}] }
  - id: bg
    provider: sandbox
    requesters: { entra_groups: [${ENGINEERS}] }
    max_duration: 1h
    min_duration: 1m
    reason: required
    break_glass: true
    approval: { approvers: { entra_groups: [${APPROVERS}] } }
`,
        'teams-entra.yaml',
      ),
    });
    expect((await t.teams!.install(ALICE, channel)).status).toBe(200);
    // Carol has talked to the bot before: the roster gave jitbot her name.
    expect((await t.teams!.message(CAROL, personal(CAROL), 'help')).status).toBe(200);
  });
  afterAll(async () => {
    await t.close();
    await graph.stop();
  });

  const db = () => t.runtime.database.db;
  const fw = () => t.botFramework!;
  const latestRequest = async (userId: string) =>
    (await db().select().from(accessRequests).where(eq(accessRequests.requesterId, userId)).orderBy(asc(accessRequests.createdAt))).at(-1);
  const repliesTo = (user: TeamsUser) => fw().callsTo(personalId(user)).map(textOf);
  const cardIn = (marker: string) =>
    fw()
      .callsTo(TEAMS_APPROVAL_CHANNEL, 'send')
      .filter((c) => textOf(c).includes(marker))
      .at(-1);
  const click = async (user: TeamsUser, requestId: string, replyToId?: string) => {
    const res = await t.teams!.execute(user, channel, 'jit.approve', { requestId }, replyToId);
    expect(res.status).toBe(200);
    return JSON.stringify(res.body.value);
  };
  const ask = async (user: TeamsUser, text: string) => {
    expect((await t.teams!.message(user, personal(user), text)).status).toBe(200);
    return latestRequest(user.aadObjectId);
  };
  const mentionsOf = (cardText: string) =>
    (JSON.parse(cardText) as { msteams?: { entities?: Array<{ text: string; mentioned: { id: string } }> } }).msteams?.entities ?? [];

  it('lets a member of a nested Entra group request, and refuses someone outside it', async () => {
    expect(await ask(MALLORY, 'request grp 30m')).toBeUndefined();
    const refusal = await waitFor(() => repliesTo(MALLORY).find((m) => m.includes('You may not request grp')), 'refusal');
    // Said so a Teams user can follow it: the command there is `roles`, not Slack's `/jit roles`.
    expect(refusal).toContain('`roles` in Teams');
    const request = await ask(REQ, 'request grp 30m');
    expect(request?.status).toBe('pending');
  });

  it('an Entra group member approves; someone outside it cannot; a Graph outage is "try again", never allowed', async () => {
    const request = (await ask(REQ2, 'request grp 45m'))!;
    expect(await click(BOB, request.id)).toContain('You are not an approver for grp');

    graph.failNext(503, 'serviceNotAvailable', 3, '0');
    expect(await click(ALICE, request.id)).toContain('I could not check Entra group membership with Microsoft Graph just now');
    expect((await latestRequest(REQ2.aadObjectId))!.status).toBe('pending');
    const refusals = await db().select().from(auditEvents).where(eq(auditEvents.requestId, request.id));
    expect(refusals.some((e) => e.action === 'request.approved')).toBe(false);

    expect(await click(ALICE, request.id)).toContain(`Access request ${request.id} — approved`);
    expect(graph.callsTo('checkMemberGroups').some((c) => c.status === 200)).toBe(true);
  });

  it('the reminder @mentions the approvers, Entra group members one by one', async () => {
    const request = (await ask(REQ3, 'request grp 20m'))!;
    const card = cardIn(`Access request ${request.id}`)!;
    clock.advance(11 * MIN);
    await runDelayedJobNow(t.runtime.queues.remind, `remind-${request.id}`);
    const thread = `${TEAMS_APPROVAL_CHANNEL};messageid=${card.responseId}`;
    const reminder = await waitFor(
      () =>
        fw()
          .callsTo(thread, 'send')
          .find((c) => textOf(c).includes(`Reminder: \`${request.id}\``)),
      'the reminder',
    );
    const json = cardJson(reminder);
    expect(json).toContain('still waiting for approval from <at>carol</at>, <at>alice</at>.');
    expect(mentionsOf(json)).toEqual([
      { type: 'mention', text: '<at>carol</at>', mentioned: { id: CAROL.aadObjectId, name: 'carol' } },
      { type: 'mention', text: '<at>alice</at>', mentioned: { id: ALICE.aadObjectId, name: 'alice' } },
    ]);
    expect(String(reminder.body.summary)).not.toContain('<at>');
  });

  it("the escalation tier's card @mentions the tier's Entra group, whose member may then decide", async () => {
    const request = (await ask(REQ4, 'request grp 25m'))!;
    clock.advance(16 * MIN);
    await runDelayedJobNow(t.runtime.queues.notice, `escalate-${request.id}-0`);
    const escalated = await waitFor(() => cardIn(`Escalated: access request ${request.id}`), 'the escalation card');
    const json = cardJson(escalated);
    expect(json).toContain(`nobody decided on \`${request.id}\` within 15m. <at>dan</at>, you can now decide.`);
    expect(mentionsOf(json)).toEqual([{ type: 'mention', text: '<at>dan</at>', mentioned: { id: DAN.aadObjectId, name: 'dan' } }]);
    expect(await click(DAN, request.id, escalated.responseId)).toContain(`Access request ${request.id} — approved`);
  });

  it('home shows an Entra group approver what waits for them, and the requester the access they hold', async () => {
    const waiting = (await latestRequest(REQ.aadObjectId))!; // filed in the first test, still waiting
    expect(waiting.status).toBe('pending');
    expect((await t.teams!.message(ALICE, personal(ALICE), 'home')).status).toBe(200);
    const alices = cardJson(fw().callsTo(personalId(ALICE)).at(-1)!);
    expect(alices).toContain(waiting.id);
    expect(alices).toContain('"verb":"jit.approve"');

    expect(await click(ALICE, waiting.id)).toContain(`Access request ${waiting.id} — approved`);
    await waitFor(async () => (await latestRequest(REQ.aadObjectId))?.status === 'active', 'the grant active');
    expect((await t.teams!.message(REQ, personal(REQ), 'home')).status).toBe(200);
    const mine = cardJson(fw().callsTo(personalId(REQ)).at(-1)!);
    expect(mine).toContain('Your access');
    expect(mine).toContain('"verb":"jit.done"');
  });

  it('a break-glass use alerts digest.teams_channel, with no Slack anywhere', async () => {
    const request = (await ask(REQ5, 'request bg 20m --break-glass "prod db down"'))!;
    expect(request).toMatchObject({ breakGlass: true, status: 'approved' });
    const alert = await waitFor(
      () =>
        fw()
          .callsTo(TEAMS_SECURITY_CHANNEL, 'send')
          .map(textOf)
          .find((m) => m.includes(request.id)),
      'the security alert in Teams',
    );
    expect(alert).toContain('🚨 BREAK-GLASS');
    expect(alert).toContain('An approver of bg must review it');
  });
});
