import { Blocks, Elements, Message } from 'slack-block-builder';
import type { ExtendResult } from '../../../access/extend';
import type { ExtensionNotice, ExtensionView } from '../../../access/extension-model';
import { formatDuration } from '../../../lib/duration';
import { user, when } from './format';

export const EXTEND_APPROVE_ACTION = 'jit.extend_approve';
export const EXTEND_DENY_ACTION = 'jit.extend_deny';

function outcome({ extension: ext }: ExtensionView): string {
  switch (ext.status) {
    case 'pending':
      return ':hourglass_flowing_sand: Waiting for an approver';
    case 'approved':
      return `:white_check_mark: Approved by ${ext.decidedByPlatform === 'system' ? 'policy' : user(ext.decidedBy ?? '')}${ext.newExpiresAt ? ` — now until ${when(ext.newExpiresAt)}` : ''}`;
    case 'denied':
      return `:no_entry: Denied by ${user(ext.decidedBy ?? '')}`;
    case 'lapsed':
      return ':lock: The access ended before anyone decided';
  }
}

/** The card approvers see for an extension; value = extension id. Buttons only while pending. */
export function extensionCard(view: ExtensionView, channel: string) {
  const { extension: ext, request } = view;
  const r = request.request;
  const asker = ext.askedBy === r.requesterId ? 'the requester' : user(ext.askedBy);
  return Message({ channel, text: `Extension of ${r.id}: +${formatDuration(ext.addMs)} of ${r.roleId} for ${user(r.requesterId)} — ${ext.status}` })
    .blocks(
      Blocks.Section({ text: `${user(r.requesterId)}'s *${r.roleId}* access (\`${r.id}\`): ${asker} asks for *${formatDuration(ext.addMs)} more*` }),
      Blocks.Section().fields(
        `*Ends now*\n${request.grant?.expiresAt && ext.status === 'pending' ? when(request.grant.expiresAt) : '—'}`,
        `*Reason given*\n${r.reason ?? '—'}`,
      ),
      Blocks.Context().elements(outcome(view)),
      ext.status === 'pending'
        ? Blocks.Actions({ blockId: 'jit.extend_decision' }).elements(
            Elements.Button({ text: 'Approve', actionId: EXTEND_APPROVE_ACTION, value: String(ext.id) }).primary(),
            Elements.Button({ text: 'Deny', actionId: EXTEND_DENY_ACTION, value: String(ext.id) }).danger(),
          )
        : undefined,
    )
    .buildToObject();
}

/** The DM the requester gets about an extension. */
export function extensionNotice(view: ExtensionView, notice: ExtensionNotice): { channel: string; text: string } {
  const { extension: ext, request } = view;
  const what = `+${formatDuration(ext.addMs)} on *${request.request.roleId}* (\`${request.request.id}\`)`;
  const text = (() => {
    switch (notice.kind) {
      case 'extension_pending':
        return `:inbox_tray: ${ext.askedBy === request.request.requesterId ? 'Your' : `${user(ext.askedBy)}'s`} ask for ${what} is waiting for an approver.`;
      case 'extended':
        return `:hourglass: ${what} was approved ${notice.by === 'policy' ? 'by policy' : `by ${user(notice.by)}`}; your access now lasts until ${ext.newExpiresAt ? when(ext.newExpiresAt) : 'its new expiry'}.`;
      case 'extension_denied':
        return `:no_entry: ${what} was denied by ${user(notice.by)}; your access still ends at ${request.grant?.expiresAt ? when(request.grant.expiresAt) : 'its expiry'}.`;
      case 'extension_lapsed':
        return `:lock: ${what} was not applied: the access had already ended.`;
    }
  })();
  return { channel: request.request.requesterId, text };
}

/** The answer to `/jit extend`. */
export function extendReply(requestId: string, result: ExtendResult): string {
  return result.outcome === 'extended'
    ? `:hourglass: Extended \`${requestId}\` by policy: it now lasts until ${when(result.expiresAt)}.`
    : `:inbox_tray: Asked the approvers to extend \`${requestId}\`; I'll tell the requester when they decide.`;
}
