import { and, eq } from 'drizzle-orm';
import { parsePolicy } from '../../../src/config/policy-file';
import { accessRequests, approvals, auditEvents } from '../../../src/store/schema';
import { APPROVAL_CHANNEL } from '../../helpers/policy';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime';
import { slackDriver } from '../../helpers/slack-driver';
import { teamsUser, type TeamsUser, type Where } from '../../helpers/teams/activities';
import { ALICE, BOB, MALLORY, requester, TEAMS_APPROVAL_CHANNEL, TEAMS_TEAM_ID } from '../../helpers/teams/policy';
import { personalId, textOf } from '../../helpers/teams/reading';
import { waitFor } from '../../helpers/wait';

/**
 * Trust boundaries across Slack and Teams, as an attacker would try them: signed Slack
 * requests and Bot Framework activities signed by the test's token signer, against the
 * real HTTP server; only Slack's Web API, Microsoft's keys and the Bot Connector (with
 * its roster) are fakes.
 */
const CAROL = teamsUser('carol', 'dddddddd-0000-4000-8000-000000000004');
const OTHER_TENANT = '99999999-0000-4000-8000-0000000000ff';

const POLICY = parsePolicy(
  `
approvals:
  slack_channel: ${APPROVAL_CHANNEL}
  teams_channel: "${TEAMS_APPROVAL_CHANNEL}"
roles:
  - id: pair
    provider: sandbox
    requesters: { anyone: true }
    max_duration: 1h
    min_duration: 1s
    reason: optional
    approval:
      required: 2
      approvers:
        slack_users: [U0ALICE, U0BOB, U0DAVE]
        teams_users: [${ALICE.aadObjectId}, ${BOB.aadObjectId}]
  - id: solo
    provider: sandbox
    requesters: { anyone: true }
    max_duration: 1h
    min_duration: 1s
    reason: optional
    approval:
      approvers: { slack_users: [U0CAROL, U0ALICE], teams_users: [${CAROL.aadObjectId}, ${ALICE.aadObjectId}] }
`,
  'teams-trust.yaml',
);

