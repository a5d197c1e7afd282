import { Bits, Blocks, Elements } from 'slack-block-builder';
import type { RequestView } from '../../../access/model';
import type { Role } from '../../../access/policy';
import { formatDuration } from '../../../lib/duration';
import { reviewWords, shorterDurations } from '../../words/approval';
import { requestFacts, requestHeadline } from '../../words/approval-card';
import { durationChoiceValue } from './duration-choice';
import { blocksOf, BREAK_GLASS_MARKER, plainText, sandboxNote, slackMarkup, user } from './format';
import { statusLine } from '../../words/status';

export const APPROVE_ACTION = 'jit.approve';
export const DENY_ACTION = 'jit.deny';
/** A select on the card: approve for a shorter duration than asked (value `<request id>|<ms>`). */
export const APPROVE_DURATION_ACTION = 'jit.approve_duration';
/** An approver confirms they looked at a break-glass use. */
export const REVIEW_ACTION = 'jit.review';

/** Unique per request: Slack refuses a view (App Home) in which two blocks share an id. */
export function decisionBlockId(requestId: string): string {
  return `jit.decision.${requestId}`;
}

function decisionBlock(view: RequestView, role: Role) {
  const { request } = view;
  const shorter = shorterDurations(request.durationMs, role.min_duration);
  return Blocks.Actions({ blockId: decisionBlockId(request.id) }).elements(
    Elements.Button({ text: 'Approve', actionId: APPROVE_ACTION, value: request.id }).primary(),
    Elements.Button({ text: 'Deny', actionId: DENY_ACTION, value: request.id }).danger(),
    shorter.length > 0
      ? Elements.StaticSelect({ placeholder: 'Approve for less…', actionId: APPROVE_DURATION_ACTION }).options(
          shorter.map((ms) => Bits.Option({ text: `Approve for ${formatDuration(ms)}`, value: durationChoiceValue(request.id, ms) })),
        )
      : undefined,
  );
}

function reviewBlocks(view: RequestView, role: Role) {
  const { request } = view;
  if (!request.breakGlass) return [];
  const review = reviewWords(request, role, slackMarkup);
  if (review.reviewed) return [Blocks.Context().elements(`:mag: ${review.text}`)];
  return [
    Blocks.Section({ text: `${BREAK_GLASS_MARKER} — ${review.text}` }),
    Blocks.Actions({ blockId: 'jit.review' }).elements(Elements.Button({ text: 'Reviewed', actionId: REVIEW_ACTION, value: request.id })),
  ];
}

/** The card approvers see in the approval channel; buttons only while the request is pending (or a break-glass awaits review). */
export function approvalCard(view: RequestView, role: Role, channel: string, header?: string) {
  const { request } = view;
  const pending = request.status === 'pending';
  const note = sandboxNote(role);
  const marker = request.breakGlass ? `${BREAK_GLASS_MARKER} ` : '';
  const facts = requestFacts(view);
  return {
    channel,
    text: `${marker}Access request ${request.id}: ${request.roleId} for ${formatDuration(request.durationMs)} by ${user(request.requesterId)} — ${request.status}`,
    blocks: [
      ...blocksOf(
        header ? Blocks.Section({ text: header }) : undefined,
        Blocks.Section({ text: `${marker}${requestHeadline(view, role, slackMarkup)}` }),
        Blocks.Section().fields(...facts.filter((f) => !f.theirs).map((f) => `*${f.label}*\n${f.value}`)),
      ),
      // The requester's words, in plain text: no formatting, mention or link of theirs can look like ours.
      plainText(
        facts
          .filter((f) => f.theirs)
          .map((f) => `${f.label}: ${f.value}`)
          .join('\n'),
      ),
      ...blocksOf(
        Blocks.Context().elements(statusLine(view, slackMarkup)),
        pending ? decisionBlock(view, role) : undefined,
        ...reviewBlocks(view, role),
        note ? Blocks.Context().elements(note) : undefined,
      ),
    ],
  };
}
