import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import type { AdaptiveCard } from './cards/card';

/**
 * A card as a message activity. `summary` is the line a notification shows; it is not sent
 * as the message's text, which Teams would show above the card, saying everything twice.
 */
export function cardMessage(card: AdaptiveCard, summary?: string) {
  return { ...MessageFactory.attachment(CardFactory.adaptiveCard(card)), ...(summary ? { summary } : {}) };
}

/** Answers in the conversation (in a channel: in the thread of the message). */
export async function say(context: TurnContext, reply: string | AdaptiveCard): Promise<void> {
  await context.sendActivity(typeof reply === 'string' ? MessageFactory.text(reply) : cardMessage(reply));
}
