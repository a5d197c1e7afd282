import type { Actor } from '../../../../src/access/model';
import { memoryCore, type MemoryCore } from '../../../helpers/memory-core';
import { policyDepth } from '../../../helpers/policy-depth';

const slack = (userId: string): Actor => ({ platform: 'slack', userId });
const REQUESTER = slack('U0REQ');
const ALICE = slack('U0ALICE');
const MIN = 60_000;

async function activeExt(c: MemoryCore) {
  const { request } = await c.service.request(REQUESTER, { roleId: 'ext', durationMs: 60 * MIN });
  await c.service.approve(ALICE, request.id);
  await c.runGrants();
  return { request, grant: (await c.store.getGrantForRequest(request.id))! };
}

describe('extending a grant (extensions/extend.ts)', () => {
  it('within the auto window: extended at once, the revoke moved', async () => {
    const c = memoryCore({ policy: policyDepth() });
    const { request, grant } = await activeExt(c);
    const result = await c.service.extend(REQUESTER, request.id, 30 * MIN);
    expect(result).toEqual({ outcome: 'extended', by: 'policy', expiresAt: new Date(grant.expiresAt!.getTime() + 30 * MIN) });
    expect((await c.store.getGrant(grant.id))?.expiresAt).toEqual(result.outcome === 'extended' ? result.expiresAt : undefined);
    expect(c.scheduler.of('revoke').at(-1)).toMatchObject({ grantId: grant.id, at: new Date(grant.expiresAt!.getTime() + 30 * MIN) });
  });

  it('past the auto window: an approver decides; the ask lapses when the grant ends first', async () => {
    const c = memoryCore({ policy: policyDepth() });
    const { request, grant } = await activeExt(c);
    const asked = await c.service.extend(REQUESTER, request.id, 120 * MIN);
    expect(asked).toMatchObject({ outcome: 'pending' });
    await expect(c.service.extend(REQUESTER, request.id, 120 * MIN)).rejects.toMatchObject({ code: 'already_decided' });
    c.clock.advance(60 * MIN);
    await c.service.endDueGrant(grant.id);
    const extensionId = asked.outcome === 'pending' ? asked.extensionId : -1;
    expect((await c.store.getExtension(extensionId))?.status).toBe('lapsed');
    await expect(c.service.decideExtension(ALICE, extensionId, 'approve')).rejects.toMatchObject({ code: 'already_decided' });
    expect((await c.store.getGrant(grant.id))?.status).toBe('expired');
  });
});
