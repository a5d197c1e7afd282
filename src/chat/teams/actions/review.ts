import { z } from 'zod';
import { approvalCard } from '../cards/approval-card';
import { parseData, requestIdField, type CardAction } from './context';

const Data = z.object({ requestId: requestIdField });

/** "Reviewed" on a break-glass card (`jit.review`); the notifier updates the card for everyone. */
export const reviewAction: CardAction = async ({ service }, { actor, data }) => {
  const { requestId } = parseData(Data, data, 'This card does not name a request to review.');
  const view = await service.reviewBreakGlass(actor, requestId);
  return approvalCard(view, service.role(view.request.roleId));
};
