import { isAccessError, type AccessErrorCode } from '../access/model/errors';
import type { Actor, RequestView } from '../access/model';
import type { AccessService } from '../access/service';
import type { Command } from './command';
import type { Markup } from './words/markup';

/** Refusals a request form can fix: the form opens with the rule shown, instead of an error. */
const FORM_FIXES: ReadonlySet<AccessErrorCode> = new Set(['reason_required', 'ticket_required']);

/** What a typed `request` comes to: filed, or the request form to open (with why, when a rule sent it there). */
export type TypedRequest = { filed: RequestView } | { form: true; hint?: string };

/**
 * `request <role> [duration] [reason…]` as typed on Slack or Teams: filed when it is
 * complete; the form when the role is missing, or a reason or ticket the role requires
 * (the form shows the rule). Break-glass is typed on purpose, reason included: the forms
 * have no break-glass switch, so it is refused as typed rather than turned into a form
 * that would drop the flag. Other refusals are thrown, as filing them would. The hint is
 * worded in `m`, the markup of the form it shows in.
 */
export async function fileTypedRequest(
  service: AccessService,
  actor: Actor,
  cmd: Extract<Command, { kind: 'request' }>,
  m: Markup,
): Promise<TypedRequest> {
  if (!cmd.roleId) return { form: true };
  const input = { roleId: cmd.roleId, durationMs: cmd.durationMs, reason: cmd.reason, breakGlass: cmd.breakGlass };
  try {
    service.check(input);
  } catch (e) {
    if (isAccessError(e) && FORM_FIXES.has(e.code) && !cmd.breakGlass) return { form: true, hint: e.wordedFor(m) };
    throw e;
  }
  return { filed: await service.request(actor, input) };
}
