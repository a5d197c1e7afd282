import { parseDurationChoice } from '../../blocks/duration-choice';
import { extendReply } from '../../blocks/extension-card';
import type { SlackListenerDeps } from '../../deps';
import { withUserErrors } from '../../replies';
import { buttonContext, type SelectArgs } from './button';

/**
 * "Extend" on the expiry warning (`jit.extend`): the same path as `/jit extend`, so the
 * role's extend rules decide (applied at once within `extend.auto_within`, else an
 * extension card for the approvers). The requester is answered either way.
 */
export function extendAction(deps: SlackListenerDeps) {
  return async (args: SelectArgs): Promise<void> => {
    await args.ack();
    const { actor, tell } = buttonContext(args);
    await withUserErrors(deps.logger, tell, async () => {
      const { requestId, durationMs } = parseDurationChoice(args.action.selected_option?.value, 'Extend');
      await tell({ text: extendReply(requestId, await deps.service.extend(actor, requestId, durationMs)) });
    });
  };
}
