import { isAccessError, type AccessErrorCode } from '../../access/model/errors';
import type { AccessRequest } from '../../access/model';
import type { Markup } from './markup';

/** Refusals a request form can fix: the form opens with the rule shown, instead of an error. */
const FORM_FIXES: ReadonlySet<AccessErrorCode> = new Set(['reason_required', 'ticket_required']);

/**
 * Why a typed request opens the request form instead of being refused (the rule it did not
 * meet), or undefined when it is refused as typed. Break-glass is typed on purpose, reason
 * included: the forms have no break-glass switch, so opening one would drop the flag.
 */
export function formFixHint(error: unknown, request: { breakGlass?: boolean }): string | undefined {
  return isAccessError(error) && FORM_FIXES.has(error.code) && !request.breakGlass ? error.userMessage : undefined;
}

/** The answer to a filed request: its id, and what happens next. */
export function filedWords(request: AccessRequest, m: Markup): string {
  const next =
    request.status === 'pending'
      ? 'approvers have been asked'
      : request.breakGlass
        ? 'BREAK-GLASS: self-approved, granting now; the approval and security channels are told and an approver will review it'
        : 'approved automatically; granting now';
  return `${m.emoji('inbox_tray')} Filed ${m.code(request.id)} for ${m.bold(request.roleId)}: ${next}. I'll message you at each step.`;
}
