import { parseDurationChoice } from '../../blocks/approval-card';
import type { SlackListenerDeps } from '../../deps';
import { withUserErrors } from '../../replies';
import { buttonContext, type SelectArgs } from './button';
import { formatDuration } from '../../../../lib/duration';

/** "Approve for less…" select (`jit.approve_duration`): approves a shorter grant than asked. */
export function approveDurationAction(deps: SlackListenerDeps) {
  return async (args: SelectArgs): Promise<void> => {
    await args.ack();
    const choice = parseDurationChoice(String(args.action.selected_option?.value ?? ''));
    const { actor, requestId, tell } = buttonContext(args, choice.requestId);
    await withUserErrors(deps.logger, tell, async () => {
      const result = await deps.service.approve(actor, requestId, choice.durationMs);
      await tell({ text: `:ballot_box_with_check: You approved \`${requestId}\` for ${formatDuration(choice.durationMs)}${result.settled ? '' : `; ${result.remaining} more needed`}.` });
    });
  };
}
