/**
 * Text that people or cloud APIs supplied (reasons, tickets, deny reasons, error
 * messages) is shown as text, never as markup. This is the platform-neutral half:
 * characters that change how the rest of a line reads — bidi controls (a right-to-left
 * override turns `gnp.exe` into `exe.png`), zero-width and other invisible format
 * characters, and control characters — are shown as `[U+202E]` so a reader sees that
 * something was there. Each platform escapes its own markup on top (Slack mrkdwn in
 * chat/slack/blocks/format.ts, Adaptive Cards in chat/teams/cards/format.ts).
 */

/**
 * Bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), marks
 * (U+200E, U+200F, U+061C), zero-width characters (U+200B–U+200D, U+2060–U+2064,
 * U+FEFF), the soft hyphen and the Mongolian vowel separator, and C0/C1 controls other
 * than tab and newline.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const HIDDEN = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

/** `text` cut to at most `max` characters, ending in a visible "…" when it was cut. */
export function cutVisibly(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** `text` with every invisible or direction-changing character shown as `[U+XXXX]`. */
export function showHidden(text: string): string {
  return text.replace(HIDDEN, (c) => `[U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`);
}
