import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { isAccessError, type AccessErrorCode } from '../../../../access/model/errors';
import { DURATION_FORMS, parseDurationMs } from '../../../../lib/duration';
import { REQUEST_FIELDS } from '../../blocks/request-modal';
import type { SlackListenerDeps } from '../../deps';
import { withUserErrors } from '../../replies';

/** Which form field each refusal belongs to, so Slack shows it under that field. */
const FIELD_OF: Partial<Record<AccessErrorCode, string>> = {
  unknown_role: REQUEST_FIELDS.role.block,
  bad_duration: REQUEST_FIELDS.duration.block,
  reason_required: REQUEST_FIELDS.reason.block,
  ticket_required: REQUEST_FIELDS.ticket.block,
  ticket_mismatch: REQUEST_FIELDS.ticket.block,
};

/** The request form's submit: validated before the ack (errors show in the form), filed after. */
export function requestSubmit(deps: SlackListenerDeps) {
  return async ({ ack, view, body, client }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs): Promise<void> => {
    const values = view.state.values;
    const field = (f: { block: string; action: string }) => values[f.block]?.[f.action];
    const roleId = field(REQUEST_FIELDS.role)?.selected_option?.value ?? '';
    const durationText = field(REQUEST_FIELDS.duration)?.value?.trim() ?? '';
    const durationMs = durationText ? parseDurationMs(durationText) : undefined;
    if (durationMs === null) {
      await ack({
        response_action: 'errors',
        errors: { [REQUEST_FIELDS.duration.block]: `"${durationText}" is not a duration; use forms like ${DURATION_FORMS}.` },
      });
      return;
    }
    const input = {
      roleId,
      durationMs,
      reason: field(REQUEST_FIELDS.reason)?.value ?? undefined,
      ticket: field(REQUEST_FIELDS.ticket)?.value ?? undefined,
    };
    try {
      deps.service.check(input);
    } catch (e) {
      const block = isAccessError(e) ? FIELD_OF[e.code] : undefined;
      if (isAccessError(e) && block) {
        await ack({ response_action: 'errors', errors: { [block]: e.userMessage } });
        return;
      }
      throw e;
    }
    await ack();
    const tell = (m: { text: string }) => client.chat.postMessage({ channel: body.user.id, text: m.text });
    await withUserErrors(deps.logger, tell, async () => {
      await deps.service.request({ platform: 'slack', userId: body.user.id }, input);
    });
  };
}
