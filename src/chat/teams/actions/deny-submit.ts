import { approvalCard } from '../cards/approval-card';
import { DENY_REASON_INPUT, denyForm } from '../cards/deny-form';
import { inputOf, requestIdOf, type CardAction } from './context';

/** The deny form's submit (`jit.deny_submit`): a reason is required; the outcome card replaces the form. */
export const denySubmitAction: CardAction = async ({ service }, { actor, data }) => {
  const requestId = requestIdOf(data);
  const reason = inputOf(data, DENY_REASON_INPUT);
  if (!reason) return denyForm(requestId, 'Please say why you deny the request.');
  const result = await service.deny(actor, requestId, reason);
  return approvalCard(result.view, service.role(result.view.request.roleId));
};