describe('trust boundaries across Slack and Teams', () => {
  let t: TestRuntime;
  const slack = slackDriver(() => t);
  const db = () => t.runtime.database.db;
  const channel: Where = { kind: 'channel', channelId: TEAMS_APPROVAL_CHANNEL, teamId: TEAMS_TEAM_ID };
  const statusOf = async (id: string) => (await db().select().from(accessRequests).where(eq(accessRequests.id, id)))[0]?.status;
  const approvalsOf = (id: string) => db().select().from(approvals).where(eq(approvals.requestId, id));
  const refusals = (action: string, actorId: string) =>
    db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, action), eq(auditEvents.actorId, actorId)));

  beforeAll(async () => {
    t = await startTestRuntime({ kind: 'postgres', role: 'web', teams: true, policy: POLICY });
    expect((await t.teams!.install(ALICE, channel)).status).toBe(200);
    // One person, two accounts: Slack and the Teams roster give the same e-mail.
    t.slackApi.setUser('U0ALICE', { profile: { email: 'alice@example.com' } });
    t.slackApi.setUser('U0CAROL', { profile: { email: 'carol@example.com' } });
  });
  afterAll(() => t.close());

  const approveInTeams = (user: TeamsUser, requestId: string, patch?: Record<string, unknown>) =>
    t.teams!.execute(user, channel, 'jit.approve', { requestId }, 'card', patch);

  describe('2. one person counts once', () => {
    it('refuses a requester approving their own Slack request from their Teams account', async () => {
      const request = await slack.slash('U0CAROL', 'request solo 10m');
      const answer = await approveInTeams(CAROL, request.id);
      expect(JSON.stringify(answer.body.value)).toContain(`You cannot approve your own request ${request.id}`);
      expect(await statusOf(request.id)).toBe('pending');
      expect(await approvalsOf(request.id)).toEqual([]);
      expect((await refusals('decision.refused', CAROL.aadObjectId)).map((e) => e.data)).toEqual([
        expect.objectContaining({ code: 'self_approval' }),
      ]);
    });

    it('counts one approval when one person approves on Slack and again on Teams; a second person settles it', async () => {
      const request = await slack.slash('U0REQ2', 'request pair 10m');
      await slack.click('U0ALICE', 'jit.approve', request.id);
      const again = await approveInTeams(ALICE, request.id);
      expect(JSON.stringify(again.body.value)).toContain(`You have already decided on ${request.id}`);
      expect(await statusOf(request.id)).toBe('pending');
      expect((await approvalsOf(request.id)).map((a) => a.approverPerson)).toEqual(['email:alice@example.com']);
      await approveInTeams(BOB, request.id);
      expect(await statusOf(request.id)).toBe('approved');
    });

    it('does not count an approver whose account has no e-mail against a requester on the other platform, and says why', async () => {
      t.slackApi.setUser('U0DAVE', { profile: { email: '' } });
      const teamsRequester = requester(51);
      expect((await t.teams!.message(teamsRequester, { kind: 'personal', user: teamsRequester }, 'jit request pair 10m')).status).toBe(200);
      const request = (await db().select().from(accessRequests).where(eq(accessRequests.requesterId, teamsRequester.aadObjectId)))[0]!;
      await slack.click('U0DAVE', 'jit.approve', request.id);
      expect(
        slack.ephemeralsTo('U0DAVE').some((m) => m.includes('I cannot tell whether you and the requester (on Teams) are different people')),
      ).toBe(true);
      expect(await approvalsOf(request.id)).toEqual([]);
    });
  });

  describe('3. only Teams, only our tenant, only what the caller may see', () => {
    it('refuses an invoke from another tenant with 403 and changes nothing', async () => {
      const request = await slack.slash('U0REQ3', 'request solo 10m');
      const answer = await approveInTeams(ALICE, request.id, {
        conversation: { id: TEAMS_APPROVAL_CHANNEL, conversationType: 'channel', isGroup: true, tenantId: OTHER_TENANT },
        channelData: { tenant: { id: OTHER_TENANT }, channel: { id: TEAMS_APPROVAL_CHANNEL }, team: { id: TEAMS_TEAM_ID } },
      });
      expect(answer.status).toBe(403);
      expect(await statusOf(request.id)).toBe('pending');
      expect(
        (await refusals('access.refused', ALICE.aadObjectId)).some((e) =>
          String((e.data as { why?: string }).why).includes(`tenant ${OTHER_TENANT}`),
        ),
      ).toBe(true);
    });

    it('files nothing for a message from another tenant, and does not answer it', async () => {
      const stranger = teamsUser('stranger', 'ffffffff-0000-4000-8000-0000000000ee');
      const res = await t.teams!.message(stranger, { kind: 'personal', user: stranger }, 'jit request solo 10m', undefined, {
        conversation: { id: 'a:personal-stranger', conversationType: 'personal', tenantId: OTHER_TENANT },
        channelData: { tenant: { id: OTHER_TENANT } },
      });
      expect(res.status).toBe(200);
      expect(await db().select().from(accessRequests).where(eq(accessRequests.requesterId, stranger.aadObjectId))).toEqual([]);
      expect(t.botFramework!.callsTo('a:personal-stranger')).toEqual([]);
    });

    it("refuses a Direct Line activity that claims an approver's object id", async () => {
      const request = await slack.slash('U0REQ4', 'request solo 10m');
      const answer = await approveInTeams(ALICE, request.id, { channelId: 'directline' });
      expect(answer.status).toBe(403);
      expect(await statusOf(request.id)).toBe('pending');
      expect(await approvalsOf(request.id)).toEqual([]);
    });

    it('refuses an activity whose roster entry belongs to someone else than it claims', async () => {
      const impostor = teamsUser('impostor', ALICE.aadObjectId);
      t.botFramework!.setMember(impostor, { aadObjectId: 'eeeeeeee-1111-4000-8000-000000000001' });
      const request = await slack.slash('U0REQ5', 'request solo 10m');
      expect((await approveInTeams(impostor, request.id)).status).toBe(403);
      expect(await approvalsOf(request.id)).toEqual([]);
    });

    it('refuses a Teams guest unless the policy allows guests', async () => {
      const guest = teamsUser('guest', '12121212-0000-4000-8000-000000000012');
      t.botFramework!.setMember(guest, { userRole: 'guest' });
      expect((await t.teams!.message(guest, { kind: 'personal', user: guest }, 'jit request solo 10m')).status).toBe(200);
      await waitFor(
        () =>
          t
            .botFramework!.callsTo(personalId(guest))
            .map(textOf)
            .some((m) => m.includes('guest accounts cannot use jitbot')),
        'guest refusal',
      );
      expect(await db().select().from(accessRequests).where(eq(accessRequests.requesterId, guest.aadObjectId))).toEqual([]);
    });

    it('shows a request (its reason) through jit.back and refusals only to its requester, approvers and the security team', async () => {
      const request = await slack.slash('U0REQ6', 'request solo 10m "secret maintenance window 22:00"');
      const back = await t.teams!.execute(MALLORY, channel, 'jit.back', { requestId: request.id });
      expect(JSON.stringify(back.body.value)).not.toContain('secret maintenance');
      expect(JSON.stringify(back.body.value)).toContain(
        `Only the requester, an approver of its role or the security team can see ${request.id}`,
      );
      const refused = await approveInTeams(MALLORY, request.id);
      expect(JSON.stringify(refused.body.value)).not.toContain('secret maintenance');
      expect(JSON.stringify(refused.body.value)).toContain('You are not an approver for solo');
      const approverBack = await t.teams!.execute(ALICE, channel, 'jit.back', { requestId: request.id });
      expect(JSON.stringify(approverBack.body.value)).toContain('secret maintenance');
    });
  });
});
