import { z } from '@hono/zod-openapi';

/** True for a real 'YYYY-MM-DD' date (rejects 2026-02-30 and 2026-13-01). */
export function isCalendarDay(value: string): boolean {
  const ms = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === value;
}

/** A calendar day as 'YYYY-MM-DD' (query filters by Shanghai day). */
export const calendarDaySchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date as YYYY-MM-DD').refine(isCalendarDay, 'Not a calendar day');
