import { showHidden } from '../../lib/text';

/**
 * The emoji jitbot's messages use, by Slack's short name, with the character Teams (and
 * any plain-text place) shows. Slack writes the short name between colons, so a workspace's own emoji set applies;
 * the sandbox page draws Slack's emoji from this table too (served as `emoji.js`).
 */
export const EMOJI = {
  alarm_clock: '⏰',
  arrow_double_up: '⏫',
  ballot_box_with_check: '☑️',
  bell: '🔔',
  boom: '💥',
  heavy_multiplication_x: '✖️',
  hourglass: '⌛',
  hourglass_flowing_sand: '⏳',
  house: '🏠',
  inbox_tray: '📥',
  information_source: 'ℹ️',
  lock: '🔒',
  mag: '🔍',
  newspaper: '📰',
  no_entry: '⛔',
  rotating_light: '🚨',
  test_tube: '🧪',
  unlock: '🔓',
  warning: '⚠️',
  white_check_mark: '✅',
  x: '❌',
} as const;
export type EmojiName = keyof typeof EMOJI;

/**
 * How a platform marks up people, times, emphasis, emoji and commands (Slack mrkdwn, Teams
 * markdown). Every sentence jitbot says is written once in chat/words against this, and
 * each platform renders it through its own markup, so Slack and Teams cannot drift apart.
 */
export interface Markup {
  /** Text a person or a cloud API supplied (a reason, an error): shown as it is, never as markup. */
  text(text: string): string;
  user(id: string): string;
  group(id: string): string;
  when(date: Date): string;
  bold(text: string): string;
  code(text: string): string;
  emoji(name: EmojiName): string;
  /** A link whose text is ours (a console sign-in): `url` and `text` never come from people. */
  link(url: string, text: string): string;
  /** A jitbot command as the reader types it on this platform (`/jit revoke R-1` in Slack, `revoke R-1` in Teams). */
  command(args: string): string;
}

/** Markup for logs and other plain-text places: names as ids, times as ISO, no emphasis. */
export const plainMarkup: Markup = {
  text: showHidden,
  user: (id) => id,
  group: (id) => id,
  when: (d) => d.toISOString(),
  bold: (t) => t,
  code: (t) => t,
  emoji: (name) => EMOJI[name],
  link: (url, text) => `${text}: ${url}`,
  command: (args) => `/jit ${args}`,
};
