import parseDuration from 'parse-duration';
import { z } from 'zod';

/**
 * Durations are written as compact unit runs (`30m`, `1h`, `1h30m`, `90m`, `2d`, `45s`) or
 * spelled out, one whole number and one unit word (`3 hours`, `90 minutes`, `90min`).
 * The shape check is ours (so `-1h`, `1.5h` and `1e3m` are refused with a clear message);
 * the arithmetic is parse-duration's.
 */
const DURATION_SHAPE = /^(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?$/;
const SPELLED_SHAPE = /^(\d+)\s*([a-z]+)$/;
const UNIT_WORDS: Record<string, 'd' | 'h' | 'm' | 's'> = {
  d: 'd',
  day: 'd',
  days: 'd',
  h: 'h',
  hr: 'h',
  hrs: 'h',
  hour: 'h',
  hours: 'h',
  m: 'm',
  min: 'm',
  mins: 'm',
  minute: 'm',
  minutes: 'm',
  s: 's',
  sec: 's',
  secs: 's',
  second: 's',
  seconds: 's',
};

/** What people are told durations look like (commands, forms, errors). */
export const DURATION_FORMS = '30m, 1h, 1h30m or 2d (also "3 hours", "90 minutes")';

/** The compact form of a duration as typed, or null when it is not one. */
function compactForm(text: string): string | null {
  const lower = text.trim().toLowerCase();
  if (lower.length > 0 && DURATION_SHAPE.test(lower)) return lower;
  const spelled = SPELLED_SHAPE.exec(lower);
  const unit = spelled && UNIT_WORDS[spelled[2]!];
  return unit ? `${spelled![1]}${unit}` : null;
}

/** Milliseconds for a duration string, or null when it is not one (or is zero). */
export function parseDurationMs(text: string): number | null {
  const compact = compactForm(text);
  if (compact === null) return null;
  const ms = parseDuration(compact);
  return ms && ms > 0 ? ms : null;
}

/**
 * A word that starts like a number (`1.5h`, `-5m`, `1e3m`, `3`, `+2h`): in the duration's
 * place it is taken for a try at one, never silently as the first word of a reason.
 */
export function looksNumeric(word: string): boolean {
  // A quoted phrase ("3 servers are down") is a reason, whatever it starts with.
  return /^[+-]?\.?\d/.test(word) && !/\s/.test(word);
}

/** Human form for messages: `1h 30m`, `45s`, `2d 3h`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return '0s';
  const units: Array<[string, number]> = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
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
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration (use forms like ${DURATION_FORMS})` });
    return z.NEVER;
  }
  return ms;
});
