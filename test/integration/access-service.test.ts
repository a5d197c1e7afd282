import type { Actor } from '../../src/access/model';
import { ManualClock } from '../helpers/clock';
import { APPROVAL_CHANNEL, CROWD, SECURITY_CHANNEL } from '../helpers/policy';
import { auditActions, refusal } from '../helpers/refusals';
import { deliverOwedChat } from '../helpers/jobs';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime';

const slack = (userId: string): Actor => ({ platform: 'slack', userId });
/** A new requester per test: a second request for a role someone holds or awaits is refused (pending hygiene). */
let REQUESTER: Actor;
let requesters = 0;
beforeEach(() => {
  REQUESTER = slack(`U0REQ${++requesters}`);
});
const ALICE = slack('U0ALICE');
const BOB = slack('U0BOB');
const CAROL = slack('U0CAROL');

/**
 * The core against a real database (Postgres server and PGlite), real BullMQ
 * queues on Redis and the real Slack notifier talking to a fake Slack API.
 * No workers run: the test calls the worker-facing methods itself, with a clock it moves.
 */
describe.each(['postgres', 'pglite'] as const)('access service on %s', (kind) => {
  let t: TestRuntime;
  let clock: ManualClock;
  const service = () => t.runtime.service;
  const actions = (requestId: string) => auditActions(t, requestId);

  beforeAll(async () => {
    clock = new ManualClock();
    t = await startTestRuntime({ kind, role: 'web', clock });
    t.slackApi.setGroupMembers('S0ONCALL', ['U0ONCALL']);
  });
  afterAll(() => t.close());
  /**
   * On PGlite (the embedded default) run the cases that exercise its driver: the whole loop,
   * approvals, a burst of concurrent clicks on its single connection, the reconciler's sweep.
   * The rules themselves are proven in memory (test/unit/access) and on Postgres here.
   */
  const onPostgresOnly: typeof it = kind === 'postgres' ? it : ((() => undefined) as unknown as typeof it);

  it('auto-approves by policy, grants, schedules the revoke at expiry and ends on time', async () => {
    const view = await service().request(REQUESTER, { roleId: 'auto', durationMs: 3_600_000 });
    expect(view.request).toMatchObject({ status: 'approved', autoApproved: true, approvalsRequired: 0 });
    expect(await t.runtime.queues.grant.getJob(`grant-${view.request.id}`)).toBeDefined();

    const grant = await service().activateGrant(view.request.id);
    expect(grant).toMatchObject({ status: 'active', expiresAt: new Date(clock.now().getTime() + 3_600_000) });
    expect(await t.runtime.sandbox.isStanding(grant!.id)).toBe(true);
    const revokeJob = await t.runtime.queues.revoke.getJob(`revoke-${grant!.id}`);
    expect(revokeJob?.opts.delay).toBe(3_600_000);
    // Activating twice (a retried job) gives nothing more.
    expect((await service().activateGrant(view.request.id))?.id).toBe(grant!.id);

    clock.advance(3_600_000);
    expect(await service().endGrant(grant!.id)).toEqual({ ended: 'expired', lateMs: 0 });
    expect(await service().endGrant(grant!.id)).toEqual({ ended: false });
    expect(await t.runtime.sandbox.isStanding(grant!.id)).toBe(false);
    expect((await service().view(view.request.id)).request.status).toBe('expired');
    expect(await actions(view.request.id)).toEqual([
      'request.created',
      'request.approved',
      'grant.started',
      'grant.activated',
      'revoke.started',
      'grant.expired',
      'revoke.verified',
    ]);
    // The end's card update and DM are owed chat work (this runtime has no workers: deliver it here).
    await deliverOwedChat(t.runtime);
    const dms = t.slackApi
      .callsOf('chat.postMessage')
      .filter((c) => c.args.channel === REQUESTER.userId)
      .map((c) => String(c.args.text));
    expect(dms.some((text) => text.includes('approved by policy'))).toBe(true);
    expect(dms.some((text) => text.includes('You now have *auto*') && text.includes('SANDBOX'))).toBe(true);
    expect(dms.some((text) => text.includes('has expired and your access was revoked'))).toBe(true);
  });

  onPostgresOnly('refuses bad requests with a specific message and writes nothing', async () => {
    const before = (await service().listMine(REQUESTER)).length;
    expect((await refusal(service().request(REQUESTER, { roleId: 'nope' }))).code).toBe('unknown_role');
    expect((await refusal(service().request(REQUESTER, { roleId: 'quick', durationMs: 10 * 3_600_000 }))).code).toBe('bad_duration');
    expect((await refusal(service().request(REQUESTER, { roleId: 'dual', reason: 'no ticket' }))).code).toBe('ticket_required');
    expect((await service().listMine(REQUESTER)).length).toBe(before);
  });

  it('needs two distinct approvers on a two-approval role, posts the card and updates it', async () => {
    const view = await service().request(REQUESTER, { roleId: 'dual', durationMs: 600_000, reason: 'fix INC-42' });
    expect(view.request).toMatchObject({ status: 'pending', ticket: 'INC-42', approvalsRequired: 2 });
    const card = t.slackApi
      .callsOf('chat.postMessage')
      .find((c) => c.args.channel === APPROVAL_CHANNEL && String(c.args.text).includes(view.request.id));
    expect(JSON.stringify(card?.args.blocks)).toContain('"action_id":"jit.approve"');

    const first = await service().approve(ALICE, view.request.id);
    expect(first).toMatchObject({ settled: false, remaining: 1 });
    expect((await refusal(service().approve(ALICE, view.request.id))).code).toBe('already_voted');
    expect(await service().activateGrant(view.request.id)).toBeNull();

    const second = await service().approve(BOB, view.request.id);
    expect(second).toMatchObject({ settled: true, remaining: 0 });
    expect(second.view.request.status).toBe('approved');
    const updates = t.slackApi.callsOf('chat.update').filter((c) => String(c.args.text).includes(view.request.id));
    expect(JSON.stringify(updates.at(-1)?.args.blocks)).not.toContain('jit.approve');
    expect(await actions(view.request.id)).toEqual([
      'request.created',
      'approval.approve',
      'decision.refused',
      'approval.approve',
      'request.approved',
    ]);
  });

  onPostgresOnly('refuses self-approval, non-approvers and decided requests, and audits each refusal', async () => {
    const view = await service().request(ALICE, { roleId: 'quick', durationMs: 60_000 });
    expect((await refusal(service().approve(ALICE, view.request.id))).code).toBe('self_approval');
    expect((await refusal(service().approve(slack('U0MALLORY'), view.request.id))).code).toBe('not_approver');
    expect((await refusal(service().approve(slack('U0MALLORY'), 'R-UNKNOWN1'))).code).toBe('not_found');
    await service().deny(BOB, view.request.id, 'not today');
    expect((await refusal(service().approve(BOB, view.request.id))).code).toBe('already_decided');
    expect((await service().view(view.request.id)).request.status).toBe('denied');
    expect(await actions(view.request.id)).toEqual([
      'request.created',
      'decision.refused',
      'decision.refused',
      'approval.deny',
      'request.denied',
      'decision.refused',
    ]);
  });

  onPostgresOnly('resolves Slack user groups at decision time', async () => {
    const view = await service().request(REQUESTER, { roleId: 'quick', durationMs: 60_000 });
    expect((await service().approve(slack('U0ONCALL'), view.request.id)).settled).toBe(true);
    expect(t.slackApi.callsOf('usergroups.users.list').at(-1)?.args.usergroup).toBe('S0ONCALL');
  });

  it('settles exactly once when many approvers click at the same instant', async () => {
    const view = await service().request(REQUESTER, { roleId: 'crowd', durationMs: 60_000 });
    const results = await Promise.allSettled(CROWD.slice(0, 20).map((id) => service().approve(slack(id), view.request.id)));
    const settled = results.filter((r) => r.status === 'fulfilled' && r.value.settled);
    expect(settled).toHaveLength(1);
    expect(
      results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason.code === 'already_decided'),
    ).toBe(true);
    expect((await actions(view.request.id)).filter((a) => a === 'request.approved')).toHaveLength(1);
  });

  onPostgresOnly('lets the requester cancel a pending request, nobody else', async () => {
    const view = await service().request(REQUESTER, { roleId: 'quick' });
    expect((await refusal(service().cancel(ALICE, view.request.id))).code).toBe('not_allowed');
    expect((await service().cancel(REQUESTER, view.request.id)).request.status).toBe('cancelled');
    expect((await refusal(service().cancel(REQUESTER, view.request.id))).code).toBe('already_decided');
  });

  onPostgresOnly('revokes early on request of the requester and records who did it', async () => {
    const view = await service().request(REQUESTER, { roleId: 'auto', durationMs: 3_600_000 });
    const grant = await service().activateGrant(view.request.id);
    expect((await refusal(service().revoke(CAROL, view.request.id))).code).toBe('not_allowed');
    await service().revoke(REQUESTER, view.request.id);
    // The delayed revoke job was moved to now.
    expect(await (await t.runtime.queues.revoke.getJob(`revoke-${grant!.id}`))?.isDelayed()).toBe(false);
    expect(await service().endGrant(grant!.id)).toEqual({ ended: 'revoked', lateMs: 0 });
    const after = await service().view(view.request.id);
    expect(after.request.status).toBe('revoked');
    expect(after.grant).toMatchObject({ status: 'revoked', revokeRequestedBy: REQUESTER.userId });
  });

  onPostgresOnly('refuses a burst of requests past the hourly limit, and audits it', async () => {
    const burst = slack('U0BURST');
    // Each is withdrawn at once: the hourly limit counts requests made, not requests waiting.
    for (let i = 0; i < 30; i++) await service().cancel(burst, (await service().request(burst, { roleId: 'quick' })).request.id);
    const e = await refusal(service().request(burst, { roleId: 'quick' }));
    expect(e.code).toBe('rate_limited');
    expect((await service().listMine(burst, 100)).length).toBe(30);
    clock.advance(3_600_001);
    expect((await service().request(burst, { roleId: 'quick' })).request.status).toBe('pending');
  });

  it('times out pending requests and ends expired grants in the reconciler sweep', async () => {
    const pending = await service().request(REQUESTER, { roleId: 'quick' });
    const auto = await service().request(REQUESTER, { roleId: 'auto', durationMs: 60_000 });
    const grant = await service().activateGrant(auto.request.id);
    clock.advance(3_600_001);
    const report = await service().reconcile();
    expect(report.requestsTimedOut).toBeGreaterThanOrEqual(1);
    expect(report.grantsEnded).toBeGreaterThanOrEqual(1);
    expect((await service().view(pending.request.id)).request.status).toBe('timed_out');
    expect((await service().view(auto.request.id)).grant?.status).toBe('expired');
    expect(await t.runtime.sandbox.isStanding(grant!.id)).toBe(false);
  });
});

