import type { Actor } from '../../../../src/access/model';
import { memoryCore } from '../../../helpers/memory-core';

const slack = (userId: string): Actor => ({ platform: 'slack', userId });
const REQUESTER = slack('U0REQ');
const ALICE = slack('U0ALICE');
const actions = (c: ReturnType<typeof memoryCore>, requestId: string) =>
  c.store
    .auditLog()
    .filter((e) => e.requestId === requestId)
    .map((e) => e.action);

describe('filing a request (requests/file.ts)', () => {
  it('a role approved by policy is approved at once and its grant queued', async () => {
    const c = memoryCore();
    const { request } = await c.service.request(REQUESTER, { roleId: 'auto', durationMs: 3_600_000 });
    expect(request).toMatchObject({
      id: 'R-0001',
      status: 'approved',
      autoApproved: true,
      approvalsRequired: 0,
      requesterPerson: 'slack:U0REQ',
    });
    expect(c.scheduler.of('grant')).toEqual([{ kind: 'grant', requestId: 'R-0001' }]);
    expect(actions(c, 'R-0001')).toEqual(['request.created', 'request.approved']);
    await c.deliverChat();
    expect(c.notifier.noticesFor('R-0001')).toEqual(['approved']);
  });

  it('a role with approvers waits: its card is posted, the requester told, the reminder queued', async () => {
    const c = memoryCore();
    const { request } = await c.service.request(REQUESTER, { roleId: 'quick', durationMs: 60_000, reason: 'fix INC-1' });
    expect(request).toMatchObject({ status: 'pending', approvalsRequired: 1 });
    expect(c.scheduler.of('grant')).toEqual([]);
    expect(c.scheduler.of('reminder')).toEqual([
      { kind: 'reminder', requestId: request.id, at: new Date(c.clock.now().getTime() + 15 * 60_000) },
    ]);
    await c.deliverChat();
    expect(c.notifier.noticesFor(request.id)).toEqual(['submitted']);
    expect(await c.store.listMessageRefs(request.id)).toHaveLength(1);
  });

  it('refuses what the rules refuse and stores nothing', async () => {
    const c = memoryCore();
    await expect(c.service.request(REQUESTER, { roleId: 'dual', durationMs: 60_000, reason: 'x', ticket: 'nope' })).rejects.toMatchObject({
      code: 'ticket_mismatch',
    });
    await expect(c.service.request(REQUESTER, { roleId: 'no-such-role', durationMs: 60_000 })).rejects.toMatchObject({
      code: 'unknown_role',
    });
    expect(await c.store.listRequestsByRequester({ key: 'slack:U0REQ', email: null, account: REQUESTER }, 10)).toEqual([]);
  });

  it('one open request per person and role: a second is refused while the first waits', async () => {
    const c = memoryCore();
    await c.service.request(REQUESTER, { roleId: 'quick', durationMs: 60_000 });
    await expect(c.service.request(REQUESTER, { roleId: 'quick', durationMs: 60_000 })).rejects.toMatchObject({
      code: 'duplicate_request',
    });
  });

  it('only the requester cancels, and only while it waits', async () => {
    const c = memoryCore();
    const { request } = await c.service.request(REQUESTER, { roleId: 'quick', durationMs: 60_000 });
    await expect(c.service.cancel(ALICE, request.id)).rejects.toMatchObject({ code: 'not_allowed' });
    expect((await c.service.cancel(REQUESTER, request.id)).request.status).toBe('cancelled');
    await expect(c.service.cancel(REQUESTER, request.id)).rejects.toMatchObject({ code: 'already_decided' });
  });
});
