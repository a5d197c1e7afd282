import { formatDuration } from '../lib/duration';
import type { Core } from './core';
import { AccessError } from './errors';
import type { AccessRequest, Actor } from './model';
import type { Role } from './policy';

/**
 * Pending request hygiene: a request for a role the requester already holds, or
 * already waits for up to `limits.max_pending_per_role` times, is refused with a
 * pointer to the existing request instead of filing a second one. Audited.
 */
export async function refuseDuplicates(core: Core, actor: Actor, role: Role): Promise<void> {
  const { store, clock, policy } = core.deps;
  const open = (await store.listOpenRequests(actor.userId, role.id)).filter((r) => r.requesterPlatform === actor.platform);
  const now = clock.now();
  const age = (r: AccessRequest) => formatDuration(Math.max(0, now.getTime() - r.createdAt.getTime()));
  const holding = open.find((r) => r.status === 'active' || r.status === 'approved');
  const pending = open.filter((r) => r.status === 'pending');
  let message: string | undefined;
  if (holding) {
    message = `You already have *${role.id}* in \`${holding.id}\` (${holding.status === 'active' ? 'active' : 'approved, being granted'}). Use that one; \`/jit revoke ${holding.id}\` ends it.`;
  } else if (pending.length >= policy.limits.max_pending_per_role) {
    const ids = pending.map((r) => `\`${r.id}\` (asked ${age(r)} ago)`).join(', ');
    message = `You already have a pending request for *${role.id}*: ${ids}. It is still with the approvers; \`/jit cancel <id>\` withdraws it if you want to ask differently.`;
  }
  if (!message) return;
  const existing = holding?.id ?? pending[0]?.id;
  await core.audit({ action: 'request.refused', requestId: null, actor, data: { code: 'duplicate_request', roleId: role.id, existing } });
  throw new AccessError('duplicate_request', message);
}
