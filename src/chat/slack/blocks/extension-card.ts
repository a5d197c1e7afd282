import { Blocks, Elements } from 'slack-block-builder';
import type { ExtendResult } from '../../../access/extensions/extend';
import type { ExtensionNotice, ExtensionStatus, ExtensionView } from '../../../access/model/extension';
import { formatDuration } from '../../../lib/duration';
import { extendReplyWords, extensionAskWords, extensionNoticeWords, extensionOutcomeWords } from '../../words/extension';
import { blocksOf, plainText, slackMarkup, user, when } from './format';

export const EXTEND_APPROVE_ACTION = 'jit.extend_approve';
export const EXTEND_DENY_ACTION = 'jit.extend_deny';

const STATUS_EMOJI: Record<ExtensionStatus, string> = {
  pending: ':hourglass_flowing_sand:',
  approved: ':white_check_mark:',
  denied: ':no_entry:',
  lapsed: ':lock:',
};
const NOTICE_EMOJI: Record<ExtensionNotice['kind'], string> = {
  extension_pending: ':inbox_tray:',
  extended: ':hourglass:',
  extension_denied: ':no_entry:',
  extension_lapsed: ':lock:',
};

/** The card approvers see for an extension; value = extension id. Buttons only while pending. */
export function extensionCard(view: ExtensionView, channel: string) {
  const { extension: ext, request } = view;
  const r = request.request;
  return {
    channel,
    text: `Extension of ${r.id}: +${formatDuration(ext.addMs)} of ${r.roleId} for ${user(r.requesterId)} — ${ext.status}`,
    blocks: [
      ...blocksOf(
        Blocks.Section({ text: extensionAskWords(view, slackMarkup) }),
        Blocks.Section().fields(
          `*Ends now*\n${request.grant?.expiresAt && ext.status === 'pending' ? when(request.grant.expiresAt) : '—'}`,
        ),
      ),
      plainText(`Reason given: ${r.reason ?? '—'}`),
      ...blocksOf(
        Blocks.Context().elements(`${STATUS_EMOJI[ext.status]} ${extensionOutcomeWords(view, slackMarkup)}`),
        ext.status === 'pending'
          ? Blocks.Actions({ blockId: 'jit.extend_decision' }).elements(
              Elements.Button({ text: 'Approve', actionId: EXTEND_APPROVE_ACTION, value: String(ext.id) }).primary(),
              Elements.Button({ text: 'Deny', actionId: EXTEND_DENY_ACTION, value: String(ext.id) }).danger(),
            )
          : undefined,
      ),
    ],
  };
}

/** The DM the requester gets about an extension. */
export function extensionNotice(view: ExtensionView, notice: ExtensionNotice): { channel: string; text: string } {
  return {
    channel: view.request.request.requesterId,
    text: `${NOTICE_EMOJI[notice.kind]} ${extensionNoticeWords(view, notice, slackMarkup)}`,
  };
}

/** The answer to `/jit extend`. */
export function extendReply(requestId: string, result: ExtendResult): string {
  return `${result.outcome === 'extended' ? ':hourglass:' : ':inbox_tray:'} ${extendReplyWords(requestId, result, slackMarkup)}`;
}
