import { cutVisibly } from '../../../lib/text';

/**
 * Slack's Block Kit limits (a message or view past them is refused whole, and the person
 * is told nothing): at most 50 blocks in a message, 100 in a view, 3,000 characters in a
 * section's text. Lists show what fits and say how many did not.
 */
export const SLACK_LIMITS = { messageBlocks: 50, viewBlocks: 100, sectionText: 3000 } as const;

/** Text cut to what one section holds, with a visible "…". */
export function sectionText(text: string): string {
  return cutVisibly(text, SLACK_LIMITS.sectionText);
}

/** The first items whose blocks fit in `room` blocks (`blocksEach` per item), and how many did not. */
export function fitting<T>(items: T[], blocksEach: number, room: number): { shown: T[]; more: number } {
  const shown = items.slice(0, Math.max(0, Math.floor(room / blocksEach)));
  return { shown, more: items.length - shown.length };
}

/** Lines packed into as few section texts as hold them (a line longer than a section is cut). */
export function packedSections(lines: string[], max: number = SLACK_LIMITS.sectionText - 200): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const last = out.at(-1);
    if (last !== undefined && last.length + line.length + 1 <= max) out[out.length - 1] = `${last}\n${line}`;
    else out.push(cutVisibly(line, max));
  }
  return out;
}
