import { Bits, Blocks, Elements, Message } from 'slack-block-builder';
import type { RequestView } from '../../../access/model';
import type { Role } from '../../../access/policy';
import type { RequesterNotice } from '../../../access/ports';
import { formatDuration } from '../../../lib/duration';
import { approvedByWords, approverNames, durationWords, endedWords, expiringWords, onCallUnavailableWords } from '../../approval-words';
import { durationChoiceValue } from './duration-choice';
import { sectionText } from './limits';
import { group, sandboxNote, slackMarkup, slackText, user, when } from './format';

/** "I'm done" on the expiry warning: ends the grant now (value: the request id). */
export const DONE_ACTION = 'jit.done';
/** "Extend" on the expiry warning: a select of the extensions that fit (value `<request id>|<ms>`). */
export const EXTEND_ACTION = 'jit.extend';

function text(view: RequestView, role: Role, notice: RequesterNotice): string {
  const { request, grant } = view;
  const what = `*${role.id}* for ${durationWords(request)} (\`${request.id}\`)`;
  switch (notice.kind) {
    case 'submitted':
      return `:inbox_tray: Your request for ${what} is waiting for approval from ${role.approval.approvers ? approverNames(role.approval.approvers, user, group, request.requesterId) : 'the approvers'}.`;
    case 'on_call_unavailable':
      return `:warning: ${onCallUnavailableWords(notice, what, slackMarkup)}`;
    case 'escalated':
      return `:arrow_double_up: Nobody has decided on ${what} yet, so I am now also asking ${approverNames(notice.approvers, user, group, request.requesterId)} (escalation tier ${notice.tier + 1}).`;
    case 'approval_recorded':
      return `:ballot_box_with_check: ${user(notice.by)} approved ${what}; ${notice.remaining} more approval${notice.remaining > 1 ? 's' : ''} needed.`;
    case 'approved':
      return `:white_check_mark: ${what} was approved ${approvedByWords(notice.by, user)}. Granting now…`;
    case 'denied':
      return `:no_entry: ${what} was denied by ${user(notice.by)}: ${slackText(notice.reason)}`;
    case 'granted':
      return `:unlock: You now have ${what} through ${notice.providerLabel}, until ${grant?.expiresAt ? when(grant.expiresAt) : 'its expiry'}. Done early? \`/jit revoke ${request.id}\``;
    case 'grant_failed':
      return `:x: ${what} could not be granted: ${slackText(notice.error)}`;
    case 'expiring_soon':
      return `:hourglass: ${what} ${expiringWords(notice.msLeft, notice.extendChoices.length > 0)}`;
    case 'ended':
      return `:lock: ${endedWords(notice, what, user)}`;
    case 'revoke_verified':
      return `:lock: ${what}: revoked and verified — the provider now confirms the access is gone.`;
    case 'timed_out':
      return `:alarm_clock: ${what} timed out: nobody decided in time. Ask again if you still need it.`;
    case 'cancelled':
      return `:heavy_multiplication_x: You cancelled ${what}.`;
  }
}

/** "Extend" (only when some extension fits: the core computed which) beside "I'm done". */
function expiringActions(requestId: string, extendChoices: number[]) {
  return Blocks.Actions({ blockId: 'jit.expiring' }).elements(
    extendChoices.length > 0
      ? Elements.StaticSelect({ placeholder: 'Extend…', actionId: EXTEND_ACTION })
          .options(extendChoices.map((ms) => Bits.Option({ text: `Extend by ${formatDuration(ms)}`, value: durationChoiceValue(requestId, ms) })))
      : undefined,
    Elements.Button({ text: "I'm done", actionId: DONE_ACTION, value: requestId }),
  );
}

/** The DM the requester gets at one step of the lifecycle. */
export function requesterNotice(view: RequestView, role: Role, notice: RequesterNotice) {
  const body = text(view, role, notice);
  const note = sandboxNote(role);
  const delivery = notice.kind === 'granted' ? notice.privateDelivery : undefined;
  return Message({ channel: view.request.requesterId, text: body })
    .blocks(
      Blocks.Section({ text: sectionText(body) }),
      // One section per paragraph: Slack caps a section at 3,000 characters and AWS tokens are long.
      ...(delivery ? delivery.split('\n\n').map((part) => Blocks.Section({ text: part })) : []),
      notice.kind === 'expiring_soon' ? expiringActions(view.request.id, notice.extendChoices) : undefined,
      note ? Blocks.Context().elements(note) : undefined,
    )
    .buildToObject();
}
