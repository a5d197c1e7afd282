import { eq } from 'drizzle-orm';
import type { Actor } from '../../src/access/model';
import { parsePolicy } from '../../src/config/policy-file';
import { grantExtensions } from '../../src/store/schema';
import { ManualClock } from '../helpers/clock';
import { APPROVAL_CHANNEL } from '../helpers/policy';
import { auditActions, refusal } from '../helpers/refusals';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime';

const slack = (userId: string): Actor => ({ platform: 'slack', userId });
/** A new requester per test: a second request for a role someone holds or awaits is refused (pending hygiene). */
let REQUESTER = slack('U0REQ');
let requesters = 0;
beforeEach(() => {
  REQUESTER = slack(`U0REQ${++requesters}`);
});
const ALICE = slack('U0ALICE');
const BOB = slack('U0BOB');
const MALLORY = slack('U0MALLORY');
const MIN = 60_000;

const POLICY = parsePolicy(
  `
approvals:
  slack_channel: ${APPROVAL_CHANNEL}
roles:
  - id: quick
    provider: sandbox
    requesters: { anyone: true }
    max_duration: 1h
    default_duration: 10m
    reason: optional
    extend: { auto_within: 30m }
    approval:
      approvers: { slack_users: [U0ALICE, U0BOB] }
  - id: auto
    provider: sandbox
    requesters: { anyone: true }
    max_duration: 2h
    default_duration: 1h
    reason: optional
    approval: { auto: true }
  - id: cloud
    provider: aws
    requesters: { anyone: true }
    aws: { role_arn: "arn:aws:iam::111122223333:role/ProdRead" }
    max_duration: 1h
    reason: optional
    approval:
      approvers: { slack_users: [U0ALICE] }
`,
  'extend-policy.yaml',
);

/**
 * `/jit extend` through the real core, store (Postgres server and PGlite), BullMQ
 * queues and Slack notifier (fake Slack API). No workers: the test plays the revoke
 * job itself with a clock it moves.
 */
