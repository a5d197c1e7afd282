import type { ExtendResult } from '../../../access/extensions/extend';
import type { ExtensionNotice, ExtensionStatus, ExtensionView } from '../../../access/model/extension';
import { extendReplyWords, extensionAskWords, extensionNoticeWords, extensionOutcomeWords } from '../../words/extension';
import { card, execute, facts, text, VERBS, type AdaptiveCard } from './card';
import { plain, teamsMarkup, teamsText, when } from './format';

const STATUS_EMOJI: Record<ExtensionStatus, string> = { pending: '⏳', approved: '✅', denied: '⛔', lapsed: '🔒' };
const NOTICE_EMOJI: Record<ExtensionNotice['kind'], string> = {
  extension_pending: '📥',
  extended: '⌛',
  extension_denied: '⛔',
  extension_lapsed: '🔒',
};

/** The card approvers see for an extension in the Teams approval channel; data = extension id. Buttons only while pending. */
export function extensionCard(view: ExtensionView, notice?: string): AdaptiveCard {
  const { extension: ext, request } = view;
  const data = { extensionId: ext.id };
  return card(
    [
      text(`Extension of ${request.request.id} — ${ext.status}`, { size: 'Medium', weight: 'Bolder' }),
      text(extensionAskWords(view, teamsMarkup)),
      facts([
        ['Ends now', request.grant?.expiresAt && ext.status === 'pending' ? when(request.grant.expiresAt) : '—'],
        ['Reason given', request.request.reason ? teamsText(request.request.reason) : '—'],
      ]),
      text(`${STATUS_EMOJI[ext.status]} ${extensionOutcomeWords(view, teamsMarkup)}`, { isSubtle: true }),
      notice ? text(`⚠️ ${notice}`, { color: 'Attention' }) : undefined,
    ],
    ext.status === 'pending'
      ? [execute('Approve', VERBS.extendApprove, data, 'positive'), execute('Deny', VERBS.extendDeny, data, 'destructive')]
      : [],
  );
}

/** The 1:1 message the requester gets about an extension: a summary line for notifications, and a card (times in the reader's zone). */
export function extensionNotice(view: ExtensionView, notice: ExtensionNotice): { text: string; card: AdaptiveCard } {
  const line = `${NOTICE_EMOJI[notice.kind]} ${extensionNoticeWords(view, notice, teamsMarkup)}`;
  return { text: plain(line), card: card([text(line)]) };
}

/** The answer to `extend` and to the expiry warning's "Extend" (a card: it shows a time). */
export function extendReply(requestId: string, result: ExtendResult): AdaptiveCard {
  return card([text(`${result.outcome === 'extended' ? '⏳' : '📥'} ${extendReplyWords(requestId, result, teamsMarkup)}`)]);
}
