import type { RequestView } from '../../../access/model';
import type { Role } from '../../../access/policy';
import { formatDuration } from '../../../lib/duration';
import { HELP_LINES } from '../../command';
import { card, execute, text, VERBS, type AdaptiveCard } from './card';
import type { WhoAmI } from '../../../access/queries/whoami';
import { hiddenRolesWords, noRequestableRolesWords, whoamiLines } from '../../words/whoami';
import { teamsMarkup, teamsText, who } from './format';
import { requestSummary, statusLine } from '../../words/status';

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
    ...shown.map((v) => ({
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
    })),
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
