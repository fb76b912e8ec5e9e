import { createRoute, z } from '@hono/zod-openapi';
import { PRODUCT_CATEGORIES } from '../db/schema';
import { calendarDaySchema } from '../lib/calendar-day';
import { adminOnly } from '../admin';
import { errorResponses } from '../lib/errors';

const day = (name: 'from' | 'to', description: string) =>
  calendarDaySchema.optional().openapi({ param: { name, in: 'query' }, example: name === 'from' ? '2026-01-01' : '2026-12-31', description });

const placeId = (name: string, description: string) =>
  z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-z0-9-]+$/, 'Use the id as listed by the API (lower-case letters, digits, dashes)')
    .optional()
    .openapi({ param: { name, in: 'query' }, description });

/** The report's filters, shared by the API and the /impact page. */
export const impactQuerySchema = z
  .object({
    from: day('from', 'First Shanghai calendar day included'),
    to: day('to', 'Last Shanghai calendar day included'),
    district: placeId('district', 'Shanghai district id, e.g. baoshan'),
    county: placeId('county', 'County id, e.g. huize'),
    category: z
      .enum(PRODUCT_CATEGORIES)
      .optional()
      .openapi({ param: { name: 'category', in: 'query' }, description: 'Product category' }),
    format: z
      .enum(['json', 'csv'])
      .optional()
      .openapi({ param: { name: 'format', in: 'query' }, description: 'csv: same as Accept: text/csv' }),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], message: 'Must not be before from' });

const figures = {
  salesFen: z.number().int().openapi({ description: 'Goods sold minus the goods share of refunds, in fen' }),
  refundsFen: z.number().int(),
  orders: z.number().int().openapi({ description: 'Cooperative orders (per category in byCategory or under a category filter)' }),
  households: z.number().int().openapi({ description: 'Households benefited by the cooperatives with net sales' }),
  cooperatives: z.number().int(),
};
const names = { nameZh: z.string(), nameEn: z.string() };

export const impactReportSchema = z
  .object({
    filter: z.object({
      from: z.string().nullable(),
      to: z.string().nullable(),
      district: z.string().nullable(),
      county: z.string().nullable(),
      category: z.enum(PRODUCT_CATEGORIES).nullable(),
    }),
    totals: z.object(figures),
    byCounty: z.array(z.object({ countyId: z.string(), districtId: z.string().nullable(), ...names, ...figures })),
    byDistrict: z.array(z.object({ districtId: z.string().nullable(), ...names, ...figures })),
    byCategory: z.array(z.object({ category: z.string(), ...names, ...figures })),
    byMonth: z.array(z.object({ month: z.string().openapi({ example: '2026-03' }), ...names, ...figures })),
  })
  .openapi('ImpactReport');

export const getImpact = createRoute({
  method: 'get',
  path: '/impact',
  tags: ['Impact'],
  summary: 'Paid sales net of refunds by county, district, category and month',
  description:
    'Reads the sales_daily rollup. `Accept: text/csv` or `format=csv` returns one CSV table with a `dimension` column (total, county, district, category, month) and the same numbers as the JSON.',
  request: { query: impactQuerySchema },
  responses: {
    200: {
      description: 'The report',
      content: {
        'application/json': { schema: impactReportSchema },
        'text/csv': { schema: z.string() },
      },
    },
    400: errorResponses[400],
  },
});

export const rebuildImpact = createRoute({
  method: 'post',
  path: '/admin/impact/rebuild',
  tags: ['Impact', 'Admin'],
  middleware: [adminOnly] as const,
  summary: 'Rebuild the sales_daily rollup from orders, payments and refunds (admin, audited)',
  responses: {
    200: {
      description: 'The rollup before and after',
      content: {
        'application/json': {
          schema: z.object({
            before: z.object({ rows: z.number().int(), salesFen: z.number().int(), refundsFen: z.number().int() }),
            after: z.object({ rows: z.number().int(), salesFen: z.number().int(), refundsFen: z.number().int() }),
          }),
        },
      },
    },
    401: errorResponses[401],
    403: errorResponses[403],
  },
});
