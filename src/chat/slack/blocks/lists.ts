import { Blocks, Elements, Message } from 'slack-block-builder';
import type { RequestView } from '../../../access/model';
import type { Role } from '../../../access/policy';
import { HELP_LINES } from '../../command';
import { formatDuration } from '../../../lib/duration';
import { APPROVE_ACTION, decisionBlockId, DENY_ACTION } from './approval-card';
import type { WhoAmI } from '../../../access/queries/whoami';
import { hiddenRolesWords, noRequestableRolesWords, whoamiLines } from '../../words/whoami';
import { slackMarkup, slackText, user } from './format';
import { fitting, packedSections, sectionText, SLACK_LIMITS } from './limits';
import { requestSummary, statusLine } from '../../words/status';

/** Ephemeral replies to `/jit list`, `/jit pending`, `/jit roles`, `/jit help`. */

export function myRequests(views: RequestView[]) {
  if (views.length === 0)
    return Message({ text: 'You have no requests yet. Try `/jit roles`, then `/jit request <role>`.' }).buildToObject();
  return Message({ text: `Your ${views.length} most recent requests` })
    .blocks(
      views.flatMap((v) => [
        Blocks.Section({ text: `\`${v.request.id}\` ${requestSummary(v, slackMarkup)}\n${statusLine(v, slackMarkup)}` }),
      ]),
    )
    .buildToObject();
}

/** A request waiting for the reader's decision, with Approve and Deny (two blocks): `/jit pending` and the App Home. */
export function decisionRow(v: RequestView) {
  return [
    Blocks.Section({
      text: sectionText(
        `\`${v.request.id}\` ${user(v.request.requesterId)} asks for ${requestSummary(v, slackMarkup)}\n_${v.request.reason ? slackText(v.request.reason) : 'no reason given'}_\n${statusLine(v, slackMarkup)}`,
      ),
    }),
    Blocks.Actions({ blockId: decisionBlockId(v.request.id) }).elements(
      Elements.Button({ text: 'Approve', actionId: APPROVE_ACTION, value: v.request.id }).primary(),
      Elements.Button({ text: 'Deny', actionId: DENY_ACTION, value: v.request.id }).danger(),
    ),
  ];
}

export function pendingForMe(views: RequestView[]) {
  if (views.length === 0) return Message({ text: 'Nothing is waiting for your approval.' }).buildToObject();
  const { shown, more } = fitting(views, 2, SLACK_LIMITS.messageBlocks - 1);
  return Message({ text: views.length === 1 ? '1 request waits for your decision' : `${views.length} requests wait for your decision` })
    .blocks(
      shown.flatMap(decisionRow),
      more > 0
        ? Blocks.Context().elements(`…and ${more} more waiting (oldest shown first). Decide these, then \`/jit pending\` again.`)
        : undefined,
    )
    .buildToObject();
}

function approvalRule(role: Role): string {
  if (role.approval.auto) return 'approved automatically';
  return `${role.approval.required} approval${role.approval.required > 1 ? 's' : ''}`;
}

/** `/jit roles`: the roles the caller may request (several to a section, so hundreds fit), and how many others exist. */
export function rolesList(roles: Role[], hidden: number) {
  const more = hiddenRolesWords(hidden);
  const lines = roles.map(
    (r) =>
      `*${r.id}*${r.provider === 'sandbox' ? ' _(sandbox)_' : ''} — ${r.description || 'no description'}\nup to ${formatDuration(r.max_duration)} (default ${formatDuration(r.default_duration)}) · ${approvalRule(r)}${r.reason === 'required' ? ' · reason required' : ''}${r.ticket_pattern ? ` · ticket \`${r.ticket_pattern}\`` : ''}`,
  );
  const { shown, more: unlisted } = fitting(packedSections(lines), 1, SLACK_LIMITS.messageBlocks - 3);
  return Message({ text: roles.length ? `${roles.length} roles you may request` : 'There is no role you may request.' })
    .blocks(
      roles.length === 0 ? Blocks.Section({ text: noRequestableRolesWords('`/jit whoami`') }) : undefined,
      ...shown.map((text) => Blocks.Section({ text })),
      unlisted > 0
        ? Blocks.Context().elements(`…and more roles than one message holds: \`/jit request <role>\` works for any role you may request.`)
        : undefined,
      more ? Blocks.Context().elements(more) : undefined,
    )
    .buildToObject();
}

/** `/jit whoami`. */
export function whoami(who: WhoAmI) {
  const lines = whoamiLines(who, slackMarkup);
  return Message({ text: lines[0] })
    .blocks(Blocks.Section({ text: lines.join('\n') }))
    .buildToObject();
}

export function help(problem?: string) {
  return Message({ text: problem ? `${problem} Here is what I understand:` : 'jitbot: just-in-time access' })
    .blocks(problem ? Blocks.Section({ text: `:warning: ${problem}` }) : undefined, Blocks.Section({ text: HELP_LINES.join('\n') }))
    .buildToObject();
}
