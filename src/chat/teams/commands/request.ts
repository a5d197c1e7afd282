import type { Actor } from '../../../access/model';
import type { Command } from '../../command';
import { filedWords, formFixHint } from '../../words/request';
import { teamsTextMarkup } from '../cards/format';
import { compactDuration, requestForm } from '../cards/request-form';
import type { AdaptiveCard } from '../cards/card';
import type { TeamsDeps } from '../deps';

/** `request <role> [duration] [reason…]`: files it, or answers with the form when parts are missing. */
export async function requestCommand(
  deps: TeamsDeps,
  actor: Actor,
  cmd: Extract<Command, { kind: 'request' }>,
): Promise<string | AdaptiveCard> {
  const { service } = deps;
  // The form offers only the roles this person may request.
  const form = async (hint?: string) =>
    requestForm(await service.rolesFor(actor), {
      roleId: cmd.roleId,
      duration: cmd.durationMs ? compactDuration(cmd.durationMs) : undefined,
      reason: cmd.reason,
      hint,
    });
  if (!cmd.roleId) return form();
  const input = { roleId: cmd.roleId, durationMs: cmd.durationMs, reason: cmd.reason, breakGlass: cmd.breakGlass };
  try {
    service.check(input);
  } catch (e) {
    const hint = formFixHint(e, cmd);
    if (hint === undefined) throw e;
    return form(hint);
  }
  const view = await service.request(actor, input);
  return filedWords(view.request, teamsTextMarkup);
}
