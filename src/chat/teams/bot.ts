import { ActivityHandler, type AdaptiveCardInvokeResponse, type AdaptiveCardInvokeValue, type TurnContext } from 'botbuilder';
import { runCardAction } from './actions';
import { ADAPTIVE_CARD_CONTENT_TYPE } from './cards/card';
import { help } from './cards/lists';
import { onCommandMessage } from './commands/message';
import type { TeamsDeps } from './deps';
import { rememberConversation } from './references';
import { say } from './say';

/**
 * jitbot in Teams: messages are commands, card buttons are universal actions
 * (`adaptiveCard/action` invokes answered with the replacement card), and every
 * conversation the bot sees is remembered for proactive posts.
 */
export class TeamsBot extends ActivityHandler {
  constructor(private readonly deps: TeamsDeps) {
    super();
    this.onMessage(async (context, next) => {
      await rememberConversation(deps, context.activity);
      await onCommandMessage(deps, context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const botAdded = context.activity.membersAdded?.some((m) => m.id === context.activity.recipient.id);
      if (botAdded) await this.welcome(context);
      await next();
    });
  }

  protected override async onAdaptiveCardInvoke(context: TurnContext, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    await rememberConversation(this.deps, context.activity);
    const card = await runCardAction(this.deps, context.activity, value);
    return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: card as unknown as Record<string, unknown> };
  }

  /** Installed in a team or a chat: remember it and, in a channel, show the id admins put in the policy. */
  private async welcome(context: TurnContext): Promise<void> {
    const stored = await rememberConversation(this.deps, context.activity);
    if (stored?.kind === 'channel') {
      this.deps.logger.info({ teamsChannel: stored.conversationId }, 'jitbot was added to a Teams channel: put this id in the policy as teams_channel to post approval cards there');
      await say(context, `👋 jitbot is here. To post approval cards in this channel, set \`teams_channel: "${stored.conversationId}"\` in the policy (approvals, or a role's approval).`);
      return;
    }
    await say(context, help());
  }
}
