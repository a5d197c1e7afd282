import { isAccessError, type AccessErrorCode } from '../../../access/errors';
import type { Actor } from '../../../access/model';
import type { Command } from '../../command';
import { compactDuration, requestForm } from '../cards/request-form';
import type { AdaptiveCard } from '../cards/card';
import type { TeamsDeps } from '../deps';

/** Refusals a form can fix: the form opens with the rule shown, instead of an error. */
const FORM_FIXES: ReadonlySet<AccessErrorCode> = new Set(['reason_required', 'ticket_required']);

/** `request <role> [duration] [reason…]`: files it, or answers with the form when parts are missing. */
export async function requestCommand(deps: TeamsDeps, actor: Actor, cmd: Extract<Command, { kind: 'request' }>): Promise<string | AdaptiveCard> {
  const { service } = deps;
  // The form offers only the roles this person may request.
  const form = async (hint?: string) => requestForm(await service.rolesFor(actor), { roleId: cmd.roleId, duration: cmd.durationMs ? compactDuration(cmd.durationMs) : undefined, reason: cmd.reason, hint });
  if (!cmd.roleId) return form();
  const input = { roleId: cmd.roleId, durationMs: cmd.durationMs, reason: cmd.reason, breakGlass: cmd.breakGlass };
  try {
    service.check(input);
  } catch (e) {
    if (isAccessError(e) && FORM_FIXES.has(e.code)) return form(e.userMessage);
    throw e;
  }
  const view = await service.request(actor, input);
  return filedLine(view.request.id, view.request.roleId, view.request.status);
}

export function filedLine(requestId: string, roleId: string, status: string): string {
  const next = status === 'pending' ? 'approvers have been asked' : 'approved by policy; granting now';
  return `📥 Filed ${requestId} for **${roleId}**: ${next}. I'll message you at each step.`;
}
