import type { Role } from '../../../access/policy';
import { formatDuration } from '../../../lib/duration';
import { REASON_MAX_LENGTH, reasonField, reasonPrefill } from '../../words/request-form';
import { card, execute, text, VERBS, type AdaptiveCard } from './card';

export const REQUEST_INPUTS = { role: 'roleId', duration: 'duration', reason: 'reason', ticket: 'ticket' } as const;

export interface RequestFormPrefill {
  roleId?: string;
  duration?: string;
  reason?: string;
  ticket?: string;
  /** Why the form is shown (a rule the typed command did not meet). */
  hint?: string;
}

/** `1h30m` from milliseconds: the form's duration field takes what users would type. */
export function compactDuration(ms: number): string {
  return formatDuration(ms).replace(/ /g, '');
}

/** The request form, opened when `request` lacks parts; its submit is `jit.request_submit`. */
export function requestForm(roles: Role[], prefill: RequestFormPrefill = {}): AdaptiveCard {
  const chosen = roles.find((r) => r.id === prefill.roleId);
  const reason = reasonField(chosen);
  return card(
    [
      text('Request access', { size: 'Medium', weight: 'Bolder' }),
      prefill.hint ? text(`ℹ️ ${prefill.hint}`, { color: 'Attention' }) : undefined,
      {
        type: 'Input.ChoiceSet',
        id: REQUEST_INPUTS.role,
        label: 'Role',
        style: 'compact',
        isRequired: true,
        errorMessage: 'Choose a role.',
        choices: roles.slice(0, 100).map((r) => ({ title: r.description ? `${r.id} — ${r.description}` : r.id, value: r.id })),
        ...(chosen ? { value: prefill.roleId } : {}),
      },
      {
        type: 'Input.Text',
        id: REQUEST_INPUTS.duration,
        label: "Duration (like 30m, 1h or 1h30m; empty: the role's default)",
        placeholder: '1h',
        maxLength: 20,
        ...(prefill.duration ? { value: prefill.duration } : {}),
      },
      {
        type: 'Input.Text',
        id: REQUEST_INPUTS.reason,
        label: reason.hint ? `Reason (${reason.hint.replace(/\.$/, '').toLowerCase()})` : 'Reason',
        isMultiline: true,
        maxLength: REASON_MAX_LENGTH,
        isRequired: reason.required,
        errorMessage: reason.missing,
        ...(prefill.reason ? { value: reasonPrefill(prefill.reason) } : {}),
      },
      {
        type: 'Input.Text',
        id: REQUEST_INPUTS.ticket,
        label: 'Ticket (some roles need one, e.g. INC-42)',
        maxLength: 100,
        ...(prefill.ticket ? { value: prefill.ticket } : {}),
      },
    ],
    [execute('Request', VERBS.requestSubmit, {}, 'positive')],
  );
}
