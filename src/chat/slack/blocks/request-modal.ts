import { Bits, Blocks, Elements, Modal } from 'slack-block-builder';
import type { Role } from '../../../access/policy';
import { formatDuration } from '../../../lib/duration';
import { REASON_MAX_LENGTH, reasonField, reasonPrefill } from '../../words/request-form';

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

/** Slack's limit on a static select's options. */
const MAX_SELECT_OPTIONS = 100;

const roleOption = (r: Role) => Bits.Option({ text: r.id, value: r.id, description: r.description.slice(0, 75) || undefined });

/** What the role picker offers for what was typed (its options load URL, when there are too many roles to list). */
export function roleSuggestions(roles: Role[], typed: string) {
  const q = typed.trim().toLowerCase();
  const matching = roles.filter((r) => r.id.includes(q) || r.description.toLowerCase().includes(q));
  return {
    options: matching.slice(0, MAX_SELECT_OPTIONS).map((r) => ({
      text: { type: 'plain_text' as const, text: r.id },
      value: r.id,
      ...(r.description ? { description: { type: 'plain_text' as const, text: r.description.slice(0, 75) } } : {}),
    })),
  };
}

/** The form for `/jit request` with parts missing. */
export function requestModal(roles: Role[], prefill: RequestModalPrefill) {
  const initialRole = roles.find((r) => r.id === prefill.roleId);
  const reason = reasonField(initialRole);
  // Slack's select holds at most 100 options: past that, one that searches as people type.
  const select =
    roles.length > MAX_SELECT_OPTIONS
      ? Elements.ExternalSelect({ actionId: REQUEST_FIELDS.role.action, placeholder: 'Type to search the roles', minQueryLength: 0 })
      : Elements.StaticSelect({ actionId: REQUEST_FIELDS.role.action, placeholder: 'Choose a role' }).options(roles.map(roleOption));
  if (initialRole) select.initialOption(roleOption(initialRole));
  return Modal({ title: 'Request access', submit: 'Request', close: 'Cancel', callbackId: REQUEST_MODAL })
    .blocks(
      prefill.hint ? Blocks.Section({ text: `:information_source: ${prefill.hint}` }) : undefined,
      Blocks.Input({ label: 'Role', blockId: REQUEST_FIELDS.role.block }).element(select),
      Blocks.Input({ label: 'Duration', blockId: REQUEST_FIELDS.duration.block, hint: "Like 30m, 1h or 1h30m. Empty: the role's default." })
        .element(
          Elements.TextInput({
            actionId: REQUEST_FIELDS.duration.action,
            placeholder: '1h',
            initialValue: prefill.durationMs ? compact(prefill.durationMs) : undefined,
          }),
        )
        .optional(),
      Blocks.Input({ label: 'Reason', blockId: REQUEST_FIELDS.reason.block, hint: reason.hint })
        .element(
          Elements.TextInput({
            actionId: REQUEST_FIELDS.reason.action,
            multiline: true,
            maxLength: REASON_MAX_LENGTH,
            initialValue: reasonPrefill(prefill.reason),
          }),
        )
        .optional(!reason.required),
      Blocks.Input({ label: 'Ticket', blockId: REQUEST_FIELDS.ticket.block, hint: 'Some roles need one, e.g. INC-42.' })
        .element(Elements.TextInput({ actionId: REQUEST_FIELDS.ticket.action, maxLength: 100 }))
        .optional(),
    )
    .buildToObject();
}
