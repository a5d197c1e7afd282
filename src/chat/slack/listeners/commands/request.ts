import type { WebClient } from '@slack/web-api';
import type { Actor } from '../../../../access/model';
import type { Command } from '../../../command';
import { fileTypedRequest } from '../../../typed-request';
import { filedWords } from '../../../words/request';
import { slackMarkup } from '../../blocks/format';
import { requestModal } from '../../blocks/request-modal';
import type { SlackListenerDeps } from '../../deps';
import type { Reply } from '../../replies';

export interface RequestContext {
  actor: Actor;
  reply: Reply;
  client: WebClient;
  triggerId: string;
}

/** `/jit request <role> [duration] [reason…]`: files it, or opens the form when parts are missing. */
export async function requestSubcommand(
  deps: SlackListenerDeps,
  cmd: Extract<Command, { kind: 'request' }>,
  ctx: RequestContext,
): Promise<void> {
  const { service } = deps;
  // The form offers only the roles this person may request.
  const openForm = async (hint?: string) =>
    ctx.client.views.open({
      trigger_id: ctx.triggerId,
      view: requestModal(await service.rolesFor(ctx.actor), { roleId: cmd.roleId, durationMs: cmd.durationMs, reason: cmd.reason, hint }),
    });
  const typed = await fileTypedRequest(service, ctx.actor, cmd, slackMarkup);
  if ('form' in typed) await openForm(typed.hint);
  else await ctx.reply({ text: filedWords(typed.filed.request, slackMarkup) });
}
