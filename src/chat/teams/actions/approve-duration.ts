import { z } from 'zod';
import { formatDuration } from '../../../lib/duration';
import { approvalCard, DURATION_INPUT } from '../cards/approval-card';
import { msField, parseData, requestIdField, type CardAction } from './context';

const Data = z.object({ requestId: requestIdField, [DURATION_INPUT]: msField });

/** "Approve for less" (`jit.approve_duration`) with the card's duration choice: a shorter grant than asked; the core tells the requester. */
export const approveDurationAction: CardAction = async ({ service }, { actor, data }) => {
  const choice = parseData(Data, data, 'Pick a shorter duration in "Or approve for less" first, then press "Approve for less".');
  const durationMs = choice[DURATION_INPUT];
  const result = await service.approve(actor, choice.requestId, durationMs);
  const notice = result.settled
    ? undefined
    : `Your approval for ${formatDuration(durationMs)} is recorded; ${result.remaining} more needed.`;
  return approvalCard(result.view, service.role(result.view.request.roleId), notice);
};
