import {
  ActivityHandler,
  ActivityTypes,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type TurnContext,
} from 'botbuilder';
import { isAccessError } from '../../access/model/errors';
import { runCardAction } from './actions';
import { whyRefused } from './boundary';
import { ADAPTIVE_CARD_CONTENT_TYPE, SUBMIT_VERB } from './cards/card';
import { teamsTextMarkup } from './cards/format';
import { help, homeCard } from './cards/lists';
import { onCommandMessage } from './commands/message';
import type { TeamsDeps } from './deps';
import { rememberConversation } from './references';
import { cardMessage, say } from './say';

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
      const submitted = fallbackSubmit(context.activity.value);
      if (submitted) await this.onFallbackSubmit(context, submitted);
      else await onCommandMessage(deps, context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const botAdded = context.activity.membersAdded?.some((m) => m.id === context.activity.recipient.id);
      if (botAdded) await this.welcome(context);
      await next();
    });
  }

  /**
   * Every turn: refuse what is not Teams or not from an allowed tenant (audited; an invoke
   * gets a 403, nothing else an answer), then read who the sender is from the roster.
   */
  override async run(context: TurnContext): Promise<void> {
    const { activity } = context;
    let why = whyRefused(activity, this.deps.allowedTenants);
    if (!why) {
      try {
        await this.deps.roster.refresh(context);
      } catch (e) {
        if (!isAccessError(e)) throw e;
        why = e.wordedFor(teamsTextMarkup);
      }
    }
    if (!why) return super.run(context);
    this.deps.logger.warn({ why, channelId: activity.channelId, activityType: activity.type }, 'teams activity refused');
    const objectId = activity.from?.aadObjectId;
    if (objectId)
      await this.deps.service.refuseAtEdge(
        { platform: 'teams', userId: objectId.toLowerCase().slice(0, 64) },
        'foreign_channel_or_tenant',
        why,
      );
    if (activity.type === ActivityTypes.Invoke) {
      await context.sendActivity({
        type: ActivityTypes.InvokeResponse,
        value: {
          status: 403,
          body: {
            statusCode: 403,
            type: 'application/vnd.microsoft.error',
            value: { code: 'Forbidden', message: 'jitbot acts only for people of its own organisation, in Teams.' },
          },
        },
      });
    }
  }

  protected override async onAdaptiveCardInvoke(context: TurnContext, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    await rememberConversation(this.deps, context.activity);
    const card = await runCardAction(this.deps, context.activity, value);
    return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: card as unknown as Record<string, unknown> };
  }

  /**
   * A card button pressed in a Teams client without Universal Actions: its `Action.Submit`
   * fallback arrives as a message. It runs as the `Action.Execute` would, and the answer
   * replaces the clicked card (or, when Teams does not say which, follows it).
   */
  private async onFallbackSubmit(context: TurnContext, value: AdaptiveCardInvokeValue): Promise<void> {
    const answer = await runCardAction(this.deps, context.activity, value);
    const replyToId = context.activity.replyToId;
    if (replyToId) await context.updateActivity({ ...cardMessage(answer), id: replyToId });
    else await say(context, answer);
  }

  /** Installed in a team or a chat: remember it and, in a channel, show the id admins put in the policy. */
  private async welcome(context: TurnContext): Promise<void> {
    const stored = await rememberConversation(this.deps, context.activity);
    if (stored?.kind === 'channel') {
      this.deps.logger.info(
        { teamsChannel: stored.conversationId },
        'jitbot was added to a Teams channel: put this id in the policy as teams_channel to post approval cards there',
      );
      await say(
        context,
        `👋 jitbot is here. To post approval cards in this channel, set \`teams_channel: "${stored.conversationId}"\` in the policy (approvals, or a role's approval).`,
      );
      return;
    }
    // In a 1:1 chat: what this person holds and what waits for them, then how to ask.
    const from = context.activity.from?.aadObjectId;
    if (from) await say(context, homeCard(await this.deps.service.home({ platform: 'teams', userId: from.toLowerCase() })));
    await say(context, help());
  }
}

/** The `Action.Execute` an `Action.Submit` fallback stands in for (cards/card.ts), or undefined for an ordinary message. */
function fallbackSubmit(value: unknown): AdaptiveCardInvokeValue | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { [SUBMIT_VERB]: verb, ...data } = value as Record<string, unknown>;
  if (typeof verb !== 'string') return undefined;
  return { action: { type: 'Action.Execute', id: '', verb, data }, trigger: 'manual' } as unknown as AdaptiveCardInvokeValue;
}
