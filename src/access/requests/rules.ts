import { formatDuration } from '../../lib/duration';
import { AccessError } from '../model/errors';
import type { Role } from '../policy';

export interface RequestInput {
  roleId: string;
  durationMs?: number | null;
  reason?: string | null;
  ticket?: string | null;
  /** Self-approve under the role's `break_glass` (a reason is then mandatory). */
  breakGlass?: boolean;
}

export interface CheckedRequest {
  durationMs: number;
  reason: string | null;
  ticket: string | null;
}

const MAX_REASON_LENGTH = 1000;

/** Applies the role's duration, reason and ticket rules; throws an AccessError naming the fault. */
export function checkRequest(role: Role, input: RequestInput): CheckedRequest {
  if (input.breakGlass) return checkBreakGlass(role, input);
  const durationMs = input.durationMs ?? role.default_duration;
  if (durationMs > role.max_duration) {
    throw new AccessError(
      'bad_duration',
      `${role.id} can be granted for at most ${formatDuration(role.max_duration)} (you asked for ${formatDuration(durationMs)}).`,
    );
  }
  if (durationMs < role.min_duration) {
    throw new AccessError('bad_duration', `${role.id} must be granted for at least ${formatDuration(role.min_duration)}.`);
  }
  const reason = input.reason?.trim() || null;
  if (reason && reason.length > MAX_REASON_LENGTH) {
    throw new AccessError('reason_required', `The reason is too long (${reason.length} characters; at most ${MAX_REASON_LENGTH}).`);
  }
  if (role.reason === 'required' && !reason) {
    throw new AccessError(
      'reason_required',
      (w) =>
        `${role.id} needs a reason: ${w.command(`request ${role.id} ${formatDuration(durationMs).replace(/ /g, '')} "why you need it"`)}`,
    );
  }
  return { durationMs, reason, ticket: findTicket(role, input.ticket ?? null, reason) };
}

/** Break-glass: only on roles that allow it, capped by `break_glass_max_duration`, never without a reason. */
function checkBreakGlass(role: Role, input: RequestInput): CheckedRequest {
  if (!role.break_glass)
    throw new AccessError(
      'not_allowed',
      (w) => `${role.id} does not allow break-glass; ask for it normally: ${w.command(`request ${role.id}`)}`,
    );
  const durationMs = input.durationMs ?? Math.min(role.default_duration, role.break_glass_max_duration);
  if (durationMs > role.break_glass_max_duration) {
    throw new AccessError(
      'bad_duration',
      `Break-glass on ${role.id} lasts at most ${formatDuration(role.break_glass_max_duration)} (you asked for ${formatDuration(durationMs)}).`,
    );
  }
  if (!input.reason?.trim()) {
    throw new AccessError(
      'reason_required',
      (w) =>
        `Break-glass needs a reason: ${w.command(`request ${role.id} ${formatDuration(durationMs).replace(/ /g, '')} --break-glass "what is on fire"`)}`,
    );
  }
  return checkRequest(role, { ...input, durationMs, breakGlass: false });
}

/** The ticket: given explicitly, or the first word of the reason that matches the role's pattern. */
function findTicket(role: Role, explicit: string | null, reason: string | null): string | null {
  if (!role.ticket_pattern) return explicit?.trim() || null;
  const pattern = new RegExp(role.ticket_pattern);
  const given = explicit?.trim();
  if (given) {
    if (!pattern.test(given))
      throw new AccessError('ticket_mismatch', `"${given}" is not a ticket ${role.id} accepts (pattern ${role.ticket_pattern}).`);
    return given;
  }
  const found = (reason ?? '').split(/[\s,;()[\]]+/).find((word) => word && pattern.test(word));
  if (!found)
    throw new AccessError(
      'ticket_required',
      `${role.id} needs a ticket matching ${role.ticket_pattern}; put it in the reason or the ticket field.`,
    );
  return found;
}
