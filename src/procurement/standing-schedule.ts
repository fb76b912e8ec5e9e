import type { StandingCadence } from '../db/schema';

/**
 * Schedule arithmetic of standing orders, on Shanghai calendar days ('YYYY-MM-DD'). Shanghai has no
 * daylight saving, so a calendar day is handled as a UTC date: no instant, no time zone library.
 * A monthly day past a month's end (29–31) falls on that month's last day, so "the 31st" is
 * 28 or 29 February and 30 April, never skipped and never moved into the next month.
 */

export type Schedule = { cadence: StandingCadence; weekdays: number[] | null; monthDay: number | null };

const DAY_MS = 86_400_000;

function utcOf(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

export function addDays(day: string, days: number): string {
  return new Date(utcOf(day) + days * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday: 1 Monday … 7 Sunday. */
export function isoWeekday(day: string): number {
  const weekday = new Date(utcOf(day)).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function occursOn(schedule: Schedule, day: string): boolean {
  if (schedule.cadence === 'weekly') return (schedule.weekdays ?? []).includes(isoWeekday(day));
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return date === Math.min(schedule.monthDay ?? 0, daysInMonth(year, month));
}

/** The scheduled days from `from` to `to`, both inclusive, in order (empty when to < from). */
export function occurrencesBetween(schedule: Schedule, from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) if (occursOn(schedule, day)) days.push(day);
  return days;
}

/** The next `count` scheduled days on or after `from`, not after `until` (inclusive) when given. */
export function nextOccurrences(schedule: Schedule, from: string, count: number, until: string | null): string[] {
  const days: string[] = [];
  // A monthly schedule occurs once a month, so 31 days × count always reaches `count` days.
  const horizon = addDays(from, 31 * count);
  const last = until && until < horizon ? until : horizon;
  for (let day = from; day <= last && days.length < count; day = addDays(day, 1)) if (occursOn(schedule, day)) days.push(day);
  return days;
}
