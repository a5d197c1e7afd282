import { DateTime } from 'luxon';
import type { BusinessHours } from '../../access/policy/digest';

/** Day arithmetic in the digest's IANA time zone (DST-safe through luxon). */

export const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** `[start, end)` of a calendar day (`2026-11-24`) in `zone`; 23 or 25 hours long on DST days. */
export function dayWindow(day: string, zone: string): { start: Date; end: Date } {
  const start = DateTime.fromISO(day, { zone }).startOf('day');
  if (!start.isValid) throw new Error(`"${day}" is not a calendar day`);
  return { start: start.toJSDate(), end: start.plus({ days: 1 }).toJSDate() };
}

/** The calendar day of an instant in `zone`, offset by `deltaDays` (-1 = yesterday). */
export function dayOf(at: Date, zone: string, deltaDays = 0): string {
  return DateTime.fromJSDate(at, { zone }).plus({ days: deltaDays }).toISODate()!;
}

/** `14:05` in `zone`. */
export function clockTime(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat('HH:mm');
}

/** `Sat 23:10` in `zone`. */
export function weekdayTime(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat('ccc HH:mm');
}

export function withinBusinessHours(at: Date, zone: string, hours: BusinessHours): boolean {
  const local = DateTime.fromJSDate(at, { zone });
  const minute = local.hour * 60 + local.minute;
  return hours.days.includes(local.weekday) && minute >= hours.start && minute < hours.end;
}

const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** `mon,tue,wed,thu,fri 08:00–18:00`, for explanations. */
export function describeBusinessHours(hours: BusinessHours): string {
  return `${hours.days.map((d) => DAY_NAMES[d - 1]).join(',')} ${hhmm(hours.start)}–${hhmm(hours.end)}`;
}
