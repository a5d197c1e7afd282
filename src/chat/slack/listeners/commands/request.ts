import type { WebClient } from '@slack/web-api';
import { isAccessError, type AccessErrorCode } from '../../../../access/errors';
import type { Actor } from '../../../../access/model';
import type { Command } from '../../../command';
import { requestModal } from '../../blocks/request-modal';
import type { SlackListenerDeps } from '../../deps';
import type { Reply } from '../../replies';

/** Refusals a form can fix: the form opens with the rule shown, instead of an error. */
const FORM_FIXES: ReadonlySet<AccessErrorCode> = new Set(['reason_required', 'ticket_required']);

export interface RequestContext {
  actor: Actor;
  reply: Reply;
  client: WebClient;
  triggerId: string;
}

/** `/jit request <role> [duration] [reason…]`: files it, or opens the form when parts are missing. */
export async function requestSubcommand(deps: SlackListenerDeps, cmd: Extract<Command, { kind: 'request' }>, ctx: RequestContext): Promise<void> {
  const { service } = deps;
  // The form offers only the roles this person may request.
  const openForm = async (hint?: string) =>
    ctx.client.views.open({ trigger_id: ctx.triggerId, view: requestModal(await service.rolesFor(ctx.actor), { roleId: cmd.roleId, durationMs: cmd.durationMs, reason: cmd.reason, hint }) });
  if (!cmd.roleId) {
    await openForm();
    return;
  }
  const input = { roleId: cmd.roleId, durationMs: cmd.durationMs, reason: cmd.reason, breakGlass: cmd.breakGlass };
  try {
    service.check(input);
  } catch (e) {
    // Break-glass is typed on purpose, reason included; the form has no break-glass switch.
    if (isAccessError(e) && FORM_FIXES.has(e.code) && !cmd.breakGlass) {
      await openForm(e.userMessage);
      return;
    }
    throw e;
  }
  const view = await service.request(ctx.actor, input);
  const status = view.request.status === 'pending'
    ? 'approvers have been asked'
    : view.request.breakGlass
      ? 'BREAK-GLASS: self-approved, granting now; the approval and security channels are told and an approver will review it'
      : 'approved automatically; granting now';
  await ctx.reply({ text: `:inbox_tray: Filed \`${view.request.id}\` for *${view.request.roleId}*: ${status}. I'll DM you at each step.` });
}
