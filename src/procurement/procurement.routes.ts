import { createRoute, z } from '@hono/zod-openapi';
import { adminOnly, signedIn } from '../accounts';
import { APPROVAL_STATUSES, DELIVERY_METHODS, INVOICE_STATUSES } from '../db/schema';
import { errorResponses } from '../lib/errors';
import { cursorSchema, limitSchema, pageSchema } from '../lib/pagination';
import { idempotencyKeySchema } from '../lib/idempotency';
import {
  approvalParams,
  approvalSchema,
  approvedSchema,
  approveSchema,
  bulkPlacedSchema,
  bulkReportSchema,
  bulkRequestSchema,
  consumptionSchema,
  createPriceListEntrySchema,
  creditSchema,
  fapiaoRequestSchema,
  fapiaoSchema,
  idParams,
  invoiceSchema,
  organizationParams,
  priceListEntrySchema,
  rejectApprovalSchema,
  reviseApprovalSchema,
  updatePriceListEntrySchema,
} from './procurement.schemas';

const json = <T extends z.ZodTypeAny>(schema: T) => ({ 'application/json': { schema } });
const security = [{ bearerAuth: [] }];
/** A signed-in user (401 before input validation); admin routes an admin (403). */
const user = { security, middleware: signedIn };
const admin = { security, middleware: adminOnly };

// ----- price lists (admin) ---------------------------------------------------------------------------

const priceTags = ['Price lists (admin)'];

export const listPriceLists = createRoute({
  method: 'get',
  path: '/admin/price-lists',
  tags: priceTags,
  ...admin,
  summary: 'Negotiated prices, newest first',
  request: {
    query: z.object({
      organizationId: z.string().max(64).optional().openapi({ param: { name: 'organizationId', in: 'query' } }),
      productId: z.string().max(64).optional().openapi({ param: { name: 'productId', in: 'query' } }),
      limit: limitSchema,
      cursor: cursorSchema,
    }),
  },
  responses: { 200: { description: 'A page of entries', content: json(pageSchema(priceListEntrySchema)) }, ...errorResponses },
});

export const createPriceList = createRoute({
  method: 'post',
  path: '/admin/price-lists',
  tags: priceTags,
  ...admin,
  summary: 'Give a buyer organisation a negotiated price for a product',
  description:
    'Valid from `validFrom` (inclusive) until `validTo` (exclusive; null = open-ended). While valid it replaces list and tier prices for that organisation everywhere (cart, checkout, POST /orders, quotes, bulk orders); minimum order and step still apply. Where entries overlap, the latest `validFrom` wins. Audited.',
  request: { body: { required: true, content: json(createPriceListEntrySchema) } },
  responses: { 201: { description: 'The entry', content: json(priceListEntrySchema) }, ...errorResponses },
});

export const getPriceList = createRoute({
  method: 'get',
  path: '/admin/price-lists/{id}',
  tags: priceTags,
  ...admin,
  summary: 'One negotiated price',
  request: { params: idParams },
  responses: { 200: { description: 'The entry', content: json(priceListEntrySchema) }, ...errorResponses },
});

export const updatePriceList = createRoute({
  method: 'patch',
  path: '/admin/price-lists/{id}',
  tags: priceTags,
  ...admin,
  summary: 'Change a negotiated price or its validity (audited)',
  request: { params: idParams, body: { required: true, content: json(updatePriceListEntrySchema) } },
  responses: { 200: { description: 'The entry', content: json(priceListEntrySchema) }, ...errorResponses },
});

export const deletePriceList = createRoute({
  method: 'delete',
  path: '/admin/price-lists/{id}',
  tags: priceTags,
  ...admin,
  summary: 'Remove a negotiated price (audited)',
  request: { params: idParams },
  responses: { 204: { description: 'Removed' }, ...errorResponses },
});

// ----- bulk orders -----------------------------------------------------------------------------------

