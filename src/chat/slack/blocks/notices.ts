import { Blocks, Message } from 'slack-block-builder';
import type { RequestView } from '../../../access/model';
import type { Role } from '../../../access/policy';
import type { RequesterNotice } from '../../../access/ports';
import { formatDuration } from '../../../lib/duration';
import { sandboxNote, user, when } from './format';

function text(view: RequestView, role: Role, notice: RequesterNotice): string {
  const { request, grant } = view;
  const what = `*${role.id}* for ${formatDuration(request.durationMs)} (\`${request.id}\`)`;
  switch (notice.kind) {
    case 'submitted':
      return `:inbox_tray: Your request for ${what} is waiting for approval.`;
    case 'approval_recorded':
      return `:ballot_box_with_check: ${user(notice.by)} approved ${what}; ${notice.remaining} more approval${notice.remaining > 1 ? 's' : ''} needed.`;
    case 'approved':
      return `:white_check_mark: ${what} was approved ${notice.by === 'policy' ? 'by policy' : `by ${user(notice.by)}`}. Granting now…`;
    case 'denied':
      return `:no_entry: ${what} was denied by ${user(notice.by)}: ${notice.reason}`;
    case 'granted':
      return `:unlock: You now have ${what} through ${notice.providerLabel}, until ${grant?.expiresAt ? when(grant.expiresAt) : 'its expiry'}. Done early? \`/jit revoke ${request.id}\``;
    case 'grant_failed':
      return `:x: ${what} could not be granted: ${notice.error}`;
    case 'expiring_soon':
      return `:hourglass: ${what} expires in ${formatDuration(notice.msLeft)}.`;
    case 'ended':
      return notice.how === 'revoked'
        ? `:lock: ${what} was revoked early${notice.by ? ` by ${user(notice.by)}` : ''}. Your access is gone.`
        : `:lock: ${what} has expired and your access was revoked.`;
    case 'timed_out':
      return `:alarm_clock: ${what} timed out: nobody decided in time. Ask again if you still need it.`;
    case 'cancelled':
      return `:heavy_multiplication_x: You cancelled ${what}.`;
  }
}

/** The DM the requester gets at one step of the lifecycle. */
export function requesterNotice(view: RequestView, role: Role, notice: RequesterNotice) {
  const body = text(view, role, notice);
  const note = sandboxNote(role);
  const delivery = notice.kind === 'granted' ? notice.privateDelivery : undefined;
  return Message({ channel: view.request.requesterId, text: body })
    .blocks(
      Blocks.Section({ text: body }),
      // One section per paragraph: Slack caps a section at 3,000 characters and AWS tokens are long.
      ...(delivery ? delivery.split('\n\n').map((part) => Blocks.Section({ text: part })) : []),
      note ? Blocks.Context().elements(note) : undefined,
    )
    .buildToObject();
}
