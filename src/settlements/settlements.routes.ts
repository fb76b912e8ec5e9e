import { createRoute, z } from '@hono/zod-openapi';
import { SETTLEMENT_STATUSES } from '../db/schema';
import { errorResponses } from '../lib/errors';
import { cursorSchema, limitSchema, pageSchema } from '../lib/pagination';
import { instantSchema } from '../lib/period';
import { settingsSchema } from './settings.service';

const tags = ['Settlements'];

export const settlementSchema = z
  .object({
    id: z.string(),
    cooperativeId: z.string(),
    cooperativeName: z.string().optional(),
    periodStart: z.number().int(),
    periodEnd: z.number().int().openapi({ description: 'Exclusive' }),
    grossFen: z.number().int(),
    refundsFen: z.number().int(),
    feeFen: z.number().int(),
    commissionFen: z.number().int(),
    netFen: z.number().int(),
    feeRateBp: z.number().int(),
    commissionRateBp: z.number().int(),
    status: z.enum(SETTLEMENT_STATUSES),
    bankReference: z.string().nullable(),
    paidAt: z.number().int().nullable(),
    createdAt: z.number().int(),
  })
  .openapi('Settlement');

export const settlementLineSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['sale', 'refund', 'fee', 'commission']),
    shipmentId: z.string().nullable(),
    refundId: z.string().nullable(),
    beneficiaryOrganizationId: z.string().nullable(),
    amountFen: z.number().int().openapi({ description: 'Signed: sales positive, deductions negative; the lines add up to netFen' }),
    description: z.string(),
  })
  .openapi('SettlementLine');

const idParam = z.object({ id: z.string().min(1).max(90).openapi({ param: { name: 'id', in: 'path' }, description: 'Append .csv for the lines as CSV' }) });

export const generate = createRoute({
  method: 'post',
  path: '/admin/settlements',
  tags,
  summary: 'Generate statements for a period that has ended (admin)',
  description: 'One statement per cooperative with unsettled deliveries or refunds in [periodStart, periodEnd). A YYYY-MM-DD periodEnd includes that day. Regenerating skips cooperatives that already have a statement for the period and never counts a shipment or refund share twice.',
  request: {
    body: {
      content: { 'application/json': { schema: z.object({ periodStart: instantSchema('start'), periodEnd: instantSchema('end') }).strict() } },
      required: true,
    },
  },
  responses: {
    201: { content: { 'application/json': { schema: z.object({ items: z.array(settlementSchema), skippedCooperativeIds: z.array(z.string()) }) } }, description: 'The statements created' },
    ...errorResponses,
  },
});

export const markPaid = createRoute({
  method: 'post',
  path: '/admin/settlements/{id}/paid',
  tags,
  summary: 'Record the payout of a statement (admin; 409 if already paid)',
  request: {
    params: idParam,
    body: { content: { 'application/json': { schema: z.object({ bankReference: z.string().trim().min(4).max(80) }).strict() } }, required: true },
  },
  responses: { 200: { content: { 'application/json': { schema: settlementSchema } }, description: 'The paid statement' }, ...errorResponses },
});

export const list = createRoute({
  method: 'get',
  path: '/settlements',
  tags,
  summary: "Statements: a cooperative's own (its staff), or all (admin)",
  request: {
    query: z.object({ cooperativeId: z.string().max(80).optional(), status: z.enum(SETTLEMENT_STATUSES).optional(), limit: limitSchema, cursor: cursorSchema }),
  },
  responses: { 200: { content: { 'application/json': { schema: pageSchema(settlementSchema) } }, description: 'Newest period first' }, ...errorResponses },
});

export const get = createRoute({
  method: 'get',
  path: '/settlements/{id}',
  tags,
  summary: 'One statement with every line (JSON, or text/csv by Accept or a .csv suffix)',
  request: { params: idParam },
  responses: {
    200: {
      content: {
        'application/json': { schema: settlementSchema.extend({ lines: z.array(settlementLineSchema) }) },
        'text/csv': { schema: { type: 'string' } },
      },
      description: 'The statement',
    },
    ...errorResponses,
  },
});

export const getSettings = createRoute({
  method: 'get',
  path: '/admin/settings',
  tags,
  summary: 'Platform fee, pickup commission and receipt settings (admin)',
  responses: { 200: { content: { 'application/json': { schema: settingsSchema } }, description: 'Current settings' }, ...errorResponses },
});

export const updateSettings = createRoute({
  method: 'patch',
  path: '/admin/settings',
  tags,
  summary: 'Change platform settings (admin, audited)',
  request: { body: { content: { 'application/json': { schema: settingsSchema.partial().strict() } }, required: true } },
  responses: { 200: { content: { 'application/json': { schema: settingsSchema } }, description: 'Settings after the change' }, ...errorResponses },
});