export const bulkOrder = createRoute({
  method: 'post',
  path: '/orders/bulk',
  tags: ['Orders'],
  ...user,
  summary: 'Bulk order from a CSV: preview, or place',
  description: [
    'An institution’s CSV: a header naming a SKU column (`sku`, `商品编码`, `编号`, `货号`) and a quantity column (`quantity`, `数量`), then one line per product; UTF-8 with or without BOM; blank lines ignored; up to 5,000 lines. A file without those columns, not UTF-8, or malformed is a 400 naming the problem.',
    '`mode=preview` (default) answers a per-line report — `status` ok | unknown_sku | below_moq | off_step | short_stock | unavailable | invalid_quantity | duplicate, the unit price applied and its source (list, tier, negotiated), the line total, a suggested quantity — and totals of the ok lines. Duplicate SKUs are reported, not merged: the first line counts.',
    '`mode=place` places the ok lines as ONE order through the same service as POST /orders (delivery, contact, paymentMethod required; credit limit, purchaser approval and Idempotency-Key as there): 201 with the order, or 202 with the approval it waits for. Send JSON `{ organizationId, csv, … }`, or for a preview the raw file as `text/csv` with `?organizationId=`.',
  ].join('\n\n'),
  request: {
    query: z.object({
      mode: z.enum(['preview', 'place']).default('preview').openapi({ param: { name: 'mode', in: 'query' } }),
      organizationId: z.string().min(1).max(64).optional().openapi({ param: { name: 'organizationId', in: 'query' }, description: 'For a text/csv body' }),
      deliveryMethod: z.enum(DELIVERY_METHODS).optional().openapi({ param: { name: 'deliveryMethod', in: 'query' }, description: 'For a text/csv preview: how to estimate shipping' }),
    }),
    headers: z.object({ 'idempotency-key': idempotencyKeySchema }),
    body: { required: false, content: { ...json(bulkRequestSchema), 'text/csv': { schema: z.string() } } },
  },
  responses: {
    200: { description: 'Preview: the per-line report', content: json(bulkReportSchema) },
    201: { description: 'Placed: the order and the report', content: json(bulkPlacedSchema) },
    202: { description: 'Above the purchaser’s per-order limit: waiting for the owner', content: json(bulkPlacedSchema) },
    413: { description: 'More than 5,000 lines or 1 MiB', content: errorResponses[400].content },
    ...errorResponses,
  },
});

// ----- approvals -------------------------------------------------------------------------------------

const approvalTags = ['Purchase approvals'];

export const listApprovals = createRoute({
  method: 'get',
  path: '/organizations/{id}/approvals',
  tags: approvalTags,
  ...user,
  summary: 'Purchases waiting for (or decided by) the owner',
  description: 'Owners see every request of the organisation; a purchaser sees their own.',
  request: {
    params: organizationParams,
    query: z.object({
      status: z.enum(APPROVAL_STATUSES).optional().openapi({ param: { name: 'status', in: 'query' } }),
      limit: limitSchema,
      cursor: cursorSchema,
    }),
  },
  responses: { 200: { description: 'Newest first', content: json(pageSchema(approvalSchema)) }, ...errorResponses },
});

export const getApproval = createRoute({
  method: 'get',
  path: '/organizations/{id}/approvals/{approvalId}',
  tags: approvalTags,
  ...user,
  summary: 'One purchase approval',
  request: { params: approvalParams },
  responses: { 200: { description: 'The approval', content: json(approvalSchema) }, ...errorResponses },
});

export const approve = createRoute({
  method: 'post',
  path: '/organizations/{id}/approvals/{approvalId}/approve',
  tags: approvalTags,
  ...user,
  summary: 'Owner approves: the order is placed now',
  description:
    'Only an owner of the organisation. The stored request is placed as the purchaser who asked: prices recomputed, stock and credit checked now (409/422 as for POST /orders; the request stays pending). Deciding twice is a 409. Audited.',
  request: { params: approvalParams, body: { required: false, content: json(approveSchema) } },
  responses: { 200: { description: 'The approval and the order placed', content: json(approvedSchema) }, ...errorResponses },
});

