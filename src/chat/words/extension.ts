import type { ExtendResult } from '../../access/extensions/extend';
import type { ExtensionNotice, ExtensionView } from '../../access/model/extension';
import { formatDuration } from '../../lib/duration';
import type { Markup } from './markup';

/** Platform-neutral wording of extensions, shared by the Slack and Teams renderers (each adds its emoji). */

/** Where an extension stands, for its card. */
export function extensionOutcomeWords({ extension: ext }: ExtensionView, m: Markup): string {
  switch (ext.status) {
    case 'pending':
      return 'Waiting for an approver';
    case 'approved':
      return `Approved by ${ext.decidedByPlatform === 'system' ? 'policy' : m.user(ext.decidedBy ?? '')}${ext.newExpiresAt ? ` — now until ${m.when(ext.newExpiresAt)}` : ''}`;
    case 'denied':
      return `Denied by ${m.user(ext.decidedBy ?? '')}`;
    case 'lapsed':
      return 'The access ended before anyone decided';
  }
}

/** The card's headline: whose access, who asks, for how much more. */
export function extensionAskWords({ extension: ext, request }: ExtensionView, m: Markup): string {
  const r = request.request;
  const asker = ext.askedBy === r.requesterId ? 'the requester' : m.user(ext.askedBy);
  return `${m.user(r.requesterId)}'s ${m.bold(r.roleId)} access (${m.code(r.id)}): ${asker} asks for ${m.bold(`${formatDuration(ext.addMs)} more`)}`;
}

/** What the requester is told about an extension. */
export function extensionNoticeWords(view: ExtensionView, notice: ExtensionNotice, m: Markup): string {
  const { extension: ext, request } = view;
  const what = `+${formatDuration(ext.addMs)} on ${m.bold(request.request.roleId)} (${m.code(request.request.id)})`;
  switch (notice.kind) {
    case 'extension_pending':
      return `${ext.askedBy === request.request.requesterId ? 'Your' : `${m.user(ext.askedBy)}'s`} ask for ${what} is waiting for an approver.`;
    case 'extended':
      return `${what} was approved ${notice.by === 'policy' ? 'by policy' : `by ${m.user(notice.by)}`}; your access now lasts until ${ext.newExpiresAt ? m.when(ext.newExpiresAt) : 'its new expiry'}.`;
    case 'extension_denied':
      return `${what} was denied by ${m.user(notice.by)}; your access still ends at ${request.grant?.expiresAt ? m.when(request.grant.expiresAt) : 'its expiry'}.`;
    case 'extension_lapsed':
      return `${what} was not applied: the access had already ended.`;
  }
}

/** The answer to an extend (command or button). */
export function extendReplyWords(requestId: string, result: ExtendResult, m: Markup): string {
  return result.outcome === 'extended'
    ? `Extended ${m.code(requestId)} by policy: it now lasts until ${m.when(result.expiresAt)}.`
    : `Asked the approvers to extend ${m.code(requestId)}; I'll tell the requester when they decide.`;
}
