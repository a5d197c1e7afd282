import { Blocks, Elements, Message } from 'slack-block-builder';
import type { RequestView } from '../../../access/model';
import type { Role } from '../../../access/policy';
import { formatDuration } from '../../../lib/duration';
import { sandboxNote, statusLine, user } from './format';

export const APPROVE_ACTION = 'jit.approve';
export const DENY_ACTION = 'jit.deny';

/** The card approvers see in the approval channel; buttons only while the request is pending. */
export function approvalCard(view: RequestView, role: Role, channel: string) {
  const { request } = view;
  const pending = request.status === 'pending';
  const note = sandboxNote(role);
  return Message({ channel, text: `Access request ${request.id}: ${request.roleId} for ${formatDuration(request.durationMs)} by ${user(request.requesterId)} — ${request.status}` })
    .blocks(
      Blocks.Section({ text: `${user(request.requesterId)} requests *${role.id}*${role.description ? ` — ${role.description}` : ''}` }),
      Blocks.Section().fields(
        `*Request*\n${request.id}`,
        `*Duration*\n${formatDuration(request.durationMs)}`,
        `*Reason*\n${request.reason ?? '—'}`,
        `*Ticket*\n${request.ticket ?? '—'}`,
      ),
      Blocks.Context().elements(statusLine(view)),
      pending
        ? Blocks.Actions({ blockId: 'jit.decision' }).elements(
            Elements.Button({ text: 'Approve', actionId: APPROVE_ACTION, value: request.id }).primary(),
            Elements.Button({ text: 'Deny', actionId: DENY_ACTION, value: request.id }).danger(),
          )
        : undefined,
      note ? Blocks.Context().elements(note) : undefined,
    )
    .buildToObject();
}
