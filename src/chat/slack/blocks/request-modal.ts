import { Bits, Blocks, Elements, Modal } from 'slack-block-builder';
import type { Role } from '../../../access/policy';
import { formatDuration } from '../../../lib/duration';
import { REASON_MAX_LENGTH, reasonField, reasonPrefill } from '../../request-form-words';

export const REQUEST_MODAL = 'jit.request_submit';
export const REQUEST_FIELDS = {
  role: { block: 'role', action: 'role' },
  duration: { block: 'duration', action: 'duration' },
  reason: { block: 'reason', action: 'reason' },
  ticket: { block: 'ticket', action: 'ticket' },
} as const;

export interface RequestModalPrefill {
  roleId?: string;
  durationMs?: number;
  reason?: string;
  /** Why the form opened (the rule that was not met), shown at the top. */
  hint?: string;
}

const compact = (ms: number) => formatDuration(ms).replace(/ /g, '');

/** The form for `/jit request` with parts missing. */
export function requestModal(roles: Role[], prefill: RequestModalPrefill) {
  const options = roles.slice(0, 100).map((r) => Bits.Option({ text: r.id, value: r.id, description: r.description.slice(0, 75) || undefined }));
  const initialRole = roles.find((r) => r.id === prefill.roleId);
  const reason = reasonField(initialRole);
  const select = Elements.StaticSelect({ actionId: REQUEST_FIELDS.role.action, placeholder: 'Choose a role' }).options(options);
  if (initialRole) select.initialOption(Bits.Option({ text: initialRole.id, value: initialRole.id, description: initialRole.description.slice(0, 75) || undefined }));
  return Modal({ title: 'Request access', submit: 'Request', close: 'Cancel', callbackId: REQUEST_MODAL })
    .blocks(
      prefill.hint ? Blocks.Section({ text: `:information_source: ${prefill.hint}` }) : undefined,
      Blocks.Input({ label: 'Role', blockId: REQUEST_FIELDS.role.block }).element(select),
      Blocks.Input({ label: 'Duration', blockId: REQUEST_FIELDS.duration.block, hint: 'Like 30m, 1h or 1h30m. Empty: the role\'s default.' })
        .element(Elements.TextInput({ actionId: REQUEST_FIELDS.duration.action, placeholder: '1h', initialValue: prefill.durationMs ? compact(prefill.durationMs) : undefined }))
        .optional(),
      Blocks.Input({ label: 'Reason', blockId: REQUEST_FIELDS.reason.block, hint: reason.hint })
        .element(Elements.TextInput({ actionId: REQUEST_FIELDS.reason.action, multiline: true, maxLength: REASON_MAX_LENGTH, initialValue: reasonPrefill(prefill.reason) }))
        .optional(!reason.required),
      Blocks.Input({ label: 'Ticket', blockId: REQUEST_FIELDS.ticket.block, hint: 'Some roles need one, e.g. INC-42.' })
        .element(Elements.TextInput({ actionId: REQUEST_FIELDS.ticket.action, maxLength: 100 }))
        .optional(),
    )
    .buildToObject();
}
