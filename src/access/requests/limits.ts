import { formatDuration } from '../../lib/duration';
import type { Core } from '../core';
import { AccessError } from '../model/errors';
import type { AccessRequest, Person } from '../model';
import type { Role } from '../policy';
import type { RequestStore } from '../ports';

/**
 * Per-person limits, checked inside the transaction that files the request, after
 * `lockPerson`: concurrent requests of one person queue behind each other there, so a
 * burst cannot slip past a limit between its check and its insert. Counted per person,
 * across Slack and Teams.
 *
 * - `limits.requests_per_hour`: a burst past it is refused.
 * - a role the person already holds, or already waits for `limits.max_pending_per_role`
 *   times, is refused with a pointer to the existing request.
 */
export async function refuseOverLimits(core: Core, tx: RequestStore, person: Person, role: Role): Promise<void> {
  const { clock, policy } = core.deps;
  const now = clock.now();
  const limit = policy.limits.requests_per_hour;
  if ((await tx.countRequestsSince(person, new Date(now.getTime() - 3_600_000))) >= limit) {
    throw new LimitRefusal(
      'rate_limited',
      `You have made ${limit} requests in the last hour, the most allowed. Please wait, or ask an admin.`,
      {},
    );
  }
  const open = await tx.listOpenRequests(person, role.id);
  const age = (r: AccessRequest) => formatDuration(Math.max(0, now.getTime() - r.createdAt.getTime()));
  const holding = open.find((r) => r.status === 'active' || r.status === 'approved');
  const pending = open.filter((r) => r.status === 'pending');
  if (holding) {
    throw new LimitRefusal(
      'duplicate_request',
      (w) =>
        `You already have ${w.bold(role.id)} in ${w.code(holding.id)} (${holding.status === 'active' ? 'active' : 'approved, being granted'}). Use that one; ${w.code(w.command(`revoke ${holding.id}`))} ends it.`,
      { existing: holding.id },
    );
  }
  if (pending.length >= policy.limits.max_pending_per_role) {
    throw new LimitRefusal(
      'duplicate_request',
      (w) =>
        `You already have a pending request for ${w.bold(role.id)}: ${pending.map((r) => `${w.code(r.id)} (asked ${age(r)} ago)`).join(', ')}. It is still with the approvers; ${w.code(w.command('cancel <id>'))} withdraws it if you want to ask differently.`,
      { existing: pending[0]?.id },
    );
  }
}

/** A limit refusal; its transaction rolls back, then the caller audits it (`request.refused`). */
export class LimitRefusal extends AccessError {
  constructor(
    code: 'rate_limited' | 'duplicate_request',
    message: ConstructorParameters<typeof AccessError>[1],
    readonly data: Record<string, unknown>,
  ) {
    super(code, message);
  }
}
