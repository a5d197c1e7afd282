import { Message } from 'slack-block-builder';
import type { Role } from '../../../access/policy';
import { SLACK_GROUP_ID, SLACK_USER_ID } from '../../../lib/ids';
import { showHidden } from '../../../lib/text';
import { sectionText } from './limits';
import type { Markup } from '../../words/markup';
import { breakGlassMarker } from '../../words/status';

/**
 * Text a person or a cloud API supplied, as Slack mrkdwn shows it literally: `&`, `<` and
 * `>` escaped (so `<!channel>`, `<@U…>` and `<https://…|label>` are never pings, mentions
 * or links), invisible and direction-changing characters shown (lib/text.ts). Every
 * Slack renderer passes such text through this one function.
 */
export function slackText(text: string): string {
  return showHidden(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A mention, made only from an id; a Teams person (Entra object id) is named as such. */
export const user = (id: string) => (SLACK_USER_ID.test(id) ? `<@${id}>` : `Teams user ${slackText(id)}`);
/** A Slack user group as a mention; an Entra group (a GUID in a Teams-side policy) is named as such. */
export const group = (id: string) => (SLACK_GROUP_ID.test(id) ? `<!subteam^${id}>` : `Entra group ${slackText(id)}`);

/** Built Block Kit blocks, for messages that mix builder blocks with `plainText` ones. */
export function blocksOf(...builders: Array<Parameters<ReturnType<typeof Message>['blocks']>[number] | undefined>): unknown[] {
  return (
    (Message()
      .blocks(...builders)
      .buildToObject().blocks as unknown[] | undefined) ?? []
  );
}

/**
 * A section in plain text: Slack applies no mrkdwn there, so someone's words stay
 * exactly their words (hidden characters shown; a section holds 3,000 characters).
 */
export function plainText(text: string): { type: 'section'; text: { type: 'plain_text'; text: string; emoji: false } } {
  return { type: 'section', text: { type: 'plain_text', text: sectionText(showHidden(text)), emoji: false } };
}

/** Slack renders `<!date^…>` in each reader's own time zone. */
export function when(date: Date): string {
  const seconds = Math.floor(date.getTime() / 1000);
  return `<!date^${seconds}^{date_short_pretty} {time_secs}|${date.toISOString()}>`;
}

/** Slack mrkdwn for the shared wording (approval-words.ts). */
export const slackMarkup: Markup = {
  text: slackText,
  user,
  group,
  when,
  bold: (t) => `*${t}*`,
  code: (t) => `\`${t}\``,
  emoji: (name) => `:${name}:`,
  link: (url, text) => `<${url}|${text}>`,
  command: (args) => `/jit ${args}`,
};

/** The break-glass marker as Slack shows it. */
export const BREAK_GLASS_MARKER = breakGlassMarker(slackMarkup);

export const SANDBOX_NOTE = ':test_tube: *SANDBOX* — no real cloud access is given or taken.';

/** The context line every message about a sandbox role carries. */
export function sandboxNote(role: Role): string | undefined {
  return role.provider === 'sandbox' ? SANDBOX_NOTE : undefined;
}
