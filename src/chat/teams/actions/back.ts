import { approvalCard } from '../cards/approval-card';
import { requestIdOf, type CardAction } from './context';

/** Back (`jit.back`) from the deny form: the approval card as it stands now, to those who may see it. */
export const backAction: CardAction = async ({ service }, { actor, data }) => {
  const view = await service.viewFor(actor, requestIdOf(data), 'view');
  return approvalCard(view, service.role(view.request.roleId));
};
