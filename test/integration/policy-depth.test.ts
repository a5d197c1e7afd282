import { slackMarkup } from '../../src/chat/slack/blocks/format';
import { eq } from 'drizzle-orm';
import type { Actor } from '../../src/access/model';
import { auditEvents, sandboxGrants } from '../../src/store/schema';
import { FakeOnCallApis } from '../fakes/on-call';
import { ManualClock } from '../helpers/clock';
import { APPROVAL_CHANNEL, SECURITY_CHANNEL } from '../helpers/policy';
import { ESCALATION_CHANNEL, policyDepth } from '../helpers/policy-depth';
import { auditActions, refusal } from '../helpers/refusals';
import { deliverOwedChat } from '../helpers/jobs';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime';

const slack = (userId: string): Actor => ({ platform: 'slack', userId });
const ALICE = slack('U0ALICE');
const BOB = slack('U0BOB');
const CAROL = slack('U0CAROL');
const MIN = 60_000;

/**
 * The policy-depth rules against Postgres, real queues and the fake Slack, PagerDuty
 * and Opsgenie APIs, with a clock the test moves. No workers run: the test calls
 * what the delayed jobs would.
 */
describe('approval policy depth', () => {
  let t: TestRuntime;
  let clock: ManualClock;
  const oncall = new FakeOnCallApis();
  const service = () => t.runtime.service;
  const actions = (requestId: string) => auditActions(t, requestId);
  const postsTo = (channel: string) =>
    t.slackApi
      .callsOf('chat.postMessage')
      .filter((c) => c.args.channel === channel)
      .map((c) => `${String(c.args.text)} ${JSON.stringify(c.args.blocks ?? [])}`);
  const noticeJob = (id: string) => t.runtime.queues.notice.getJob(id);

  beforeAll(async () => {
    await oncall.start();
    clock = new ManualClock();
    t = await startTestRuntime({
      kind: 'postgres',
      role: 'web',
      clock,
      policy: policyDepth(),
      env: oncall.env(),
    });
  });
  afterAll(async () => {
    await t.close();
    await oncall.stop();
  });

  describe('break-glass', () => {
    it('self-approves with a reason, grants, announces loudly and is reviewed by an approver', async () => {
      const me = slack('U0FIRE1');
      expect((await refusal(service().request(me, { roleId: 'bg', breakGlass: true }))).code).toBe('reason_required');
      expect(
        (await refusal(service().request(me, { roleId: 'bg', durationMs: 2 * 3_600_000, reason: 'db down', breakGlass: true }))).code,
      ).toBe('bad_duration');
      const view = await service().request(me, { roleId: 'bg', durationMs: 30 * MIN, reason: 'db down', breakGlass: true });
      expect(view.request).toMatchObject({ status: 'approved', breakGlass: true, autoApproved: false });
      expect(postsTo(SECURITY_CHANNEL).some((p) => p.includes('BREAK-GLASS') && p.includes(view.request.id) && p.includes('db down'))).toBe(
        true,
      );
      expect(postsTo(APPROVAL_CHANNEL).some((p) => p.includes('BREAK-GLASS') && p.includes('jit.review'))).toBe(true);
      expect(await noticeJob(`review-${view.request.id}`)).toBeDefined();
      expect((await service().activateGrant(view.request.id))?.status).toBe('active');

      expect((await refusal(service().reviewBreakGlass(me, view.request.id))).code).toBe('self_approval');
      expect((await refusal(service().reviewBreakGlass(slack('U0NOBODY'), view.request.id))).code).toBe('not_approver');
      const reviewed = await service().reviewBreakGlass(ALICE, view.request.id);
      expect(reviewed.request).toMatchObject({ reviewedBy: 'U0ALICE' });
      expect((await refusal(service().reviewBreakGlass(BOB, view.request.id))).code).toBe('already_decided');
      clock.advance(3 * 3_600_000);
      expect(await service().remindOverdueReview(view.request.id)).toBe(false);
      expect(await actions(view.request.id)).toEqual(
        expect.arrayContaining(['request.created', 'request.approved', 'break_glass.reviewed']),
      );
    });

    it('reminds once when nobody reviews in time, from the job or the reconciler', async () => {
      const view = await service().request(slack('U0FIRE2'), {
        roleId: 'bg',
        durationMs: 10 * MIN,
        reason: 'queue stuck',
        breakGlass: true,
      });
      clock.advance(MIN);
      expect(await service().remindOverdueReview(view.request.id)).toBe(false);
      clock.advance(2 * 3_600_000);
      expect((await service().reconcile()).reviewReminders).toBe(1);
      expect(await service().remindOverdueReview(view.request.id)).toBe(false);
      await deliverOwedChat(t.runtime);
      expect(postsTo(SECURITY_CHANNEL).filter((p) => p.includes('review overdue') && p.includes(view.request.id))).toHaveLength(1);
      expect(await actions(view.request.id)).toContain('break_glass.review_overdue');
    });

    it('refuses break-glass on a role that does not allow it', async () => {
      expect((await refusal(service().request(slack('U0FIRE3'), { roleId: 'pd', reason: 'x', breakGlass: true }))).code).toBe(
        'not_allowed',
      );
    });
  });

  describe('on-call auto-approval', () => {
    it('approves at once when PagerDuty or Opsgenie says the requester is on call, else asks people', async () => {
      oncall.onCall.set('PSCHED1', ['paged@example.com']);
      oncall.onCall.set('ops-primary', ['ops@example.com']);
      const paged = await service().request(slack('U0PAGED'), { roleId: 'pd' });
      expect(paged.request).toMatchObject({ status: 'approved', autoApproved: true });
      const ops = await service().request(slack('U0OPS'), { roleId: 'og' });
      expect(ops.request).toMatchObject({ status: 'approved', autoApproved: true });
      expect((await service().request(slack('U0IDLE'), { roleId: 'pd' })).request.status).toBe('pending');
      // Nobody with an e-mail on file: people decide.
      expect((await service().request(slack('U0NOMAIL'), { roleId: 'og' })).request.status).toBe('pending');
      expect(oncall.calls).toEqual(expect.arrayContaining(['GET /users', 'GET /oncalls', 'GET /v2/schedules/ops-primary/on-calls']));
    });

    it('falls back to human approval (never to auto) when the API fails', async () => {
      oncall.onCall.set('ops-primary', ['paged@example.com']);
      const before = oncall.calls.length;
      oncall.failWith = 503;
      const view = await service().request(slack('U0PAGED'), { roleId: 'og' });
      expect(view.request.status).toBe('pending');
      const refused = await t.runtime.database.db.select().from(auditEvents).where(eq(auditEvents.action, 'oncall.lookup_failed'));
      expect(refused.some((e) => String((e.data as { error?: string }).error).includes('503'))).toBe(true);
      oncall.failWith = undefined;
      expect(oncall.calls.length).toBeGreaterThan(before);
    });
  });

  describe('escalation', () => {
    it('asks the next tier once its time comes, lets it decide, and tells the requester', async () => {
      const me = slack('U0WAIT1');
      const view = await service().request(me, { roleId: 'esc' });
      expect(await noticeJob(`escalate-${view.request.id}-0`)).toBeDefined();
      expect(await noticeJob(`escalate-${view.request.id}-1`)).toBeDefined();
      expect((await refusal(service().approve(BOB, view.request.id))).code).toBe('not_approver');
      expect(await service().escalate(view.request.id, 0)).toBe(false); // too early

      clock.advance(16 * MIN);
      expect(await service().escalate(view.request.id, 0)).toBe(true);
      expect(await service().escalate(view.request.id, 0)).toBe(false); // once
      // The tier's card and the requester's notice are owed chat work (no workers here).
      await deliverOwedChat(t.runtime);
      expect(postsTo(APPROVAL_CHANNEL).some((p) => p.includes('Escalated') && p.includes('<@U0BOB>'))).toBe(true);
      expect(
        t.slackApi
          .callsOf('chat.postMessage')
          .some((c) => c.args.channel === me.userId && String(c.args.text).includes('now also asking <@U0BOB>')),
      ).toBe(true);

      clock.advance(15 * MIN);
      expect((await service().reconcile()).escalations).toBe(1); // tier 2, as a lost job would have
      await deliverOwedChat(t.runtime);
      expect(postsTo(ESCALATION_CHANNEL).some((p) => p.includes('<@U0CAROL>'))).toBe(true);
      const result = await service().approve(CAROL, view.request.id);
      expect(result.settled).toBe(true);
      // The plain reminder (approvals.remind_after) goes out too, besides the escalation tiers.
      expect(await actions(view.request.id)).toEqual([
        'request.created',
        'decision.refused',
        'request.escalated',
        'request.escalated',
        'request.reminded',
        'approval.approve',
        'request.approved',
      ]);
    });

    it('still times out at pending_ttl', async () => {
      const view = await service().request(slack('U0WAIT2'), { roleId: 'esc' });
      clock.advance(61 * MIN);
      await service().reconcile();
      expect((await service().view(view.request.id)).request.status).toBe('timed_out');
    });
  });

  describe('approver edits', () => {
    it('approves a shorter grant than asked and tells the requester', async () => {
      const me = slack('U0SHORT');
      const view = await service().request(me, { roleId: 'esc', durationMs: 2 * 3_600_000 });
      expect((await refusal(service().approve(ALICE, view.request.id, 3 * 3_600_000))).code).toBe('bad_duration');
      expect((await refusal(service().approve(ALICE, view.request.id, 1000))).code).toBe('bad_duration');
      await service().approve(ALICE, view.request.id, 30 * MIN);
      const grant = await service().activateGrant(view.request.id);
      expect(grant!.expiresAt!.getTime() - grant!.activatedAt!.getTime()).toBe(30 * MIN);
      const dm = t.slackApi
        .callsOf('chat.postMessage')
        .filter((c) => c.args.channel === me.userId)
        .map((c) => String(c.args.text));
      expect(dm.some((text) => text.includes('30m (approved shorter than the 2h asked)'))).toBe(true);
    });
  });

  describe('expiry warning', () => {
    it('is scheduled warn_before ahead (role, then policy) and its revoke is verified', async () => {
      const me = slack('U0WARN');
      const view = await service().request(me, { roleId: 'esc', durationMs: 2 * 3_600_000 });
      await service().approve(ALICE, view.request.id);
      const grant = (await service().activateGrant(view.request.id))!;
      const job = await noticeJob(`warn-${grant.id}`);
      expect(job!.opts.delay).toBe(2 * 3_600_000 - 15 * MIN);
      clock.advance(2 * 3_600_000 - 15 * MIN);
      await service().warnExpiring(grant.id);
      const warning = t.slackApi
        .callsOf('chat.postMessage')
        .find((c) => c.args.channel === me.userId && String(c.args.text).includes('expires in 15m'));
      expect(JSON.stringify(warning!.args.blocks)).toContain('"action_id":"jit.done"');
      await service().revoke(me, view.request.id);
      expect(await service().endGrant(grant.id)).toMatchObject({ ended: 'revoked' });
      const ended = await service().view(view.request.id);
      expect(ended.grant!.revokeVerifiedAt).not.toBeNull();
      await deliverOwedChat(t.runtime);
      expect(
        t.slackApi
          .callsOf('chat.postMessage')
          .some((c) => c.args.channel === me.userId && String(c.args.text).includes('Revoked and verified')),
      ).toBe(true);
    });
  });

  describe('revoke verification', () => {
    it('alerts the security channel when access is still there, revokes again and confirms', async () => {
      const view = await service().request(slack('U0VERIFY'), { roleId: 'bg', durationMs: 10 * MIN, reason: 'verify', breakGlass: true });
      const grant = (await service().activateGrant(view.request.id))!;
      clock.advance(10 * MIN);
      // The provider "loses" the revoke: its record says the access is back after the first check.
      await service().endGrant(grant.id);
      const db = t.runtime.database.db;
      await db.update(sandboxGrants).set({ revokedAt: null }).where(eq(sandboxGrants.grantId, grant.id));
      const { grants } = await import('../../src/store/schema');
      await db.update(grants).set({ revokeVerifiedAt: null }).where(eq(grants.id, grant.id));

      expect(await service().verifyRevocation(grant.id)).toBe('still_standing');
      await deliverOwedChat(t.runtime);
      expect(postsTo(SECURITY_CHANNEL).some((p) => p.includes('could not be verified') && p.includes(grant.id))).toBe(true);
      expect(await t.runtime.sandbox.isStanding(grant.id)).toBe(true);
      expect(await service().verifyRevocation(grant.id)).toBe('verified');
      expect(await t.runtime.sandbox.isStanding(grant.id)).toBe(false);
      await deliverOwedChat(t.runtime);
      expect(postsTo(SECURITY_CHANNEL).some((p) => p.includes('now revoked and verified') && p.includes(grant.id))).toBe(true);
      expect(await actions(view.request.id)).toEqual(expect.arrayContaining(['revoke.verified', 'revoke.verify_failed']));
    });
  });

  describe('pending request hygiene', () => {
    it('points a duplicate to the existing request: at most max_pending_per_role pending, none while active', async () => {
      const me = slack('U0DUP');
      const first = await service().request(me, { roleId: 'esc' });
      const second = await service().request(me, { roleId: 'esc' });
      const e = await refusal(service().request(me, { roleId: 'esc' }));
      expect(e.code).toBe('duplicate_request');
      expect(e.userMessage).toContain(first.request.id);
      expect(e.userMessage).toContain(second.request.id);
      await service().approve(ALICE, first.request.id);
      await service().cancel(me, second.request.id);
      const held = await refusal(service().request(me, { roleId: 'esc' }));
      expect(held.userMessage).toContain(`You already have esc in ${first.request.id}`);
      // Each platform words it in its own markup.
      expect(held.wordedFor(slackMarkup)).toContain(
        `You already have *esc* in \`${first.request.id}\`. Use that one; \`/jit revoke ${first.request.id}\``.replace(
          '. Use',
          ' (approved, being granted). Use',
        ),
      );
      expect((await service().listMine(me)).length).toBe(2);
    });
  });
});
