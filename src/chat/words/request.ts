import type { AccessRequest } from '../../access/model';
import type { Markup } from './markup';

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
