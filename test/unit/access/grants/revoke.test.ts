import type { Actor } from '../../../../src/access/model';
import { memoryCore, type MemoryCore } from '../../../helpers/memory-core';

const slack = (userId: string): Actor => ({ platform: 'slack', userId });
const REQUESTER = slack('U0REQ');
const MALLORY = slack('U0MALLORY');
const HOUR = 3_600_000;

/** An active grant of `auto` for the requester, an hour long. */
async function activeGrant(c: MemoryCore) {
  const { request } = await c.service.request(REQUESTER, { roleId: 'auto', durationMs: HOUR });
  await c.runGrants();
  const grant = (await c.store.getGrantForRequest(request.id))!;
  expect(grant).toMatchObject({ status: 'active', expiresAt: new Date(c.clock.now().getTime() + HOUR) });
  expect(c.provider.standing.has(grant.id)).toBe(true);
  return { request, grant };
}

describe('taking access away (grants/revoke.ts)', () => {
  it('the revoke job waits for the expiry, then ends the grant once, verified', async () => {
    const c = memoryCore();
    const { request, grant } = await activeGrant(c);
    expect(c.scheduler.of('revoke')).toEqual([{ kind: 'revoke', grantId: grant.id, at: grant.expiresAt }]);

    c.clock.advance(HOUR - 1000);
    expect(await c.service.endDueGrant(grant.id)).toEqual({ ended: false, dueInMs: 1000 });
    expect(c.provider.standing.has(grant.id)).toBe(true);

    c.clock.advance(1000);
    expect(await c.service.endDueGrant(grant.id)).toEqual({ ended: 'expired', lateMs: 0 });
    expect(await c.service.endDueGrant(grant.id)).toEqual({ ended: false });
    expect(c.provider.standing.has(grant.id)).toBe(false);
    expect((await c.store.getGrant(grant.id))?.revokeVerifiedAt).toEqual(c.clock.now());
    const trail = c.store
      .auditLog()
      .filter((e) => e.requestId === request.id)
      .map((e) => e.action);
    expect(trail).toEqual([
      'request.created',
      'request.approved',
      'grant.started',
      'grant.activated',
      'revoke.started',
      'grant.expired',
      'revoke.verified',
    ]);
    await c.deliverChat();
    expect(c.notifier.noticesFor(request.id)).toEqual(['approved', 'granted', 'ended']);
  });

  it('a failing provider: retried, the security team alerted at the second failure and told of the recovery', async () => {
    const c = memoryCore();
    const { grant } = await activeGrant(c);
    c.clock.advance(HOUR);
    c.provider.failNext('revoke', new Error('Throttling: Rate exceeded'), 2);
    await expect(c.service.endGrant(grant.id)).rejects.toThrow('Throttling');
    await expect(c.service.endGrant(grant.id)).rejects.toThrow('Throttling');
    expect(await c.store.getGrant(grant.id)).toMatchObject({ status: 'revoke_failed', revokeAttempts: 2 });
    expect(c.provider.standing.has(grant.id)).toBe(true);
    expect(await c.service.endGrant(grant.id)).toMatchObject({ ended: 'expired' });
    await c.deliverChat();
    const alerts = c.notifier.calls.flatMap((n) => (n.method === 'alertSecurity' ? [n.alert.kind] : []));
    expect(alerts).toEqual(['revoke_failing', 'revoke_recovered']);
    // One start, whatever the retries.
    expect(c.store.auditLog().filter((e) => e.action === 'revoke.started')).toHaveLength(1);
  });

  it('the requester may end it early, once; anyone else is refused and audited', async () => {
    const c = memoryCore();
    const { request, grant } = await activeGrant(c);
    await expect(c.service.revoke(MALLORY, request.id)).rejects.toMatchObject({ code: 'not_allowed' });
    expect(c.store.auditLog().map((e) => e.action)).toContain('revoke.refused');
    await c.service.revoke(REQUESTER, request.id);
    await expect(c.service.revoke(REQUESTER, request.id)).rejects.toMatchObject({ code: 'already_decided' });
    expect(c.scheduler.of('revoke').at(-1)).toEqual({ kind: 'revoke', grantId: grant.id, at: c.clock.now() });
    expect(await c.service.endDueGrant(grant.id)).toEqual({ ended: 'revoked', lateMs: 0 });
    expect((await c.store.getRequest(request.id))?.status).toBe('revoked');
  });

  it('with no queue, an early revoke is done at once rather than left standing', async () => {
    const c = memoryCore();
    const { request, grant } = await activeGrant(c);
    c.scheduler.failure = new Error('connect ECONNREFUSED 127.0.0.1:6379');
    await c.service.revoke(REQUESTER, request.id);
    expect(c.provider.standing.has(grant.id)).toBe(false);
    expect((await c.store.getGrant(grant.id))?.status).toBe('revoked');
  });
});

describe('checking that access is gone (grants/verification.ts)', () => {
  it('a revoke the provider did not apply: alerted once, revoked again on the retry, then verified', async () => {
    const c = memoryCore();
    const { request, grant } = await activeGrant(c);
    c.provider.sticky.add(grant.id);
    c.clock.advance(HOUR);
    await c.service.endGrant(grant.id);
    expect(c.provider.standing.has(grant.id)).toBe(true);
    expect((await c.store.getGrant(grant.id))?.verifyFailedAt).toEqual(c.clock.now());
    expect(c.scheduler.of('verify')).toHaveLength(1);

    c.clock.advance(60_000);
    expect(await c.service.verifyRevocation(grant.id)).toBe('verified');
    expect(c.provider.standing.has(grant.id)).toBe(false);
    await c.deliverChat();
    const alerts = c.notifier.calls.flatMap((n) => (n.method === 'alertSecurity' ? [n.alert.kind] : []));
    expect(alerts).toEqual(['revoke_unverified', 'revoke_verified']);
    expect(c.notifier.noticesFor(request.id).slice(-2)).toEqual(['ended', 'revoke_verified']);
  });
});

describe('the reconciler (reconcile.ts)', () => {
  it('ends grants whose revoke job was lost (Redis down when it was queued)', async () => {
    const c = memoryCore();
    const { grant } = await activeGrant(c);
    c.scheduler.jobs.length = 0;
    c.clock.advance(HOUR + 5000);
    const report = await c.service.reconcile();
    expect(report.grantsEnded).toBe(1);
    expect(await c.store.getGrant(grant.id)).toMatchObject({ status: 'expired', revokedAt: c.clock.now() });
    expect(c.provider.standing.has(grant.id)).toBe(false);
  });
});