export const revise = createRoute({
  method: 'patch',
  path: '/organizations/{id}/approvals/{approvalId}',
  tags: approvalTags,
  ...user,
  summary: 'The purchaser changes the lines of their pending request',
  description:
    'Only the purchaser who asked, while it is pending (else 409; someone else’s is a 404). The lines are priced again now by the ordinary rules (422 per line, nothing written), the total recomputed and the revision bumped; the request still waits for an owner, who is told. Audited with both versions.',
  request: { params: approvalParams, body: { required: true, content: json(reviseApprovalSchema) } },
  responses: { 200: { description: 'The changed request', content: json(approvalSchema) }, ...errorResponses },
});

export const withdraw = createRoute({
  method: 'post',
  path: '/organizations/{id}/approvals/{approvalId}/withdraw',
  tags: approvalTags,
  ...user,
  summary: 'The purchaser withdraws their pending request',
  description: 'Only the purchaser who asked, while it is pending (else 409; someone else’s is a 404). A standing-order occurrence waiting on it is dismissed. Audited; the owners are told.',
  request: { params: approvalParams },
  responses: { 200: { description: 'The withdrawn request', content: json(approvalSchema) }, ...errorResponses },
});

export const reject = createRoute({
  method: 'post',
  path: '/organizations/{id}/approvals/{approvalId}/reject',
  tags: approvalTags,
  ...user,
  summary: 'Owner rejects, with a reason',
  request: { params: approvalParams, body: { required: true, content: json(rejectApprovalSchema) } },
  responses: { 200: { description: 'The rejected approval', content: json(approvalSchema) }, ...errorResponses },
});

// ----- invoices, credit, fapiao ----------------------------------------------------------------------

const invoiceTags = ['Invoices'];

export const listInvoices = createRoute({
  method: 'get',
  path: '/organizations/{id}/invoices',
  tags: invoiceTags,
  ...user,
  summary: 'The organisation’s orders on invoice terms, with due dates',
  request: {
    params: organizationParams,
    query: z.object({
      status: z.enum(INVOICE_STATUSES).optional().openapi({ param: { name: 'status', in: 'query' } }),
      limit: limitSchema,
      cursor: cursorSchema,
    }),
  },
  responses: { 200: { description: 'Newest first', content: json(pageSchema(invoiceSchema)) }, ...errorResponses },
});

export const credit = createRoute({
  method: 'get',
  path: '/organizations/{id}/credit',
  tags: invoiceTags,
  ...user,
  summary: 'Invoice credit: limit, outstanding (open + overdue invoices), available',
  request: { params: organizationParams },
  responses: { 200: { description: 'The credit position', content: json(creditSchema) }, ...errorResponses },
});

export const requestFapiao = createRoute({
  method: 'post',
  path: '/orders/{id}/fapiao',
  tags: invoiceTags,
  ...user,
  summary: 'Ask the platform for the fapiao (发票) of an organisation’s order',
  description: 'Members of the buyer organisation. Once per order: a second request is a 409 (the platform corrects a title by hand), so no sale is invoiced twice.',
  request: { params: idParams, body: { required: true, content: json(fapiaoRequestSchema) } },
  responses: { 201: { description: 'The request as stored', content: json(fapiaoSchema) }, ...errorResponses },
});

// ----- consumption -----------------------------------------------------------------------------------

export const consumption = createRoute({
  method: 'get',
  path: '/organizations/{id}/consumption',
  tags: ['Consumption-assistance target'],
  ...user,
  summary: 'Progress toward the yearly consumption-assistance target, by county and month',
  description:
    'What counts: the organisation’s orders that are paid, invoiced or fulfilled, by the Shanghai year they were placed, goods net of refunds (shipping not counted); plus the group buys it organised that succeeded, by the year they closed, items of participants who paid or picked up, net of refunds. `Accept: text/csv` or `format=csv` for the annual report.',
  request: {
    params: organizationParams,
    query: z.object({
      year: z.coerce.number().int().min(2000).max(2100).optional().openapi({ param: { name: 'year', in: 'query' }, description: 'Defaults to the current Shanghai year' }),
      format: z.enum(['json', 'csv']).optional().openapi({ param: { name: 'format', in: 'query' } }),
    }),
  },
  responses: {
    200: { description: 'The year’s ledger', content: { ...json(consumptionSchema), 'text/csv': { schema: z.string() } } },
    ...errorResponses,
  },
});
