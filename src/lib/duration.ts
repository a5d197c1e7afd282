import parseDuration from 'parse-duration';
import { z } from 'zod';

/**
 * Durations are written as compact unit runs: `30m`, `1h`, `1h30m`, `90m`, `2d`, `45s`.
 * The shape check is ours (so `1 hour`, `-1h` and `1.5h` are refused with a clear
 * message); the arithmetic is parse-duration's.
 */
const DURATION_SHAPE = /^(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?$/;

export function looksLikeDuration(text: string): boolean {
  return text.length > 0 && DURATION_SHAPE.test(text.toLowerCase());
}

/** Milliseconds for a duration string, or null when it is not one (or is zero). */
export function parseDurationMs(text: string): number | null {
  if (!looksLikeDuration(text)) return null;
  const ms = parseDuration(text.toLowerCase());
  return ms && ms > 0 ? ms : null;
}

/** Human form for messages: `1h 30m`, `45s`, `2d 3h`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return '0s';
  const units: Array<[string, number]> = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]];
  const parts: string[] = [];
  let rest = Math.round(ms / 1000) * 1000;
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join(' ');
}

/** zod field for a duration string; the parsed value is milliseconds. */
export const durationField = z.string().transform((text, ctx) => {
  const ms = parseDurationMs(text);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration (use forms like 30m, 1h, 1h30m)` });
    return z.NEVER;
  }
  return ms;
});
