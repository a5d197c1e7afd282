import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs, StaticSelectAction } from '@slack/bolt';
import type { Actor } from '../../../../access/model';
import { normaliseRequestId } from '../../../../lib/ids';
import type { Reply } from '../../replies';

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;
export type SelectArgs = SlackActionMiddlewareArgs<BlockAction<StaticSelectAction>> & AllMiddlewareArgs;

/** What every decision button needs: who clicked, which request, and how to answer them privately. */
export function buttonContext(args: ButtonArgs | SelectArgs, value = buttonValue(args)): { actor: Actor; requestId: string; tell: Reply } {
  const { body, client } = args;
  const actor: Actor = { platform: 'slack', userId: body.user.id };
  // The value is untrusted input; the core looks it up and refuses (audited) what it does not know.
  const requestId = normaliseRequestId(value.slice(0, 64));
  const channel = body.channel?.id;
  const tell: Reply = (message) =>
    channel
      ? client.chat.postEphemeral({ channel, user: actor.userId, text: message.text })
      : client.chat.postMessage({ channel: actor.userId, text: message.text });
  return { actor, requestId, tell };
}

function buttonValue(args: ButtonArgs | SelectArgs): string {
  return args.action.type === 'button' ? String(args.action.value ?? '') : '';
}
