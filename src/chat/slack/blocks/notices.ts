import { Bits, Blocks, Elements, Message } from 'slack-block-builder';
import type { RequestView } from '../../../access/model';
import type { Role } from '../../../access/policy';
import type { RequesterNotice } from '../../../access/ports';
import { formatDuration } from '../../../lib/duration';
import { deliveryWords, requesterNoticeWords } from '../../words/notice';
import { durationChoiceValue } from './duration-choice';
import { sectionText } from './limits';
import { sandboxNote, slackMarkup } from './format';

/** "I'm done" on the expiry warning: ends the grant now (value: the request id). */
export const DONE_ACTION = 'jit.done';
/** "Extend" on the expiry warning: a select of the extensions that fit (value `<request id>|<ms>`). */
export const EXTEND_ACTION = 'jit.extend';

/** "Extend" (only when some extension fits: the core computed which) beside "I'm done". */
function expiringActions(requestId: string, extendChoices: number[]) {
  return Blocks.Actions({ blockId: 'jit.expiring' }).elements(
    extendChoices.length > 0
      ? Elements.StaticSelect({ placeholder: 'Extend…', actionId: EXTEND_ACTION }).options(
          extendChoices.map((ms) => Bits.Option({ text: `Extend by ${formatDuration(ms)}`, value: durationChoiceValue(requestId, ms) })),
        )
      : undefined,
    Elements.Button({ text: "I'm done", actionId: DONE_ACTION, value: requestId }),
  );
}

/** The DM the requester gets at one step of the lifecycle. */
export function requesterNotice(view: RequestView, role: Role, notice: RequesterNotice) {
  const body = requesterNoticeWords(view, role, notice, slackMarkup);
  const note = sandboxNote(role);
  const delivery = notice.kind === 'granted' ? notice.privateDelivery : undefined;
  return Message({ channel: view.request.requesterId, text: body })
    .blocks(
      Blocks.Section({ text: sectionText(body) }),
      // One section per part: Slack caps a section at 3,000 characters and AWS tokens are long.
      ...(delivery ?? []).map((part) =>
        Blocks.Section({
          text: part.kind === 'code' ? `${deliveryWords(part, slackMarkup)}\n\`\`\`${part.code}\`\`\`` : deliveryWords(part, slackMarkup),
        }),
      ),
      notice.kind === 'expiring_soon' ? expiringActions(view.request.id, notice.extendChoices) : undefined,
      note ? Blocks.Context().elements(note) : undefined,
    )
    .buildToObject();
}
