/** SMS quiet hours, Shanghai time (UTC+8, no daylight saving): 21:00 to 08:00. Codes ignore them. */
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

export function isQuietHour(now: number): boolean {
  const hour = new Date(now + SHANGHAI_OFFSET_MS).getUTCHours();
  return hour >= 21 || hour < 8;
}

/** Milliseconds until the next 08:00 in Shanghai (0 outside quiet hours). */
export function untilQuietHoursEnd(now: number): number {
  if (!isQuietHour(now)) return 0;
  const local = now + SHANGHAI_OFFSET_MS;
  const dayStart = local - (local % DAY_MS);
  const eight = dayStart + 8 * HOUR_MS;
  const next = local < eight ? eight : eight + DAY_MS;
  return next - local;
}
