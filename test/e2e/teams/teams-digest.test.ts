import { parsePolicy } from '../../../src/config/policy-file';
import { ManualClock } from '../../helpers/clock';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime';
import type { TeamsUser, Where } from '../../helpers/teams/activities';
import { ALICE, BOB, MALLORY, requester, TEAMS_SECURITY_CHANNEL, TEAMS_TEAM_ID } from '../../helpers/teams/policy';
import { personalId, textOf } from '../../helpers/teams/reading';
import { waitFor } from '../../helpers/wait';

const HOUR = 3_600_000;

/**
 * A Teams-only deployment (no Slack variables) has the daily digest: a post in
 * digest.teams_channel with one reply per grant in its thread, posted once and edited
 * on a re-run, and `digest` asked for from Teams posts it there — security team only.
 */
describe('Teams end to end: the daily digest in a Teams channel', () => {
  let t: TestRuntime;
  const clock = new ManualClock(new Date('2026-11-24T09:00:00Z'));
  const security: Where = { kind: 'channel', channelId: TEAMS_SECURITY_CHANNEL, teamId: TEAMS_TEAM_ID };
  const personal = (user: TeamsUser): Where => ({ kind: 'personal', user });

  beforeAll(async () => {
    t = await startTestRuntime({
      kind: 'postgres',
      role: 'all',
      teams: true,
      clock,
      env: { SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '' },
      policy: parsePolicy(
        `
approvals: { teams_channel: "${TEAMS_SECURITY_CHANNEL}" }
digest:
  teams_channel: "${TEAMS_SECURITY_CHANNEL}"
  timezone: UTC
  security_team: { teams_users: [${ALICE.aadObjectId}] }
roles:
  - id: quick
    provider: sandbox
    requesters: { anyone: true }
    max_duration: 4h
    min_duration: 1m
    reason: optional
    approval: { approvers: { teams_users: [${ALICE.aadObjectId}, ${BOB.aadObjectId}] } }
`,
        'teams-digest.yaml',
      ),
    });
    expect((await t.teams!.install(ALICE, security)).status).toBe(200);
    // One grant on Tuesday, approved in Teams.
    const req = requester(31);
    expect((await t.teams!.message(req, personal(req), 'request quick 1h "rotate keys"')).status).toBe(200);
    const [request] = await t.runtime.service.listMine({ platform: 'teams', userId: req.aadObjectId });
    await t.runtime.service.approve({ platform: 'teams', userId: BOB.aadObjectId }, request!.request.id);
    await waitFor(async () => (await t.runtime.service.view(request!.request.id)).request.status === 'active', 'the grant');
    clock.advance(24 * HOUR); // Wednesday: Tuesday's digest
  });
  afterAll(() => t.close());

  const fw = () => t.botFramework!;
  const posts = () =>
    fw()
      .callsTo(TEAMS_SECURITY_CHANNEL, 'send')
      .filter((c) => textOf(c).includes('Access digest for 2026-11-24'));

  it('the security team asks for it from Teams: posted in the channel, one reply per grant in its thread', async () => {
    expect((await t.teams!.message(ALICE, personal(ALICE), 'digest yesterday')).status).toBe(200);
    expect(textOf(fw().callsTo(personalId(ALICE)).at(-1)!)).toContain('Posted the digest of 2026-11-24');
    expect(posts()).toHaveLength(1);
    const parent = posts()[0]!;
    expect(textOf(parent)).toContain('**Access digest for 2026-11-24** (UTC)');
    expect(textOf(parent)).toContain('Requests 1 · granted 1');
    expect(textOf(parent)).not.toMatch(/:warning:|<@/);
    const thread = fw().callsTo(`${TEAMS_SECURITY_CHANNEL};messageid=${parent.responseId}`, 'send').map(textOf);
    expect(thread.some((m) => m.includes('**quick** for user') && m.includes(`approved by user ${BOB.aadObjectId}`))).toBe(true);
    expect(thread.some((m) => m.includes('**Anomalies**'))).toBe(true);
  });

  it('a second run edits the same messages; nobody else may ask', async () => {
    const channelPosts = () =>
      fw().calls.filter((c) => c.conversationId.startsWith(TEAMS_SECURITY_CHANNEL) && c.method !== 'update').length;
    const postsBefore = channelPosts();
    expect((await t.teams!.message(ALICE, personal(ALICE), 'digest 2026-11-24')).status).toBe(200);
    expect(textOf(fw().callsTo(personalId(ALICE)).at(-1)!)).toContain('Updated the digest of 2026-11-24');
    expect(posts()).toHaveLength(1);
    expect(channelPosts()).toBe(postsBefore);
    expect(fw().callsTo(TEAMS_SECURITY_CHANNEL, 'update').length).toBeGreaterThan(0);
    // The scheduled run of a Teams-only deployment posts there too (and, posted already, edits).
    expect((await t.runtime.digests.publishPrevious()).map((o) => o.status)).toEqual(['updated']);
    expect(posts()).toHaveLength(1);

    expect((await t.teams!.message(MALLORY, personal(MALLORY), 'digest')).status).toBe(200);
    expect(textOf(fw().callsTo(personalId(MALLORY)).at(-1)!)).toContain('security team');
    expect(posts()).toHaveLength(1);
  });
});
