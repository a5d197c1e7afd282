import type { Platform } from '../../../access/model';
import type { Role } from '../../../access/policy';
import { platformOfAccountId, SLACK_GROUP_ID } from '../../../lib/ids';
import { showHidden } from '../../../lib/text';
import { EMOJI, type Markup } from '../../words/markup';
import { breakGlassMarker } from '../../words/status';

/**
 * Text a person or a cloud API supplied, as an Adaptive Card shows it literally: the
 * markdown Teams applies in TextBlocks and facts (emphasis, links, code, strikethrough,
 * lists and headings at a line's start) backslash-escaped, `{{…}}` broken apart so Teams
 * evaluates no DATE()/TIME() function in it, and invisible or direction-changing
 * characters shown (lib/text.ts). Every Teams renderer passes such text through this one
 * function.
 */
export function teamsText(text: string): string {
  return showHidden(text)
    .replace(/[\\`*_~[\]]/g, '\\$&')
    .replace(/^(\s*)([-+>#]|\d+\.)/gm, '$1\\$2')
    .replace(/\{\{/g, '{ {')
    .replace(/\}\}/g, '} }');
}

/**
 * A person as Teams text. Teams users are Entra object ids; people from Slack keep
 * their Slack id, marked as such (a request may be approved on the other platform).
 */
export function who(id: string, platform: Platform): string {
  return platform === 'slack' ? `Slack user ${teamsText(id)}` : `user ${teamsText(id)}`;
}

/** A person whose platform the text does not carry: Slack ids have their own shape (the policy checks it too). */
export function person(id: string): string {
  return who(id, platformOfAccountId(id));
}

/** Teams renders `{{DATE()}}`/`{{TIME()}}` in each reader's own time zone. */
export function when(date: Date): string {
  const iso = date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `{{DATE(${iso}, SHORT)}} {{TIME(${iso})}}`;
}

/** `2026-11-24 10:00 UTC`: a time where `{{DATE()}}` does not render (plain messages, notification summaries). */
export function utcTime(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The same text without `{{DATE()}}` functions (they only render inside cards): for notification summaries. */
export function plain(text: string): string {
  return text.replace(/\{\{DATE\(([^,]+), SHORT\)\}\} \{\{TIME\([^)]+\)\}\}/g, (_, iso: string) => utcTime(new Date(iso)));
}

/** Teams markdown for the shared wording (approval-words.ts). */
export const teamsMarkup: Markup = {
  text: teamsText,
  user: person,
  group: (id) => (SLACK_GROUP_ID.test(id) ? `Slack group ${teamsText(id)}` : `Entra group ${teamsText(id)}`),
  when,
  bold: (t) => `**${t}**`,
  code: (t) => `\`${t}\``,
  emoji: (name) => EMOJI[name],
  link: (url, text) => `[${text}](${url})`,
  command: (args) => args,
};
/** The same, for a plain text message (no card, so no `{{DATE()}}`). */
export const teamsTextMarkup: Markup = { ...teamsMarkup, when: utcTime };

/** The break-glass marker as Teams shows it. */
export const TEAMS_BREAK_GLASS_MARKER = breakGlassMarker(teamsMarkup);

export const SANDBOX_NOTE = '🧪 **SANDBOX** — no real cloud access is given or taken.';

export function sandboxNote(role: Role): string | undefined {
  return role.provider === 'sandbox' ? SANDBOX_NOTE : undefined;
}
