import { card, execute, text, VERBS, type AdaptiveCard } from './card';

export const DENY_REASON_INPUT = 'reason';

/** Replaces the approval card for the approver who clicked Deny: why, then Deny or Back. */
export function denyForm(requestId: string, problem?: string): AdaptiveCard {
  return card(
    [
      text(`Deny ${requestId}?`, { size: 'Medium', weight: 'Bolder' }),
      text('The requester sees your reason.'),
      problem ? text(`⚠️ ${problem}`, { color: 'Attention' }) : undefined,
      {
        type: 'Input.Text',
        id: DENY_REASON_INPUT,
        label: 'Reason',
        isMultiline: true,
        maxLength: 1000,
        isRequired: true,
        errorMessage: 'Please say why you deny the request.',
      },
    ],
    [
      execute('Deny', VERBS.denySubmit, { requestId }, 'destructive'),
      { ...execute('Back', VERBS.back, { requestId }), associatedInputs: 'none' },
    ],
  );
}