describe('revoke failures', () => {
  let t: TestRuntime;
  let failRevokes = true;
  const clock = new ManualClock();
  beforeAll(async () => {
    t = await startTestRuntime({
      kind: 'postgres',
      role: 'web',
      clock,
      sandboxHook: async (op) => {
        if (op === 'revoke' && failRevokes) throw new Error('sandbox API unavailable (503)');
      },
    });
  });
  afterAll(() => t.close());

  it('marks revoke_failed, alerts the security channel, and revokes once the provider is back', async () => {
    const service = t.runtime.service;
    const view = await service.request(REQUESTER, { roleId: 'auto', durationMs: 60_000 });
    const grant = (await service.activateGrant(view.request.id))!;
    clock.advance(60_000);
    await expect(service.endGrant(grant.id)).rejects.toThrow('sandbox API unavailable');
    expect((await service.view(view.request.id)).grant).toMatchObject({ status: 'revoke_failed', revokeAttempts: 1 });
    expect(t.slackApi.callsOf('chat.postMessage').filter((c) => c.args.channel === SECURITY_CHANNEL)).toHaveLength(0);
    await expect(service.endGrant(grant.id)).rejects.toThrow('sandbox API unavailable');
    await deliverOwedChat(t.runtime);
    const alerts = t.slackApi.callsOf('chat.postMessage').filter((c) => c.args.channel === SECURITY_CHANNEL);
    expect(alerts).toHaveLength(1);
    expect(String(alerts[0]!.args.text)).toContain(`has failed 2 times`);
    expect(await t.runtime.sandbox.isStanding(grant.id)).toBe(true);

    failRevokes = false;
    // Past two reconcile intervals (the test runtime sweeps hourly): the failed revoke is due again.
    clock.advance(3 * 3_600_000);
    expect((await service.reconcile()).grantsEnded).toBe(1);
    expect(await t.runtime.sandbox.isStanding(grant.id)).toBe(false);
    expect((await service.view(view.request.id)).request.status).toBe('expired');
    await deliverOwedChat(t.runtime);
    expect(
      String(
        t.slackApi
          .callsOf('chat.postMessage')
          .filter((c) => c.args.channel === SECURITY_CHANNEL)
          .at(-1)?.args.text,
      ),
    ).toContain('is now revoked after 2 failed attempts');
  });
});