describe('extending grants on Postgres', () => {
  const kind = 'postgres';
  let t: TestRuntime;
  let clock: ManualClock;
  const service = () => t.runtime.service;
  const actions = (requestId: string) => auditActions(t, requestId);
  const dmsTo = (userId: string) =>
    t.slackApi
      .callsOf('chat.postMessage')
      .filter((c) => c.args.channel === userId)
      .map((c) => String(c.args.text));
  const revokeDelay = async (grantId: string) => {
    const job = await t.runtime.queues.revoke.getJob(`revoke-${grantId}`);
    return job ? job.timestamp + job.delay : undefined;
  };

  /** An active `quick` grant of `minutes`, approved by Alice. */
  async function activeQuick(minutes: number) {
    const view = await service().request(REQUESTER, { roleId: 'quick', durationMs: minutes * MIN });
    await service().approve(ALICE, view.request.id);
    const grant = (await service().activateGrant(view.request.id))!;
    return { requestId: view.request.id, grant };
  }

  beforeAll(async () => {
    clock = new ManualClock();
    t = await startTestRuntime({ kind, role: 'web', clock, policy: POLICY });
  });
  afterAll(() => t.close());

  it('extends at once while the new total stays within extend.auto_within, and moves the revoke job', async () => {
    const { requestId, grant } = await activeQuick(10);
    const result = await service().extend(REQUESTER, requestId, 15 * MIN);
    const newExpiry = new Date(grant.expiresAt!.getTime() + 15 * MIN);
    expect(result).toEqual({ outcome: 'extended', expiresAt: newExpiry, by: 'policy' });
    expect((await service().view(requestId)).grant?.expiresAt).toEqual(newExpiry);
    // The delayed job now runs at the new expiry (BullMQ keeps the original timestamp and a new delay).
    const runsAt = await revokeDelay(grant.id);
    expect(Math.abs(runsAt! - Date.now() - 25 * MIN)).toBeLessThan(5000);
    expect((await actions(requestId)).slice(-3)).toEqual(['extend.requested', 'extend.approved', 'grant.extended']);
    expect(dmsTo(REQUESTER.userId).at(-1)).toContain('was approved by policy');
  });

  it('asks the approvers past the window: card, no self-approval, only approvers, one pending ask at a time', async () => {
    const { requestId, grant } = await activeQuick(20);
    const result = await service().extend(REQUESTER, requestId, 20 * MIN);
    expect(result.outcome).toBe('pending');
    const extensionId = result.outcome === 'pending' ? result.extensionId : 0;
    const card = t.slackApi
      .callsOf('chat.postMessage')
      .find((c) => c.args.channel === APPROVAL_CHANNEL && String(c.args.text).includes(`Extension of ${requestId}`));
    expect(JSON.stringify(card?.args.blocks)).toContain('"action_id":"jit.extend_approve"');
    expect(dmsTo(REQUESTER.userId).at(-1)).toContain('waiting for an approver');

    expect((await refusal(service().extend(REQUESTER, requestId, 5 * MIN))).code).toBe('already_decided');
    expect((await refusal(service().decideExtension(REQUESTER, extensionId, 'approve'))).code).toBe('self_approval');
    expect((await refusal(service().decideExtension(MALLORY, extensionId, 'approve'))).code).toBe('not_approver');
    expect((await refusal(service().decideExtension(MALLORY, 999_999, 'approve'))).code).toBe('not_found');
    expect((await service().view(requestId)).grant?.expiresAt).toEqual(grant.expiresAt);

    const approved = await service().decideExtension(BOB, extensionId, 'approve');
    expect(approved).toMatchObject({
      status: 'approved',
      decidedBy: BOB.userId,
      newExpiresAt: new Date(grant.expiresAt!.getTime() + 20 * MIN),
    });
    expect((await refusal(service().decideExtension(ALICE, extensionId, 'deny'))).code).toBe('already_decided');
    const update = t.slackApi
      .callsOf('chat.update')
      .filter((c) => String(c.args.text).includes(`Extension of ${requestId}`))
      .at(-1);
    expect(JSON.stringify(update?.args.blocks)).not.toContain('jit.extend_approve');
    expect(String(update?.args.text)).toContain('approved');
    expect(dmsTo(REQUESTER.userId).at(-1)).toContain(`approved by <@${BOB.userId}>`);
    expect(await actions(requestId)).toEqual([
      'request.created',
      'approval.approve',
      'request.approved',
      'grant.started',
      'grant.activated',
      'extend.requested',
      'extend.refused',
      'extend.refused',
      'extend.refused',
      'extend.approved',
      'grant.extended',
      'extend.refused',
    ]);
  });

  it('never goes past max_duration, says how much is left, and changes nothing', async () => {
    const { requestId, grant } = await activeQuick(50);
    const e = await refusal(service().extend(REQUESTER, requestId, 30 * MIN));
    expect(e.code).toBe('bad_duration');
    expect(e.userMessage).toContain('at most 1h in all');
    expect(e.userMessage).toContain('you can add at most 10m');
    expect((await service().view(requestId)).grant?.expiresAt).toEqual(grant.expiresAt);
    expect(await t.runtime.database.db.select().from(grantExtensions).where(eq(grantExtensions.requestId, requestId))).toHaveLength(0);
    expect((await actions(requestId)).at(-1)).toBe('extend.refused');
  });

  it('lets an approver deny; the expiry stays', async () => {
    const { requestId, grant } = await activeQuick(20);
    const result = await service().extend(REQUESTER, requestId, 30 * MIN);
    const denied = await service().decideExtension(ALICE, result.outcome === 'pending' ? result.extensionId : 0, 'deny');
    expect(denied.status).toBe('denied');
    expect((await service().view(requestId)).grant?.expiresAt).toEqual(grant.expiresAt);
    expect(dmsTo(REQUESTER.userId).at(-1)).toContain('was denied by');
    expect((await actions(requestId)).at(-1)).toBe('extend.denied');
  });

  it('extends auto roles freely up to their maximum', async () => {
    const view = await service().request(REQUESTER, { roleId: 'auto', durationMs: 60 * MIN });
    await service().activateGrant(view.request.id);
    expect((await service().extend(REQUESTER, view.request.id, 60 * MIN)).outcome).toBe('extended');
    expect((await refusal(service().extend(REQUESTER, view.request.id, MIN))).userMessage).toContain('already at that limit');
  });

  it('refuses strangers, AWS roles (request again) and grants that are not active', async () => {
    const { requestId } = await activeQuick(10);
    expect((await refusal(service().extend(MALLORY, requestId, 5 * MIN))).code).toBe('not_allowed');
    const aws = await service().request(REQUESTER, { roleId: 'cloud', durationMs: 10 * MIN });
    const e = await refusal(service().extend(REQUESTER, aws.request.id, 5 * MIN));
    expect(e.code).toBe('not_allowed');
    expect(e.userMessage).toContain('cannot be extended');
    expect(e.userMessage).toContain('/jit request cloud');
    // Someone else's pending request (REQUESTER already holds quick, so may not ask again).
    const other = slack(`${REQUESTER.userId}P`);
    const pending = await service().request(other, { roleId: 'quick', durationMs: 10 * MIN });
    expect((await refusal(service().extend(other, pending.request.id, 5 * MIN))).code).toBe('already_decided');
  });

  it('lets an approver extend for the requester; a revoke job from before the extension does not end it early', async () => {
    const { requestId, grant } = await activeQuick(10);
    expect((await service().extend(ALICE, requestId, 10 * MIN)).outcome).toBe('extended');
    clock.advance(10 * MIN);
    // The job queued for the old expiry, had it not been moved, finds the grant not yet due, and when it is.
    expect(await service().endDueGrant(grant.id)).toEqual({ ended: false, dueInMs: 10 * MIN });
    expect((await service().view(requestId)).request.status).toBe('active');
    clock.advance(10 * MIN);
    expect(await service().endDueGrant(grant.id)).toEqual({ ended: 'expired', lateMs: 0 });
  });

  it('lapses a pending ask when the access ends (audited once, by the worker), and a later click is told so', async () => {
    const { requestId, grant } = await activeQuick(20);
    const result = await service().extend(REQUESTER, requestId, 30 * MIN);
    const extensionId = result.outcome === 'pending' ? result.extensionId : 0;
    await service().revoke(REQUESTER, requestId);
    await service().endGrant(grant.id);
    expect((await service().extensionView(extensionId)).extension).toMatchObject({
      status: 'lapsed',
      decidedBy: 'worker',
      decidedByPlatform: 'system',
    });
    await expect(service().decideExtension(BOB, extensionId, 'approve')).rejects.toThrow('is already lapsed');
    expect((await service().view(requestId)).grant?.status).toBe('revoked');
    expect((await actions(requestId)).filter((a) => a === 'extend.lapsed')).toHaveLength(1);
  });

  it('marks an ask lapsed when it is decided while the access is being taken away', async () => {
    const { requestId } = await activeQuick(20);
    const result = await service().extend(REQUESTER, requestId, 30 * MIN);
    await service().revoke(REQUESTER, requestId);
    const lapsed = await service().decideExtension(BOB, result.outcome === 'pending' ? result.extensionId : 0, 'approve');
    expect(lapsed.status).toBe('lapsed');
    expect((await actions(requestId)).at(-1)).toBe('extend.lapsed');
  });
});
