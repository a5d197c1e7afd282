import { approvalCard } from '../cards/approval-card';
import { requestIdOf, type CardAction } from './context';

/** Back (`jit.back`) from the deny form: the approval card as it stands now. */
export const backAction: CardAction = async ({ service }, { data }) => {
  const view = await service.view(requestIdOf(data));
  return approvalCard(view, service.role(view.request.roleId));
};
