import { AccessError } from '../../../src/access/model/errors';
import type { Actor } from '../../../src/access/model';
import { verifyChain } from '../../../src/audit/verify';
import { readChain, unsealedSummary } from '../../../src/store/repos/audit-log';
import { digests } from '../../../src/store/schema';
import { DIGEST_SCHEDULER_ID } from '../../../src/jobs/queues';
import { registerSchedules } from '../../../src/jobs/worker-manager';
import { ManualClock } from '../../helpers/clock';
import { SECURITY_CHANNEL, SECURITY_TEAM, testPolicy } from '../../helpers/policy';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime';

const slack = (userId: string): Actor => ({ platform: 'slack', userId });
const MIN = 60_000;
/** What the digest says of a sandbox grant's activity: there is none to read. */
const SANDBOX_ACTIVITY = 'Activity: none — SANDBOX (no real cloud access) has no activity log to read';

/**
 * A day of real activity through the service (Postgres or PGlite, real queues,
 * the Slack adapter against the fake Slack API), then the digest of that day.
 */
describe.each(['postgres', 'pglite'] as const)('daily digest on %s', (kind) => {
  let t: TestRuntime;
  const clock = new ManualClock(new Date('2026-11-24T07:00:00Z'));
  let failRevokes = 0;
  const ids: Record<string, string> = {};
  const service = () => t.runtime.service;
  /** The ts the fake Slack gave the message with this text. */
  const findTs = (text: unknown) => [...t.slackApi.messages].find(([, m]) => m.text === text)![0];
  const parents = () =>
    t.slackApi.callsOf('chat.postMessage').filter((c) => c.args.channel === SECURITY_CHANNEL && c.args.thread_ts === undefined);

  beforeAll(async () => {
    t = await startTestRuntime({
      kind,
      role: 'web',
      clock,
      sandboxHook: async (op) => {
        if (op === 'revoke' && failRevokes > 0) {
          failRevokes--;
          throw new Error('sandbox revoke failed');
        }
      },
    });
    // The seeded day, Tuesday 24 November 2026 (UTC).
    const auto = await service().request(slack('U0REQ'), { roleId: 'auto', durationMs: 180 * MIN, reason: 'read logs' });
    ids.auto = auto.request.id;
    await service().activateGrant(auto.request.id); // 07:00: sensitive role, auto, and before business hours

    clock.advance(120 * MIN); // 09:00
    const quick = await service().request(slack('U0REQ'), { roleId: 'quick', durationMs: 60 * MIN, reason: 'deploy INC-7' });
    ids.quick = quick.request.id;
    clock.advance(5000);
    await service().approve(slack('U0ALICE'), quick.request.id); // 5 s later: a fast approval
    await service().activateGrant(quick.request.id);
    clock.advance(30 * MIN); // 09:30:05: the requester ends it early
    await service().revoke(slack('U0REQ'), ids.quick!);
    await service().endGrant((await service().view(ids.quick!)).grant!.id);

    clock.advance(30 * MIN); // 10:00:05: the auto grant expired; its revoke fails once, then works 3 minutes later
    const autoGrant = (await service().view(ids.auto!)).grant!;
    failRevokes = 1;
    await expect(service().endGrant(autoGrant.id)).rejects.toThrow('sandbox revoke failed');
    clock.advance(3 * MIN);
    await service().endGrant(autoGrant.id);

    const denied = await service().request(slack('U0DEN'), { roleId: 'quick', durationMs: 10 * MIN, reason: 'curious' });
    ids.denied = denied.request.id;
    clock.advance(10 * MIN);
    await service().deny(slack('U0BOB'), denied.request.id, 'no ticket');
    clock.advance(MIN);
    ids.again = (await service().request(slack('U0DEN'), { roleId: 'quick', durationMs: 10 * MIN, reason: 'really curious' })).request.id;
    await service().cancel(slack('U0DEN'), ids.again);
    ids.stale = (await service().request(slack('U0OLD'), { roleId: 'quick', durationMs: 10 * MIN })).request.id;
    clock.advance(61 * MIN);
    await service().reconcile(); // times the stale request out (pending_ttl 1h)

    clock.advance(22 * 60 * MIN); // Wednesday 09:17: the scheduled run posts yesterday's digest
  });
  afterAll(() => t.close());

  it('posts the day once: figures in the parent, one reply per grant and the anomalies in its thread', async () => {
    const [outcome, ...others] = await t.runtime.digests.publishPrevious();
    expect(outcome).toMatchObject({ status: 'posted', channel: SECURITY_CHANNEL });
    expect(others).toEqual([]);
    expect(parents()).toHaveLength(1);
    const parent = parents()[0]!;
    expect(String(parent.args.text)).toBe(
      '*Access digest for 2026-11-24* (UTC)\n' +
        'Requests 5 · granted 2 · auto-approved 1 · denied 1 · timed out 1 · cancelled 1\n' +
        'Revoked early 1 · revoke failures 1 · median time to approve 5s\n' +
        ':warning: 6 anomalies — see the thread',
    );
    const thread = t.slackApi.thread(findTs(parent.args.text));
    expect(thread).toHaveLength(3);
    const autoGrantId = (await service().view(ids.auto!)).grant!.id;
    expect(thread[0]!.text).toBe(
      `*auto* for <@U0REQ> · \`${ids.auto}\` · granted 07:00\nAsked 3h · used 3h 3m 5s · approved by policy (auto)\nReason: read logs · ticket: —\nEnded: expired, revoked at 10:03 after 1 failed revoke attempt\n${SANDBOX_ACTIVITY}`,
    );
    expect(thread[1]!.text).toBe(
      `*quick* for <@U0REQ> · \`${ids.quick}\` · granted 09:00\nAsked 1h · used 30m · approved by <@U0ALICE>\nReason: deploy INC-7 · ticket: —\nEnded: revoked early by <@U0REQ> at 09:30\n${SANDBOX_ACTIVITY}`,
    );
    expect(thread[2]!.text.split('\n')).toEqual([
      '*Anomalies* (6)',
      `• [off_hours] ${ids.auto}: auto for <@U0REQ> granted Tue 07:00, outside business hours (mon,tue,wed,thu,fri 08:00–18:00)`,
      `• [sensitive_auto] ${ids.auto}: sensitive role auto granted to <@U0REQ> with no human approval (auto)`,
      `• [fast_approval] ${ids.quick}: <@U0ALICE> approved quick for <@U0REQ> 5s after the request (under 30s)`,
      `• [rerequest_after_deny] ${ids.again}: <@U0DEN> asked again for quick 1m after ${ids.denied} was denied`,
      `• [revoke_trouble] ${ids.auto}: revoke of auto (${autoGrantId}) failed 1 time (last: sandbox revoke failed); now expired`,
      `• [revoke_trouble] ${ids.auto}: access was revoked 3m 5s after it expired, at 10:03 (more than 1m late)`,
    ]);
  });

  it('a second run, or two at once, edits the same messages and never posts a second digest', async () => {
    const postsBefore = t.slackApi.callsOf('chat.postMessage').length;
    const results = (await Promise.all([t.runtime.digests.publishPrevious(), t.runtime.digests.publishPrevious()])).flat();
    expect(results.map((r) => r.status).sort()).toEqual(expect.arrayContaining(['updated']));
    expect(results.every((r) => r.status === 'updated' || r.status === 'busy')).toBe(true);
    expect(t.slackApi.callsOf('chat.postMessage').length).toBe(postsBefore);
    expect(parents()).toHaveLength(1);
    expect(t.slackApi.callsOf('chat.update').filter((c) => c.args.channel === SECURITY_CHANNEL).length).toBeGreaterThanOrEqual(4);
    const rows = await t.runtime.database.db.select().from(digests);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ day: '2026-11-24', platform: 'slack', channel: SECURITY_CHANNEL, leaseUntil: null });
    expect(Object.keys(rows[0]!.replies).sort()).toEqual(['anomalies', `grant:${ids.auto}`, `grant:${ids.quick}`].sort());
  });

  it("shows a request's timeline to its requester, its approvers and the security team only", async () => {
    const mine = await service().auditTrail(slack('U0REQ'), ids.quick!);
    expect(mine.events.map((e) => e.action)).toEqual([
      'request.created',
      'approval.approve',
      'request.approved',
      'grant.started',
      'grant.activated',
      'revoke.requested',
      'revoke.started',
      'grant.revoked',
      'revoke.verified',
    ]);
    expect((await service().auditTrail(slack('U0BOB'), ids.quick!)).events).toHaveLength(9);
    expect((await service().auditTrail(slack(SECURITY_TEAM), ids.auto!)).events.map((e) => e.action)).toContain('revoke.failed');
    const refused = await service()
      .auditTrail(slack('U0NOSY'), ids.quick!)
      .catch((e) => e);
    expect(refused).toBeInstanceOf(AccessError);
    expect(refused.userMessage).toBe(
      `Only the requester, an approver of its role or the security team can see the audit trail of ${ids.quick}.`,
    );
    expect((await service().auditTrail(slack(SECURITY_TEAM), ids.quick!)).events.length).toBe(10);
    expect((await service().auditTrail(slack(SECURITY_TEAM), ids.quick!)).events.at(-1)).toMatchObject({
      action: 'audit.refused',
      actor: { userId: 'U0NOSY' },
    });
  });

  it('answers /jit audit and /jit digest over Slack, refusing people outside the security team', async () => {
    const say = async (userId: string, text: string) => {
      const id = `${userId}-${Math.random()}`;
      expect((await t.signer.slashCommand({ userId, text, responseUrl: t.slackApi.responseUrl(id) })).status).toBe(200);
      return String(t.slackApi.callsOf('response_url').find((c) => c.args.id === id)?.args.text);
    };
    expect(await say('U0REQ', `audit ${ids.quick!.toLowerCase()}`)).toBe(`Audit trail of ${ids.quick}: 10 events`);
    expect(await say('U0NOSY', 'digest')).toBe(':warning: Only the security team (policy digest.security_team) can use /jit digest.');
    expect(await say(SECURITY_TEAM, 'digest 2030-01-01')).toBe(':warning: 2030-01-01 has not happened yet (today is 2026-11-25 in UTC).');
    expect(await say(SECURITY_TEAM, 'digest someday')).toContain('"someday" is not a day');
    const reply = await say(SECURITY_TEAM, 'digest 2026-11-24');
    expect(reply).toContain(`:newspaper: Updated the digest of 2026-11-24 in <#${SECURITY_CHANNEL}>:`);
    expect(reply).toContain('Requests 5 · granted 2');
    expect(parents()).toHaveLength(1);
    expect(await say(SECURITY_TEAM, 'digest today')).toContain(':newspaper: Posted the digest of 2026-11-25');
  });

  it('registers the daily job scheduler at the policy cron and time zone', async () => {
    await registerSchedules(t.runtime.queues, 3_600_000, testPolicy());
    expect(await t.runtime.queues.digest.getJobScheduler(DIGEST_SCHEDULER_ID)).toMatchObject({ pattern: '0 9 * * *', tz: 'UTC' });
  });

  it('leaves the audit chain whole after all of it, every row sealed', async () => {
    await t.runtime.auditSealer.drain();
    expect(await unsealedSummary(t.runtime.database.db)).toMatchObject({ count: 0 });
    expect(await verifyChain(readChain(t.runtime.database.db))).toMatchObject({ ok: true });
  });
});
