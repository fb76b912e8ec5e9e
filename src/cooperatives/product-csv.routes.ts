import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses } from '../lib/errors';

const tags = ['Cooperative portal'];

const rowReport = z.object({
  line: z.number().int(),
  sku: z.string(),
  action: z.enum(['create', 'update', 'error']),
  productId: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })),
});

export const importReportSchema = z
  .object({ applied: z.boolean(), created: z.number().int(), updated: z.number().int(), rows: z.array(rowReport) })
  .openapi('ProductImportReport');

export const importProducts = createRoute({
  method: 'post',
  path: '/products/import',
  tags,
  summary: 'Create or update products by SKU from CSV (all rows or none)',
  description:
    'UTF-8 CSV, with or without BOM. Headers are API field names (as in the export) or Chinese headings (货号, 中文名称, 单价(元), 阶梯价 "10:62.80;50:58.80", 库存 …). Empty cells leave a field unchanged on update. A 422 problem lists every bad cell in `errors` and the per-row report in `rows`; nothing is applied.',
  request: {
    query: z.object({
      cooperativeId: z.string().min(1).max(80),
      dryRun: z.enum(['true', 'false']).optional().openapi({ description: 'Validate only' }),
    }),
    body: { content: { 'text/csv': { schema: { type: 'string' } } }, required: true },
  },
  responses: { 200: { content: { 'application/json': { schema: importReportSchema } }, description: 'What was (or would be) created and updated' }, ...errorResponses },
});

export const exportProducts = createRoute({
  method: 'get',
  path: '/products/export',
  tags,
  summary: "A cooperative's products as CSV (the import's format)",
  request: {
    query: z.object({
      cooperativeId: z.string().min(1).max(80),
      headers: z.enum(['en', 'zh']).default('en').openapi({ description: 'Column headings: API field names or Chinese' }),
    }),
  },
  responses: { 200: { content: { 'text/csv': { schema: { type: 'string' } } }, description: 'CSV with BOM' }, ...errorResponses },
});
