import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { DENY_REASON } from '../../blocks/deny-modal';
import type { SlackListenerDeps } from '../../deps';
import { withUserErrors } from '../../replies';

const Metadata = z.object({ requestId: z.string().min(1).max(64) });

/** The deny form's submit: the reason is required; refusals reach the approver by DM. */
export function denySubmit(deps: SlackListenerDeps) {
  return async ({ ack, view, body, client }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs): Promise<void> => {
    const reason = view.state.values[DENY_REASON.block]?.[DENY_REASON.action]?.value?.trim() ?? '';
    if (!reason) {
      await ack({ response_action: 'errors', errors: { [DENY_REASON.block]: 'Please say why you deny the request.' } });
      return;
    }
    await ack();
    const tell = (m: { text: string }) => client.chat.postMessage({ channel: body.user.id, text: m.text });
    await withUserErrors(deps.logger, tell, async () => {
      const { requestId } = Metadata.parse(JSON.parse(view.private_metadata || '{}'));
      await deps.service.deny({ platform: 'slack', userId: body.user.id }, requestId, reason);
    });
  };
}
