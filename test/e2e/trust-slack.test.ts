import { connect } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { parsePolicy } from '../../src/config/policy-file';
import { accessRequests, approvals, auditEvents } from '../../src/store/schema';
import { ManualClock } from '../helpers/clock';
import { APPROVAL_CHANNEL } from '../helpers/policy';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime';
import { slackDriver } from '../helpers/slack-driver';

/**
 * Trust boundaries on Slack, tried as an attacker would: signed requests to the real HTTP
 * server (Bolt, the core, Postgres, BullMQ workers, the sandbox provider), with only
 * Slack's Web API faked. Each block is one finding of the trust-boundaries issue.
 */
const POLICY = parsePolicy(
  `
approvals:
  slack_channel: ${APPROVAL_CHANNEL}
  pending_ttl: 1h
limits: { requests_per_hour: 200, max_pending_per_role: 1 }
roles:
  - id: open
    provider: sandbox
    requesters: { anyone: true }
    max_duration: 1h
    min_duration: 1s
    reason: optional
    approval: { approvers: { slack_users: [U0ALICE, U0BOB] } }
  - id: auto-carol
    description: approved by policy, for Carol and the ops group only
    provider: sandbox
    requesters: { emails: [carol@example.com], slack_usergroups: [S0OPS] }
    max_duration: 1h
    min_duration: 1s
    reason: optional
    approval: { auto: true }
  - id: by-domain
    provider: sandbox
    requesters: { email_domains: [corp.example] }
    max_duration: 1h
    min_duration: 1s
    reason: optional
    approval: { approvers: { slack_users: [U0ALICE] } }
  - id: bg
    provider: sandbox
    requesters: { anyone: true }
    max_duration: 2h
    min_duration: 1s
    reason: required
    break_glass: true
    break_glass_max_duration: 10m
    extend: { auto_within: 1h }
    approval: { approvers: { slack_users: [U0ALICE, U0BOB] } }
  - id: short
    provider: sandbox
    requesters: { anyone: true }
    max_duration: 1h
    min_duration: 1m
    reason: optional
    extend: { auto_within: 1h }
    approval: { approvers: { slack_users: [U0ALICE, U0BOB] } }
`,
  'trust-slack.yaml',
);

