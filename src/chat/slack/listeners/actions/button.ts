import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Actor } from '../../../../access/model';
import { normaliseRequestId } from '../../../../lib/ids';
import type { Reply } from '../../replies';

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** What every decision button needs: who clicked, which request, and how to answer them privately. */
export function buttonContext({ body, action, client }: ButtonArgs): { actor: Actor; requestId: string; tell: Reply } {
  const actor: Actor = { platform: 'slack', userId: body.user.id };
  // The value is untrusted input; the core looks it up and refuses (audited) what it does not know.
  const requestId = normaliseRequestId(String(action.value ?? '').slice(0, 64));
  const channel = body.channel?.id;
  const tell: Reply = (message) =>
    channel
      ? client.chat.postEphemeral({ channel, user: actor.userId, text: message.text })
      : client.chat.postMessage({ channel: actor.userId, text: message.text });
  return { actor, requestId, tell };
}
