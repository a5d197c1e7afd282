import type { RequestView } from '../../../access/model';
import type { Role } from '../../../access/policy';
import { formatDuration } from '../../../lib/duration';
import { HELP_LINES } from '../../command';
import { card, execute, text, VERBS, type AdaptiveCard, type CardElement } from './card';
import type { WhoAmI } from '../../../access/queries/whoami';
import { hiddenRolesWords, noRequestableRolesWords, whoamiLines } from '../../words/whoami';
import { teamsMarkup, teamsText, when, who } from './format';
import { requestSummary, statusLine, timeLeftWords } from '../../words/status';

/** Replies to `list`, `pending`, `roles` and `help`. */

export function myRequests(views: RequestView[]): AdaptiveCard {
  if (views.length === 0) return card([text('You have no requests yet. Try `roles`, then `request <role>`.')]);
  return card([
    text(`Your ${views.length} most recent requests`, { weight: 'Bolder' }),
    ...views.map((v) =>
      text(`\`${v.request.id}\` ${requestSummary(v, teamsMarkup)}\n\n${statusLine(v, teamsMarkup)}`, { separator: true }),
    ),
  ]);
}

/** A request waiting for the reader's decision: who asks for what and why, with Approve and Deny. */
function decisionItem(v: RequestView): CardElement {
  return {
    type: 'Container',
    separator: true,
    items: [
      text(
        `\`${v.request.id}\` ${who(v.request.requesterId, v.request.requesterPlatform)} asks for ${requestSummary(v, teamsMarkup)}\n\n_${v.request.reason ? teamsText(v.request.reason) : 'no reason given'}_\n\n${statusLine(v, teamsMarkup)}`,
      ),
      {
        type: 'ActionSet',
        actions: [
          execute('Approve', VERBS.approve, { requestId: v.request.id }, 'positive'),
          execute('Deny', VERBS.deny, { requestId: v.request.id }, 'destructive'),
        ],
      },
    ],
  };
}

/**
 * The most requests `pending` lists with their buttons: Teams refuses a bot message much past
 * 28 KB, and a hundred realistic entries make about 120 KB.
 */
export const PENDING_LIST_MAX = 15;

export function pendingForMe(views: RequestView[]): AdaptiveCard {
  if (views.length === 0) return card([text('Nothing is waiting for your approval.')]);
  const shown = views.slice(0, PENDING_LIST_MAX);
  const more = views.length - shown.length;
  return card([
    text(`${views.length} request${views.length === 1 ? '' : 's'} wait${views.length === 1 ? 's' : ''} for your decision`, {
      weight: 'Bolder',
    }),
    ...shown.map(decisionItem),
    more > 0
      ? text(
          `…and ${more} more, oldest first above: decide on these, then send \`pending\` again (or use their cards in the approval channel).`,
          {
            isSubtle: true,
          },
        )
      : undefined,
  ]);
}

function approvalRule(role: Role): string {
  if (role.approval.auto) return 'approved by policy';
  return `${role.approval.required} approval${role.approval.required > 1 ? 's' : ''}`;
}

/** `roles`: the roles the caller may request, and how many others exist. */
export function rolesList(roles: Role[], hidden: number): AdaptiveCard {
  const more = hiddenRolesWords(hidden);
  return card([
    text(roles.length ? `${roles.length} roles you may request` : noRequestableRolesWords('`whoami`'), { weight: 'Bolder' }),
    ...roles.map((r) =>
      text(
        `**${r.id}**${r.provider === 'sandbox' ? ' _(sandbox)_' : ''} — ${r.description || 'no description'}\n\nup to ${formatDuration(r.max_duration)} (default ${formatDuration(r.default_duration)}) · ${approvalRule(r)}${r.reason === 'required' ? ' · reason required' : ''}${r.ticket_pattern ? ` · ticket \`${r.ticket_pattern}\`` : ''}`,
        { separator: true },
      ),
    ),
    more ? text(more, { isSubtle: true }) : undefined,
  ]);
}

/** `whoami`. */
export function whoami(who: WhoAmI): AdaptiveCard {
  return card(whoamiLines(who, teamsMarkup).map((line) => text(line)));
}

/** Teams users type the words without the slash (a leading `jit` is fine too). */
export function help(problem?: string, channelId?: string): AdaptiveCard {
  return card([
    problem
      ? text(`⚠️ ${problem} Here is what I understand:`, { color: 'Attention' })
      : text('jitbot: just-in-time access', { weight: 'Bolder' }),
    text(HELP_LINES.map((line) => `- ${line.replace(/\/jit /g, '')}`).join('\n')),
    channelId ? text(`This channel's id, for \`teams_channel\` in the policy: \`${channelId}\``, { isSubtle: true }) : undefined,
  ]);
}

/**
 * `home` (and the welcome in a 1:1 chat): the access the reader holds, with time left and
 * **Revoke now**, then what waits for their decision, as Slack's App Home shows it.
 */
export function homeCard(home: { active: RequestView[]; pending: RequestView[]; now: Date }): AdaptiveCard {
  const grants = home.active.slice(0, PENDING_LIST_MAX);
  const waiting = home.pending.slice(0, PENDING_LIST_MAX - Math.min(grants.length, PENDING_LIST_MAX / 2));
  const grantItem = (v: RequestView): CardElement => ({
    type: 'Container',
    separator: true,
    items: [
      text(
        `\`${v.request.id}\` ${requestSummary(v, teamsMarkup)}\n\n⏰ **${timeLeftWords(v, home.now)}** (until ${v.grant?.expiresAt ? when(v.grant.expiresAt) : '…'})${v.grant?.revokeRequestedBy ? '\n\n🔒 Revoking now…' : ''}`,
      ),
      v.grant?.revokeRequestedBy
        ? undefined
        : { type: 'ActionSet', actions: [execute('Revoke now', VERBS.done, { requestId: v.request.id }, 'destructive')] },
    ].filter((e) => e !== undefined),
  });
  return card([
    text('Your access', { size: 'Medium', weight: 'Bolder' }),
    ...(grants.length
      ? grants.map(grantItem)
      : [text('You hold no access right now. Ask with `request <role>`; `roles` lists them.', { isSubtle: true })]),
    home.active.length > grants.length
      ? text(`…and ${home.active.length - grants.length} more: \`list\` shows them.`, { isSubtle: true })
      : undefined,
    text('Waiting for your decision', { weight: 'Bolder', separator: true }),
    ...(waiting.length ? waiting.map(decisionItem) : [text('Nothing is waiting for your approval.', { isSubtle: true })]),
    home.pending.length > waiting.length
      ? text(`…and ${home.pending.length - waiting.length} more: \`pending\` lists them, oldest first.`, { isSubtle: true })
      : undefined,
  ]);
}
