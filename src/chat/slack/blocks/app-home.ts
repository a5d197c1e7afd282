import { Blocks, Elements, HomeTab } from 'slack-block-builder';
import type { RequestView } from '../../../access/model';
import { SANDBOX_NOTE, slackMarkup, when } from './format';
import { fitting, SLACK_LIMITS } from './limits';
import { decisionRow } from './lists';
import { requestSummary, timeLeftWords } from '../../words/status';

export const REVOKE_NOW_ACTION = 'jit.revoke_now';

/**
 * The App Home tab: the person's active grants with time left and "Revoke now", and,
 * for approvers, what waits for their decision (the same buttons as the approval card).
 */
export function appHome(p: { active: RequestView[]; pending: RequestView[]; now: Date; sandbox: boolean }) {
  // A revoke asked for runs in the background: say so instead of offering the button again.
  const grantBlock = (v: RequestView) => {
    const text = `\`${v.request.id}\` ${requestSummary(v, slackMarkup)}\n:alarm_clock: *${timeLeftWords(v, p.now)}* (until ${v.grant?.expiresAt ? when(v.grant.expiresAt) : '…'})`;
    return v.grant?.revokeRequestedBy
      ? Blocks.Section({ text: `${text}\n:lock: Revoking now…` })
      : Blocks.Section({ text }).accessory(
          Elements.Button({ text: 'Revoke now', actionId: REVOKE_NOW_ACTION, value: v.request.id }).danger(),
        );
  };
  // Within a view's 100 blocks: up to 30 grants, then as many pending decisions as fit.
  const active = fitting(p.active, 1, 30);
  const grants = p.active.length
    ? [
        ...active.shown.map(grantBlock),
        active.more > 0 ? Blocks.Context().elements(`…and ${active.more} more active grants: \`/jit list\` shows them.`) : undefined,
      ]
    : [Blocks.Context().elements('You hold no access right now. Ask with `/jit request <role>`; `/jit roles` lists them.')];
  const waiting = fitting(p.pending, 2, SLACK_LIMITS.viewBlocks - grants.length - 6);
  const pending = [
    ...waiting.shown.flatMap(decisionRow),
    waiting.more > 0
      ? Blocks.Context().elements(`…and ${waiting.more} more waiting (oldest shown first): decide these and they appear here.`)
      : undefined,
  ];
  return HomeTab()
    .blocks(
      Blocks.Header({ text: 'Your access' }),
      ...grants,
      p.pending.length ? Blocks.Divider() : undefined,
      p.pending.length ? Blocks.Header({ text: `Waiting for your decision (${p.pending.length})` }) : undefined,
      ...pending,
      p.sandbox ? Blocks.Context().elements(SANDBOX_NOTE) : undefined,
    )
    .buildToObject();
}
