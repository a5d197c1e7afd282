import type { AccessErrorCode } from '../../access/model/errors';
import type { AuditEvent } from '../../access/model';
import { formatDuration } from '../../lib/duration';
import { cutVisibly } from '../../lib/text';
import type { Markup } from './markup';

/** Why something was refused, in words (audit rows keep the code; people read this). */
const REFUSALS: Record<AccessErrorCode, string> = {
  unknown_role: 'no such role',
  bad_duration: 'duration outside the role’s limits',
  reason_required: 'no reason given',
  ticket_required: 'no ticket given',
  ticket_mismatch: 'ticket does not match the role’s pattern',
  not_found: 'no such request',
  not_approver: 'not an approver of this role',
  self_approval: 'their own request',
  already_voted: 'had already approved',
  already_decided: 'already decided',
  not_allowed: 'not allowed',
  not_eligible: 'may not request this role',
  unresolved_person: 'could not tell who they are',
  rate_limited: 'too many requests',
  duplicate_request: 'a request for this role is already pending',
  try_again: 'jitbot could not check (try again)',
  bad_input: 'malformed input',
};

/** Data keys that hold milliseconds, with the word they are shown under. */
const DURATIONS: Record<string, string> = {
  durationMs: 'duration',
  totalMs: 'total',
  addMs: 'adds',
  lateMs: 'late by',
  within: 'within',
  after: 'after',
};
/** Data keys that hold times (ISO strings). */
const TIMES: Record<string, string> = { expiresAt: 'until', from: 'from', to: 'to' };
/** Internal keys a reader has no use for (the person key is shown as who acted). */
const HIDDEN = new Set(['person', 'extensionId']);

/** `breakGlass` → `break glass`: a data key as words. */
const spaced = (key: string) => key.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);

function detail(key: string, value: unknown, m: Markup): string | undefined {
  if (HIDDEN.has(key)) return undefined;
  if (key in DURATIONS && typeof value === 'number')
    return value === 0 ? undefined : `${DURATIONS[key]} ${value < 1000 ? `${value} ms` : formatDuration(value)}`;
  if (key in TIMES && typeof value === 'string' && !Number.isNaN(Date.parse(value))) return `${TIMES[key]} ${m.when(new Date(value))}`;
  if (key === 'code' && typeof value === 'string') return REFUSALS[value as AccessErrorCode] ?? m.text(value);
  if (key === 'roleId' && typeof value === 'string') return `role ${m.code(value)}`;
  if (typeof value === 'boolean') return value ? spaced(key) : undefined;
  if (key === 'reason' && typeof value === 'string') return `reason “${m.text(value)}”`;
  return `${spaced(key)}: ${m.text(typeof value === 'string' ? value : JSON.stringify(value))}`;
}

/** `duration 1h, reason “fix INC-42”`: an audit event's data for people, at most ~300 characters. */
export function auditDetails(event: AuditEvent, m: Markup): string {
  const parts = Object.entries(event.data ?? {})
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => detail(k, v, m))
    .filter((p): p is string => p !== undefined);
  return cutVisibly(parts.join(', '), 300);
}

/** One line of `/jit audit`: when, what, who, and the details. */
export function auditLine(event: AuditEvent, m: Markup): string {
  const who = event.actor.platform === 'system' ? event.actor.userId : m.user(event.actor.userId);
  const details = auditDetails(event, m);
  return `${m.when(event.at)} · ${m.code(event.action)} by ${who}${details ? ` — ${details}` : ''}`;
}
