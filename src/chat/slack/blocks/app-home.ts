import { Blocks, Elements, HomeTab } from 'slack-block-builder';
import type { RequestView } from '../../../access/model';
import { formatDuration } from '../../../lib/duration';
import { APPROVE_ACTION, decisionBlockId, DENY_ACTION } from './approval-card';
import { SANDBOX_NOTE, slackText, statusLine, summary, user, when } from './format';

export const REVOKE_NOW_ACTION = 'jit.revoke_now';

/** Minutes are enough on a page people glance at; under a minute says so. */
function timeLeft(view: RequestView, now: Date): string {
  const ms = (view.grant?.expiresAt?.getTime() ?? now.getTime()) - now.getTime();
  return ms < 60_000 ? 'less than a minute left' : `${formatDuration(Math.floor(ms / 60_000) * 60_000)} left`;
}

/**
 * The App Home tab: the person's active grants with time left and "Revoke now", and,
 * for approvers, what waits for their decision (the same buttons as the approval card).
 */
export function appHome(p: { active: RequestView[]; pending: RequestView[]; now: Date; sandbox: boolean }) {
  // A revoke asked for runs in the background: say so instead of offering the button again.
  const grantBlock = (v: RequestView) => {
    const text = `\`${v.request.id}\` ${summary(v)}\n:alarm_clock: *${timeLeft(v, p.now)}* (until ${v.grant?.expiresAt ? when(v.grant.expiresAt) : '…'})`;
    return v.grant?.revokeRequestedBy
      ? Blocks.Section({ text: `${text}\n:lock: Revoking now…` })
      : Blocks.Section({ text }).accessory(Elements.Button({ text: 'Revoke now', actionId: REVOKE_NOW_ACTION, value: v.request.id }).danger());
  };
  const grants = p.active.length
    ? p.active.map(grantBlock)
    : [Blocks.Context().elements('You hold no access right now. Ask with `/jit request <role>`; `/jit roles` lists them.')];
  const pending = p.pending.flatMap((v) => [
    Blocks.Section({ text: `\`${v.request.id}\` ${user(v.request.requesterId)} asks for ${summary(v)}\n_${v.request.reason ? slackText(v.request.reason) : 'no reason given'}_\n${statusLine(v)}` }),
    Blocks.Actions({ blockId: decisionBlockId(v.request.id) }).elements(
      Elements.Button({ text: 'Approve', actionId: APPROVE_ACTION, value: v.request.id }).primary(),
      Elements.Button({ text: 'Deny', actionId: DENY_ACTION, value: v.request.id }).danger(),
    ),
  ]);
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
