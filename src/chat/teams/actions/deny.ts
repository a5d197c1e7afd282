import { denyForm } from '../cards/deny-form';
import { requestIdOf, type CardAction } from './context';

/** Deny (`jit.deny`): checks the clicker may decide (refusals are audited), then asks why. */
export const denyAction: CardAction = async ({ service }, { actor, data }) => {
  const requestId = requestIdOf(data);
  await service.checkCanDecide(actor, requestId, 'deny');
  return denyForm(requestId);
};
