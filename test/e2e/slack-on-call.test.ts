import { FakeOnCallApis } from '../fakes/on-call';
import { ManualClock } from '../helpers/clock';
import { APPROVAL_CHANNEL } from '../helpers/policy';
import { policyDepth } from '../helpers/policy-depth';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime';
import { slackDriver } from '../helpers/slack-driver';

/**
 * On-call auto-approval (`approval.auto_if_on_call`) through signed Slack requests, with
 * PagerDuty's and Opsgenie's REST APIs faked on loopback (PAGERDUTY_API_URL,
 * OPSGENIE_API_URL). Role `pd` names a PagerDuty schedule, `og` an Opsgenie one; the
 * policy's `users:` table gives the e-mails.
 */
describe('Slack end to end: on-call auto-approval', () => {
  let t: TestRuntime;
  const clock = new ManualClock();
  const apis = new FakeOnCallApis();
  const { slash, click, grantIn, dmsTo, postsTo, auditOf } = slackDriver(() => t);
  const cardsFor = (requestId: string) => postsTo(APPROVAL_CHANNEL).filter((p) => p.includes(`Access request ${requestId}`));

  beforeAll(async () => {
    await apis.start();
    apis.onCall.set('PSCHED1', ['paged@example.com']);
    apis.onCall.set('ops-primary', ['ops@example.com']);
    t = await startTestRuntime({
      kind: 'postgres',
      role: 'all',
      clock,
      policy: policyDepth(),
      env: apis.env(),
    });
  });
  afterAll(async () => {
    await t.close();
    await apis.stop();
  });

  it.each([
    ['PagerDuty', 'U0PAGED', 'pd', 'PagerDuty schedule PSCHED1', 'GET /oncalls'],
    ['Opsgenie', 'U0OPS', 'og', 'Opsgenie schedule ops-primary', 'GET /v2/schedules/ops-primary/on-calls'],
  ])(
    '%s: on call now → approved at once, granted, and recorded as approved by the schedule',
    async (_api, userId, roleId, schedule, call) => {
      const request = await slash(userId, `request ${roleId} 30m`);
      expect(request).toMatchObject({ autoApproved: true, approvalsRequired: 0 });
      await grantIn(request.id, 'active');
      expect(apis.calls).toContain(call);
      const approved = (await auditOf(request.id)).find((e) => e.action === 'request.approved');
      expect(approved).toMatchObject({ actorId: 'policy', data: { auto: true, onCall: schedule } });
      expect(dmsTo(userId).some((dm) => dm.includes('approved automatically because you are on call now'))).toBe(true);
      expect(cardsFor(request.id)).toEqual([]);
    },
  );

  it('not on call → the approvers decide, as for any role', async () => {
    const request = await slash('U0IDLE', 'request pd 30m');
    expect(request).toMatchObject({ status: 'pending', autoApproved: false });
    expect(cardsFor(request.id)).toHaveLength(1);
    expect((await auditOf(request.id)).map((e) => e.action)).not.toContain('oncall.lookup_failed');
    await click('U0ALICE', 'jit.approve', request.id);
    await grantIn(request.id, 'active');
    expect(dmsTo('U0IDLE').some((dm) => dm.includes('was approved by <@U0ALICE>'))).toBe(true);
  });

  it.each([
    ['Opsgenie', 'U0IDLE', 'og', 'Opsgenie schedule ops-primary'],
    ['PagerDuty', 'U0OPS', 'pd', 'PagerDuty schedule PSCHED1'],
  ])('%s failing → human approval (never auto), audited, and the requester is told why', async (_api, userId, roleId, schedule) => {
    // The requester is on call, but the API cannot say so: doubt goes to people.
    apis.onCall.set('ops-primary', ['ops@example.com', 'idle@example.com']);
    apis.onCall.set('PSCHED1', ['paged@example.com', 'ops@example.com']);
    apis.failWith = 503;
    try {
      const request = await slash(userId, `request ${roleId} 30m`);
      expect(request).toMatchObject({ status: 'pending', autoApproved: false });
      expect(cardsFor(request.id)).toHaveLength(1);
      const failed = (await auditOf(request.id)).find((e) => e.action === 'oncall.lookup_failed');
      expect(failed?.data).toMatchObject({ roleId, schedule, error: expect.stringContaining('HTTP 503') });
      const note = dmsTo(userId).find((dm) => dm.includes('I could not check whether you are on call'));
      expect(note).toContain(schedule);
      expect(note).toContain(request.id);
      expect(note).toContain('waits for the approvers');
    } finally {
      apis.failWith = undefined;
    }
  });

  it('no e-mail for the requester → human approval with the reason', async () => {
    // Slack gives no e-mail (no users:read.email scope, or none on the profile) and the policy has none.
    t.slackApi.setUser('U0NOMAIL', { profile: { email: '' } });
    const request = await slash('U0NOMAIL', 'request og 30m');
    expect(request.status).toBe('pending');
    expect(dmsTo('U0NOMAIL').some((dm) => dm.includes('no e-mail address known for the requester'))).toBe(true);
  });
});
