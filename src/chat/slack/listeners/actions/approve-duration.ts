import { parseDurationChoice } from '../../blocks/duration-choice';
import type { SlackListenerDeps } from '../../deps';
import { withUserErrors } from '../../replies';
import { buttonContext, type SelectArgs } from './button';
import { formatDuration } from '../../../../lib/duration';

/** "Approve for less…" select (`jit.approve_duration`): approves a shorter grant than asked. */
export function approveDurationAction(deps: SlackListenerDeps) {
  return async (args: SelectArgs): Promise<void> => {
    await args.ack();
    const { actor, tell } = buttonContext(args);
    await withUserErrors(deps.logger, tell, async () => {
      const { requestId, durationMs } = parseDurationChoice(args.action.selected_option?.value, 'Approve for less');
      const result = await deps.service.approve(actor, requestId, durationMs);
      await tell({
        text: `:ballot_box_with_check: You approved \`${requestId}\` for ${formatDuration(durationMs)}${result.settled ? '' : `; ${result.remaining} more needed`}.`,
      });
    });
  };
}
