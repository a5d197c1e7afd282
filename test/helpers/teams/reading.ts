import type { ConnectorCall } from './bot-framework';
import type { TeamsUser } from './activities';

/** Reading what the bot sent to the fake connector. */

/** The first Adaptive Card of a call, as JSON text (empty object when there is none). */
export const cardJson = (call: ConnectorCall): string =>
  JSON.stringify((call.body.attachments as Array<{ content: unknown }> | undefined)?.[0]?.content ?? {});

/** A call's text, notification summary and card together, for `includes` checks. */
export const textOf = (call: ConnectorCall): string =>
  `${String(call.body.text ?? '')} ${String(call.body.summary ?? '')} ${cardJson(call)}`;

/** The conversation id of a user's 1:1 chat with the bot (activities.ts names it so). */
export const personalId = (user: TeamsUser): string => `a:personal-${user.name}`;