describe('the reconciler sweep', () => {
  let t: TestRuntime;
  const clock = new ManualClock();
  /** Revoking this grant takes a minute of the clock (a slow provider, a sweep of thousands). */
  let slowGrant: string | undefined;
  beforeAll(async () => {
    t = await startTestRuntime({
      kind: 'postgres',
      role: 'web',
      clock,
      sandboxHook: async (op, grantId) => {
        if (op === 'revoke' && grantId === slowGrant) clock.advance(60_000);
      },
    });
  });
  afterAll(() => t.close());

  it('ends, in the same sweep, a grant that fell due while the sweep was running (its revoke job lost)', async () => {
    const service = t.runtime.service;
    const first = (await service.activateGrant((await service.request(REQUESTER, { roleId: 'auto', durationMs: 60_000 })).request.id))!;
    const second = (await service.activateGrant(
      (await service.request(slack('U0LATER'), { roleId: 'auto', durationMs: 90_000 })).request.id,
    ))!;
    slowGrant = first.id;
    clock.advance(60_000);
    // Only the first is due when the sweep starts; the second falls due while it revokes the first.
    const report = await service.reconcile();
    expect(report.grantsEnded).toBe(2);
    expect((await service.view(second.requestId)).grant).toMatchObject({ status: 'expired' });
    expect(await t.runtime.sandbox.isStanding(second.id)).toBe(false);
  });
});
