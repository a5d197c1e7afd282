import type { Actor } from '../../../../src/access/model';
import { memoryCore } from '../../../helpers/memory-core';

const slack = (userId: string): Actor => ({ platform: 'slack', userId });
const REQUESTER = slack('U0REQ');
const [ALICE, BOB, MALLORY] = [slack('U0ALICE'), slack('U0BOB'), slack('U0MALLORY')];

describe('deciding on a request (approvals/decide.ts)', () => {
  it('two approvals for a dual role: the first is recorded, the second approves and queues the grant', async () => {
    const c = memoryCore();
    const { request } = await c.service.request(REQUESTER, { roleId: 'dual', durationMs: 600_000, reason: 'deploy', ticket: 'INC-7' });
    const first = await c.service.approve(ALICE, request.id);
    expect(first.view.request.status).toBe('pending');
    expect(c.scheduler.of('grant')).toEqual([]);
    await expect(c.service.approve(ALICE, request.id)).rejects.toMatchObject({ code: 'already_voted' });
    const second = await c.service.approve(BOB, request.id);
    expect(second.view.request.status).toBe('approved');
    expect(c.scheduler.of('grant')).toEqual([{ kind: 'grant', requestId: request.id }]);
    await c.deliverChat();
    expect(c.notifier.noticesFor(request.id)).toEqual(['submitted', 'approval_recorded', 'approved']);
  });

  it('refuses people who are not approvers of the role, and audits the refusal', async () => {
    const c = memoryCore();
    const { request } = await c.service.request(REQUESTER, { roleId: 'quick', durationMs: 60_000 });
    await expect(c.service.approve(MALLORY, request.id)).rejects.toMatchObject({ code: 'not_approver' });
    expect((await c.store.getRequest(request.id))?.status).toBe('pending');
    expect(c.store.auditLog().map((e) => e.action)).toContain('decision.refused');
  });

  it('nobody approves their own request, even when they are an approver of the role', async () => {
    const c = memoryCore();
    const { request } = await c.service.request(ALICE, { roleId: 'quick', durationMs: 60_000 });
    await expect(c.service.approve(ALICE, request.id)).rejects.toMatchObject({ code: 'self_approval' });
    expect((await c.store.getRequest(request.id))?.status).toBe('pending');
  });

  it('a denial needs a reason and ends the request; nothing is granted', async () => {
    const c = memoryCore();
    const { request } = await c.service.request(REQUESTER, { roleId: 'quick', durationMs: 60_000 });
    await expect(c.service.deny(ALICE, request.id, '')).rejects.toMatchObject({ code: 'reason_required' });
    expect((await c.service.deny(ALICE, request.id, 'not now')).view.request.status).toBe('denied');
    await expect(c.service.approve(BOB, request.id)).rejects.toMatchObject({ code: 'already_decided' });
    expect(c.scheduler.of('grant')).toEqual([]);
  });

  it('approving for less shortens the grant, never lengthens it', async () => {
    const c = memoryCore();
    const { request } = await c.service.request(REQUESTER, { roleId: 'quick', durationMs: 3_600_000 });
    await expect(c.service.approve(ALICE, request.id, 7_200_000)).rejects.toMatchObject({ code: 'bad_duration' });
    await c.service.approve(ALICE, request.id, 1_800_000);
    await c.runGrants();
    const grant = await c.store.getGrantForRequest(request.id);
    expect(grant!.expiresAt!.getTime() - grant!.activatedAt!.getTime()).toBe(1_800_000);
  });

  it('queues the grant before it tells chat, and a card drawn as "approved" after the grant landed is drawn again', async () => {
    const c = memoryCore();
    const { request } = await c.service.request(REQUESTER, { roleId: 'quick', durationMs: 60_000 });
    // The grant worker takes the job while the decision's card update is on its way, and its own update lands first.
    c.notifier.beforeCardUpdate = async () => {
      expect(c.scheduler.of('grant')).toEqual([{ kind: 'grant', requestId: request.id }]);
      await c.runGrants();
    };
    await c.service.approve(ALICE, request.id);
    expect(c.notifier.cardStates(request.id)).toEqual(['active', 'approved', 'active']);
    expect(c.notifier.noticesFor(request.id)).toEqual(['submitted', 'approved', 'granted']);
  });

  it('an "approved" notice the grant overtook is not sent after "granted"', async () => {
    const c = memoryCore();
    const { request } = await c.service.request(REQUESTER, { roleId: 'quick', durationMs: 60_000 });
    c.scheduler.onGrantQueued = async () => {
      await c.runGrants();
    };
    await c.service.approve(ALICE, request.id);
    expect((await c.store.getRequest(request.id))?.status).toBe('active');
    expect(c.notifier.noticesFor(request.id)).toEqual(['submitted', 'granted']);
    expect(c.notifier.cardStates(request.id).at(-1)).toBe('active');
  });
});
