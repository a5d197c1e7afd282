import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import type { AdaptiveCard } from './cards/card';

/** A card as a message activity, with a text line for notifications and screen readers. */
export function cardMessage(card: AdaptiveCard, summary?: string) {
  return MessageFactory.attachment(CardFactory.adaptiveCard(card), summary);
}

/** Answers in the conversation (in a channel: in the thread of the message). */
export async function say(context: TurnContext, reply: string | AdaptiveCard): Promise<void> {
  await context.sendActivity(typeof reply === 'string' ? MessageFactory.text(reply) : cardMessage(reply));
}
