import type { Actor } from '../../../access/model';
import type { Command } from '../../command';
import { fileTypedRequest } from '../../typed-request';
import { filedWords } from '../../words/request';
import { teamsMarkup, teamsTextMarkup } from '../cards/format';
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
  const typed = await fileTypedRequest(service, actor, cmd, teamsMarkup);
  return 'form' in typed ? form(typed.hint) : filedWords(typed.filed.request, teamsTextMarkup);
}
