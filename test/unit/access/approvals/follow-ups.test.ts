import type { Actor } from '../../../../src/access/model';
import { memoryCore } from '../../../helpers/memory-core';
import { policyDepth } from '../../../helpers/policy-depth';

const slack = (userId: string): Actor => ({ platform: 'slack', userId });
const REQUESTER = slack('U0REQ');
const [ALICE, BOB, CAROL] = [slack('U0ALICE'), slack('U0BOB'), slack('U0CAROL')];
const MIN = 60_000;

describe('reminders (approvals/reminders.ts)', () => {
  it('reminds the approvers of a pending request once, when due', async () => {
    const c = memoryCore();
    const { request } = await c.service.request(REQUESTER, { roleId: 'quick', durationMs: MIN });
    expect(await c.service.remindApprovers(request.id)).toBe(false);
    c.clock.advance(15 * MIN);
    expect(await c.service.remindApprovers(request.id)).toBe(true);
    expect(await c.service.remindApprovers(request.id)).toBe(false);
    await c.deliverChat();
    expect(c.notifier.calls.filter((n) => n.method === 'remindApprovers')).toHaveLength(1);
    expect(c.store.auditLog().filter((e) => e.action === 'request.reminded')).toHaveLength(1);
  });

  it('does not remind about a request already decided', async () => {
    const c = memoryCore();
    const { request } = await c.service.request(REQUESTER, { roleId: 'quick', durationMs: MIN });
    await c.service.approve(ALICE, request.id);
    c.clock.advance(15 * MIN);
    expect(await c.service.remindApprovers(request.id)).toBe(false);
  });
});

describe('escalation (approvals/escalation.ts)', () => {
  it('asks each tier once when its time comes; a tier approver may decide only once asked', async () => {
    const c = memoryCore({ policy: policyDepth() });
    const { request } = await c.service.request(REQUESTER, { roleId: 'esc', durationMs: 60 * MIN });
    expect(c.scheduler.of('escalation').map((j) => j.tier)).toEqual([0, 1]);
    await expect(c.service.approve(BOB, request.id)).rejects.toMatchObject({ code: 'not_approver' });
    expect(await c.service.escalate(request.id, 0)).toBe(false);

    c.clock.advance(15 * MIN);
    expect(await c.service.escalate(request.id, 0)).toBe(true);
    expect(await c.service.escalate(request.id, 0)).toBe(false);
    expect(await c.service.escalate(request.id, 1)).toBe(false);
    await c.deliverChat();
    expect(c.notifier.calls.flatMap((n) => (n.method === 'postEscalationCards' ? [n.tier] : []))).toEqual([0]);
    expect(c.notifier.noticesFor(request.id)).toEqual(['submitted', 'escalated']);
    await expect(c.service.approve(CAROL, request.id)).rejects.toMatchObject({ code: 'not_approver' });
    expect((await c.service.approve(BOB, request.id)).view.request.status).toBe('approved');
  });
});

describe('break-glass (requests/break-glass.ts)', () => {
  it('self-approved within its own limit, the security team alerted, reviewed once by another approver', async () => {
    const c = memoryCore({ policy: policyDepth() });
    await expect(
      c.service.request(REQUESTER, { roleId: 'bg', durationMs: 2 * 60 * MIN, reason: 'db down', breakGlass: true }),
    ).rejects.toMatchObject({ code: 'bad_duration' });
    const { request } = await c.service.request(REQUESTER, { roleId: 'bg', durationMs: 30 * MIN, reason: 'db down', breakGlass: true });
    expect(request).toMatchObject({ status: 'approved', breakGlass: true });
    expect(c.scheduler.of('grant')).toHaveLength(1);
    await c.deliverChat();
    expect(c.notifier.calls.flatMap((n) => (n.method === 'alertSecurity' ? [n.alert.kind] : []))).toEqual(['break_glass']);
    await expect(c.service.reviewBreakGlass(REQUESTER, request.id)).rejects.toMatchObject({ code: 'self_approval' });
    expect((await c.service.reviewBreakGlass(ALICE, request.id)).request.reviewedBy).toBe('U0ALICE');
    await expect(c.service.reviewBreakGlass(BOB, request.id)).rejects.toMatchObject({ code: 'already_decided' });
  });
});
