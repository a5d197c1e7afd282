import { approvalCard } from '../cards/approval-card';
import { requestIdOf, type CardAction } from './context';

/** Approve (`jit.approve`): the clicker sees the new state at once; the notifier updates the card for everyone. */
export const approveAction: CardAction = async ({ service }, { actor, data }) => {
  const result = await service.approve(actor, requestIdOf(data));
  const notice = result.settled ? undefined : `Your approval is recorded; ${result.remaining} more needed.`;
  return approvalCard(result.view, service.role(result.view.request.roleId), notice);
};
