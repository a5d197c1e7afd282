import path from 'node:path';

/** Microsoft's `adaptivecards` renderer library (its browser bundle: the package's lib/ is ES modules Node cannot load). */
export const ADAPTIVE_CARDS_BUNDLE = path.join(__dirname, '../../../node_modules/adaptivecards/dist/adaptivecards.js');

interface SerializationContext {
  eventCount: number;
  getEventAt(i: number): { message: string };
}
interface AdaptiveCardsLib {
  AdaptiveCard: new () => {
    parse(json: unknown, context: SerializationContext): void;
    validateProperties(): { validationEvents: Array<{ message: string }> };
  };
  SerializationContext: new () => SerializationContext;
}

/**
 * What Microsoft's own parser says is wrong with a card: unknown element or action types,
 * bad property values, failed validation. Empty for a card Teams can render.
 */
export function cardProblems(card: unknown): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lib = require(ADAPTIVE_CARDS_BUNDLE) as AdaptiveCardsLib;
  const parsed = new lib.AdaptiveCard();
  const context = new lib.SerializationContext();
  parsed.parse(card, context);
  const parseEvents = Array.from({ length: context.eventCount }, (_, i) => context.getEventAt(i).message);
  return [...parseEvents, ...parsed.validateProperties().validationEvents.map((e) => e.message)];
}
