import type { AccessRequest, Grant } from '../model';
import type { Wording } from '../model/errors';
import type { Role } from '../policy';

/**
 * Why a role's grants cannot be made longer (worded in the reader's markup), or null when
 * they can. AWS hands out credentials whose end is fixed when they are issued, and an Azure
 * PIM assignment carries its own expiration that Azure enforces: moving our revoke would not
 * move it.
 */
export function whyNotExtendable(role: Role): ((w: Wording) => string) | null {
  const again = (w: Wording) => `Request it again when it ends: ${w.command(`request ${role.id}`)}`;
  if (role.provider === 'aws')
    return (w) => `${role.id} gives AWS credentials, whose expiry is fixed when they are issued, so it cannot be extended. ${again(w)}`;
  if (role.provider === 'azure' && role.azure?.mode === 'pim')
    return (w) => `${role.id} is an Azure PIM assignment whose expiration Azure enforces, so it cannot be extended. ${again(w)}`;
  return null;
}

/** What the "Extend" button offers, shortest first. */
const EXTEND_STEPS_MS = [15, 30, 60, 120, 240].map((m) => m * 60_000);

/**
 * The extensions the expiry warning offers for a grant: the standard steps that still fit
 * within the role's max_duration (counted from activation), or none when the role's grants
 * cannot be extended at all. Both chat platforms render exactly these.
 */
export function extendChoices(role: Role, grant: Grant): number[] {
  if (whyNotExtendable(role) || !grant.expiresAt) return [];
  const activatedAt = grant.activatedAt ?? grant.createdAt;
  const room = role.max_duration - (grant.expiresAt.getTime() - activatedAt.getTime());
  return EXTEND_STEPS_MS.filter((ms) => ms <= room);
}

/**
 * How long in all a grant may run on extensions nobody approved (`/jit extend`, "Extend"),
 * or undefined when every extension needs an approver. Self-service never takes a grant
 * past what people agreed to: an approver's shorter "approve for less" duration, or
 * `break_glass_max_duration` for a break-glass grant, which no one approved at all.
 */
export function selfServiceLimitMs(role: Role, request: AccessRequest): number | undefined {
  const caps = [request.approvedDurationMs, request.breakGlass ? role.break_glass_max_duration : null].filter(
    (c): c is number => c !== null,
  );
  const allowed = role.approval.auto ? role.max_duration : role.extend.auto_within;
  if (allowed === undefined) return undefined;
  return Math.min(allowed, ...caps);
}
