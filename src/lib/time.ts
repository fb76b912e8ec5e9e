/** Shanghai is UTC+8 all year (no daylight saving), so calendar days are a fixed offset. */
export const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/** 'YYYY-MM-DD' of an instant in Asia/Shanghai. */
export function shanghaiDay(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** 'YYYY-MM' of an instant in Asia/Shanghai. */
export function shanghaiMonth(ms: number): string {
  return shanghaiDay(ms).slice(0, 7);
}

/** The instant a Shanghai calendar day ('YYYY-MM-DD') starts. */
export function startOfShanghaiDay(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`) - SHANGHAI_OFFSET_MS;
}

/** 'YYYY-MM-DD HH:mm' of an instant in Asia/Shanghai, the way pages print dates and times. */
export function shanghaiDateTime(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

export const DAY_MS = 24 * 60 * 60 * 1000;
