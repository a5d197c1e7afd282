import { isAccessError } from '../../../access/model/errors';
import { parseDurationMs } from '../../../lib/duration';
import { card, text } from '../cards/card';
import { REQUEST_INPUTS, requestForm } from '../cards/request-form';
import { filedWords } from '../../words/request';
import { teamsMarkup } from '../cards/format';
import { inputOf, type CardAction } from './context';

/** The request form's submit (`jit.request_submit`): refusals come back in the form, a filed request as a confirmation. */
export const requestSubmitAction: CardAction = async ({ service }, { actor, data }) => {
  const prefill = {
    roleId: inputOf(data, REQUEST_INPUTS.role),
    duration: inputOf(data, REQUEST_INPUTS.duration),
    reason: inputOf(data, REQUEST_INPUTS.reason),
    ticket: inputOf(data, REQUEST_INPUTS.ticket),
  };
  const durationMs = prefill.duration ? parseDurationMs(prefill.duration) : undefined;
  if (durationMs === null)
    return requestForm(await service.rolesFor(actor), {
      ...prefill,
      hint: `"${prefill.duration}" is not a duration; use forms like 30m, 1h or 1h30m.`,
    });
  const input = { roleId: prefill.roleId, durationMs, reason: prefill.reason || undefined, ticket: prefill.ticket || undefined };
  try {
    service.check(input);
  } catch (e) {
    if (isAccessError(e)) return requestForm(await service.rolesFor(actor), { ...prefill, hint: e.wordedFor(teamsMarkup) });
    throw e;
  }
  const view = await service.request(actor, input);
  return card([text(filedWords(view.request, teamsMarkup))]);
};