describe('trust boundaries on Slack', () => {
  let t: TestRuntime;
  const slack = slackDriver(() => t);
  const db = () => t.runtime.database.db;

  beforeAll(async () => {
    t = await startTestRuntime({ kind: 'postgres', role: 'all', policy: POLICY, env: { JIT_METRICS_TOKEN: 'm'.repeat(40) } });
    t.slackApi.setUser('U0CAROL', { profile: { email: 'Carol@Example.com' } });
    t.slackApi.setUser('U0DAN', { profile: { email: 'dan@corp.example' } });
    t.slackApi.setGroupMembers('S0OPS', ['U0OPS1']);
  });
  afterAll(() => t.close());

  const requestsOf = async (userId: string) => db().select().from(accessRequests).where(eq(accessRequests.requesterId, userId));
  const refusalsOf = async (userId: string, action: string) =>
    (
      await db()
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.actorId, userId), eq(auditEvents.action, action)))
    ).map((e) => e.data as Record<string, unknown>);
  /** Sends `/jit <text>` and returns the ephemeral answer(s) it got. */
  async function ask(userId: string, text: string): Promise<string> {
    const id = `${userId}-${Math.random()}`;
    const res = await t.signer.slashCommand({ userId, text, responseUrl: t.slackApi.responseUrl(id) });
    expect(res.status).toBe(200);
    return t.slackApi
      .callsOf('response_url')
      .filter((c) => c.args.id === id)
      .map((c) => JSON.stringify(c.args))
      .join('\n');
  }

  describe('1. who may ask', () => {
    it("refuses a person the role's requesters do not name, files nothing and audits it (auto-approved roles too)", async () => {
      const answer = await ask('U0MALLORY', 'request auto-carol 10m "just looking"');
      expect(answer).toContain('You may not request auto-carol');
      expect(await requestsOf('U0MALLORY')).toEqual([]);
      expect(await refusalsOf('U0MALLORY', 'request.refused')).toEqual([
        expect.objectContaining({ code: 'not_eligible', roleId: 'auto-carol' }),
      ]);
    });

    it('lets in whoever the requesters name: by e-mail (any case), by user group, by domain', async () => {
      await ask('U0CAROL', 'request auto-carol 10m');
      await ask('U0OPS1', 'request auto-carol 10m');
      await ask('U0DAN', 'request by-domain 10m');
      expect((await requestsOf('U0CAROL'))[0]).toMatchObject({
        roleId: 'auto-carol',
        requesterPerson: 'email:carol@example.com',
        requesterEmail: 'carol@example.com',
      });
      expect((await requestsOf('U0OPS1'))[0]?.roleId).toBe('auto-carol');
      expect((await requestsOf('U0DAN'))[0]).toMatchObject({ roleId: 'by-domain', status: 'pending' });
      expect(await ask('U0MALLORY', 'request by-domain 10m')).toContain('You may not request by-domain');
    });

    it.each([
      ['a multi-channel guest', 'U0GUEST1', { is_restricted: true }, 'guest accounts cannot use jitbot'],
      ['a single-channel guest', 'U0GUEST2', { is_ultra_restricted: true }, 'guest accounts cannot use jitbot'],
      ['a Slack Connect external', 'U0EXTERN', { team_id: 'T0OTHER', is_stranger: true }, 'not a member of this workspace'],
      ['a deactivated account', 'U0GONE', { deleted: true }, 'deactivated'],
    ])('refuses %s, whatever the role allows', async (_who, userId, profile, words) => {
      t.slackApi.setUser(userId, profile);
      expect(await ask(userId, 'request open 10m')).toContain(words);
      expect(await ask(userId, 'list')).toContain(words);
      expect(await requestsOf(userId)).toEqual([]);
      expect(await refusalsOf(userId, 'access.refused')).toEqual(
        expect.arrayContaining([expect.objectContaining({ code: 'not_admitted' })]),
      );
    });

    it('/jit roles shows what the caller may request; /jit whoami says who they are taken for', async () => {
      const roles = await ask('U0MALLORY', 'roles');
      for (const role of ['open', 'bg', 'short']) expect(roles).toContain(`*${role}*`);
      expect(roles).not.toContain('*auto-carol*');
      expect(roles).toContain('2 more roles exist that the policy does not let you request');
      const who = await ask('U0CAROL', 'whoami');
      expect(who).toContain('You are *carol@example.com*');
      expect(who).toContain('Slack <@U0CAROL>');
      expect(who).toMatch(/You may request: `open`, `auto-carol`, `bg`, `short`/);
      expect(who).toContain('You may approve: none');
      expect(await ask('U0ALICE', 'whoami')).toContain('You may approve: `open`, `by-domain`, `bg`, `short`');
    });

    it("/jit home redraws the caller's App Home and points to it", async () => {
      const before = t.slackApi.callsOf('views.publish').filter((c) => c.args.user_id === 'U0CAROL').length;
      expect(await ask('U0CAROL', 'home')).toContain("jitbot's *Home* tab");
      const published = t.slackApi.callsOf('views.publish').filter((c) => c.args.user_id === 'U0CAROL');
      expect(published).toHaveLength(before + 1);
      expect(JSON.stringify(published.at(-1)!.args)).toContain('Your access');
    });
  });

  describe('3. only this workspace', () => {
    it('answers a correctly signed command from another workspace with a refusal, files nothing, audits it', async () => {
      const res = await t.signer.slashCommand({
        userId: 'U0FOREIGN',
        text: 'request open 10m',
        responseUrl: t.slackApi.responseUrl('foreign'),
        origin: { teamId: 'T0OTHER' },
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { text: string }).text).toContain('only for members of the workspace it is installed in');
      expect(await requestsOf('U0FOREIGN')).toEqual([]);
      expect(await refusalsOf('U0FOREIGN', 'access.refused')).toEqual([expect.objectContaining({ code: 'foreign_workspace' })]);
    });

    it.each([
      ['team.id', 'U0REQA', { teamId: 'T0OTHER' }],
      ['user.team_id (a Slack Connect user)', 'U0REQB', { userTeamId: 'T0OTHER' }],
      ['enterprise_id of another org', 'U0REQC', { teamId: 'T0OTHER', enterpriseId: 'E0OTHER' }],
    ])('ignores a signed Approve whose %s is another workspace', async (_what, requester, origin) => {
      const request = await slack.slash(requester, 'request open 10m');
      const res = await t.signer.buttonClick({
        userId: 'U0ALICE',
        actionId: 'jit.approve',
        value: request.id,
        channelId: APPROVAL_CHANNEL,
        messageTs: '1.0',
        origin,
      });
      expect(res.status).toBe(200);
      expect(await db().select().from(approvals).where(eq(approvals.requestId, request.id))).toEqual([]);
      expect((await db().select().from(accessRequests).where(eq(accessRequests.id, request.id)))[0]?.status).toBe('pending');
    });
  });

  describe('5. rules that hold', () => {
    it('a break-glass grant is not extended past break_glass_max_duration without an approver', async () => {
      const request = await slack.slash('U0BG', 'request bg 10m --break-glass "db down INC-1"');
      const grant = await slack.grantIn(request.id, 'active');
      const answer = await ask('U0BG', `extend ${request.id} 20m`);
      expect(answer).toContain('Asked the approvers');
      expect((await slack.grantIn(request.id, 'active')).expiresAt).toEqual(grant.expiresAt);
    });

    it("an approver's shorter duration is not extended back by the requester alone", async () => {
      const request = await slack.slash('U0SHORT', 'request short 20m');
      await slack.select('U0ALICE', 'jit.approve_duration', `${request.id}|300000`, APPROVAL_CHANNEL);
      const grant = await slack.grantIn(request.id, 'active');
      expect(grant.expiresAt!.getTime() - grant.activatedAt!.getTime()).toBe(300_000);
      expect(await ask('U0SHORT', `extend ${request.id} 15m`)).toContain('Asked the approvers');
      expect((await slack.grantIn(request.id, 'active')).expiresAt).toEqual(grant.expiresAt);
    });
  });

  describe('7. the HTTP edge', () => {
    it('refuses a validly signed request timestamped ten minutes in the future, as it does one ten minutes old', async () => {
      const now = Math.floor(Date.now() / 1000);
      for (const timestamp of [now + 600, now - 600]) {
        const res = await t.signer.slashCommand(
          { userId: 'U0TIME', text: 'request open 10m', responseUrl: t.slackApi.responseUrl('time') },
          { timestamp },
        );
        expect(res.status).toBe(401);
      }
      expect(await requestsOf('U0TIME')).toEqual([]);
    });

    it.each([
      [
        'an action with no user',
        (p: Record<string, unknown>) => {
          delete p.user;
        },
      ],
      [
        'an action with user: null',
        (p: Record<string, unknown>) => {
          p.user = null;
        },
      ],
      [
        'an action with a numeric user id',
        (p: Record<string, unknown>) => {
          p.user = { id: 42 };
        },
      ],
      [
        'a view submission with no view user',
        (p: Record<string, unknown>) => {
          p.type = 'view_submission';
          delete p.user;
        },
      ],
    ])('answers %s with 400, not 500', async (_what, mangle) => {
      const payload: Record<string, unknown> = {
        type: 'block_actions',
        team: { id: 'T0SANDBOX' },
        user: { id: 'U0ALICE', team_id: 'T0SANDBOX' },
        actions: [{ type: 'button', action_id: 'jit.approve', value: 'R-00000000' }],
      };
      mangle(payload);
      const res = await t.signer.post({ payload: JSON.stringify(payload) });
      expect(res.status).toBe(400);
    });

    it('answers a signed command without user_id with 400', async () => {
      const res = await t.signer.post({ command: '/jit', text: 'help', team_id: 'T0SANDBOX' });
      expect(res.status).toBe(400);
    });

    it('keeps /metrics behind JIT_METRICS_TOKEN when it is set', async () => {
      expect((await fetch(`${t.runtime.url}/metrics`)).status).toBe(401);
      expect((await fetch(`${t.runtime.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      const ok = await fetch(`${t.runtime.url}/metrics`, { headers: { authorization: `Bearer ${'m'.repeat(40)}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('# HELP');
    });
  });
});

describe('trust boundaries on Slack, with a clock the test moves', () => {
  let t: TestRuntime;
  const clock = new ManualClock(new Date());
  const slack = slackDriver(() => t);
  const db = () => t.runtime.database.db;

  beforeAll(async () => {
    t = await startTestRuntime({ kind: 'postgres', role: 'web', policy: POLICY, clock, httpTimeouts: { headersMs: 300, requestMs: 1000 } });
  });
  afterAll(() => t.close());

  it('5. an Approve clicked after pending_ttl, before any sweep, does not approve: the request times out', async () => {
    const request = await slack.slash('U0LATE', 'request open 10m');
    clock.advance(3_600_000 + 12_000);
    await slack.click('U0ALICE', 'jit.approve', request.id);
    expect((await db().select().from(accessRequests).where(eq(accessRequests.id, request.id)))[0]?.status).toBe('timed_out');
    expect(await db().select().from(approvals).where(eq(approvals.requestId, request.id))).toEqual([]);
    expect(slack.ephemeralsTo('U0ALICE').some((m) => m.includes('has timed out'))).toBe(true);
  });

  it('5. sixty requests of one person at once file one pending request (max_pending_per_role: 1)', async () => {
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        t.signer.slashCommand({ userId: 'U0BURST', text: 'request open 10m', responseUrl: t.slackApi.responseUrl(`burst-${i}`) }),
      ),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    const filed = await db().select().from(accessRequests).where(eq(accessRequests.requesterId, 'U0BURST'));
    expect(filed.map((r) => r.status)).toEqual(['pending']);
    const refused = (
      await db()
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.actorId, 'U0BURST'), eq(auditEvents.action, 'request.refused')))
    ).length;
    expect(refused).toBe(59);
  });

  it('7. a client that never finishes its headers is cut off', async () => {
    const { port } = new URL(t.runtime.url!);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('POST /slack/events HTTP/1.1\r\nHost: jitbot\r\nX-Slow: ');
    const closed = await new Promise<string>((resolve) => {
      let answer = '';
      socket.on('data', (d) => (answer += d.toString()));
      socket.once('close', () => resolve(answer));
    });
    expect(closed).toMatch(/^HTTP\/1\.1 408|^$/);
  });
});
