import { z } from '@hono/zod-openapi';
import { DAY_MS, shanghaiDay, startOfShanghaiDay } from './time';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * An instant given as epoch milliseconds or a Shanghai calendar day. As the end of a range a day
 * is inclusive (`to=2026-03-31` covers all of 31 March), so it becomes the start of the next day;
 * milliseconds are taken as given (exclusive end).
 */
export function instantSchema(edge: 'start' | 'end') {
  return z
    .union([z.number().int().min(0), z.string().regex(/^\d{1,15}$/), z.string().regex(DAY)])
    .transform((value, ctx) => {
      if (typeof value === 'number') return value;
      if (!DAY.test(value)) return Number(value);
      const start = startOfShanghaiDay(value);
      if (Number.isNaN(start) || shanghaiDay(start) !== value) {
        ctx.addIssue({ code: 'custom', message: 'Not a calendar date' });
        return z.NEVER;
      }
      return edge === 'end' ? start + DAY_MS : start;
    })
    .openapi({ type: 'string', description: `Epoch ms or YYYY-MM-DD (Asia/Shanghai${edge === 'end' ? '; a day is included' : ''})`, example: edge === 'end' ? '2026-03-31' : '2026-03-01' });
}
