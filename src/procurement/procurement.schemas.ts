import { z } from '@hono/zod-openapi';
import { APPROVAL_STATUSES, DELIVERY_METHODS, INVOICE_STATUSES, ORDER_STATUSES, PAYMENT_METHODS } from '../db/schema';
import { approvalSchema, contactSchema, createOrderSchema, deliverySchema, orderItemSchema, orderSchema, type ApprovalView } from '../orders';

export { approvalSchema, type ApprovalView };
import { textField } from '../lib/text';

/** Request and response shapes of the procurement API (the OpenAPI document is generated from these). */

const MAX_FEN = 1_000_000_000_000;
const fen = z.number().int().min(1).max(MAX_FEN);
const instant = z.number().int().min(0).max(8_640_000_000_000).openapi({ description: 'Milliseconds since the epoch' });

export const organizationParams = z.object({
  id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' }, example: 'org_baoshan_canteen' }),
});
export const approvalParams = organizationParams.extend({
  approvalId: z.string().min(1).max(64).openapi({ param: { name: 'approvalId', in: 'path' }, example: 'apr_x' }),
});
export const idParams = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) });

// ----- price lists -----------------------------------------------------------------------------------

export const priceListEntrySchema = z
  .object({
    id: z.string(),
    organizationId: z.string(),
    organizationName: z.string(),
    productId: z.string(),
    sku: z.string(),
    productNameZh: z.string(),
    productNameEn: z.string(),
    listUnitPriceFen: z.number().int(),
    unitPriceFen: z.number().int(),
    validFrom: z.number().int(),
    validTo: z.number().int().nullable().openapi({ description: 'Exclusive; null = open-ended' }),
    createdByUserId: z.string().nullable(),
    createdAt: z.number().int(),
  })
  .openapi('PriceListEntry');
export type PriceListEntryView = z.infer<typeof priceListEntrySchema>;

export const createPriceListEntrySchema = z
  .object({
    organizationId: z.string().min(1).max(64),
    productId: z.string().min(1).max(64).optional(),
    sku: z.string().trim().min(1).max(64).optional().openapi({ description: 'Instead of productId' }),
    unitPriceFen: fen,
    validFrom: instant.openapi({ description: 'Inclusive start (ms)' }),
    validTo: instant.nullable().optional().openapi({ description: 'Exclusive end (ms); null or absent = open-ended' }),
  })
  .strict()
  .refine((v) => (v.productId === undefined) !== (v.sku === undefined), { message: 'Give productId or sku (one of them)', path: ['productId'] })
  .openapi('CreatePriceListEntry');
export type CreatePriceListEntryInput = z.infer<typeof createPriceListEntrySchema>;

export const updatePriceListEntrySchema = z
  .object({ unitPriceFen: fen.optional(), validFrom: instant.optional(), validTo: instant.nullable().optional() })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'Give unitPriceFen, validFrom or validTo' })
  .openapi('UpdatePriceListEntry');
export type UpdatePriceListEntryInput = z.infer<typeof updatePriceListEntrySchema>;

// ----- approvals -------------------------------------------------------------------------------------

export const rejectApprovalSchema = z.object({ reason: textField({ min: 1, max: 500, multiline: true }) }).strict().openapi('RejectApproval');

export const approveSchema = z
  .object({ revision: z.number().int().min(0).optional().openapi({ description: 'The revision the owner looked at; a request changed since is a 409 (rule approval_revised)' }) })
  .strict()
  .openapi('ApprovePurchase');
export const reviseApprovalSchema = z
  .object({ items: z.array(orderItemSchema).min(1).max(100).openapi({ description: 'The lines the request now asks for, replacing the old ones' }) })
  .strict()
  .openapi('RevisePurchaseRequest');
export const approvedSchema = z.object({ approval: approvalSchema, order: orderSchema }).openapi('ApprovedPurchase');

// ----- bulk orders -----------------------------------------------------------------------------------

export const BULK_LINE_STATUSES = ['ok', 'unknown_sku', 'below_moq', 'off_step', 'short_stock', 'unavailable', 'invalid_quantity', 'duplicate'] as const;
export type BulkLineStatus = (typeof BULK_LINE_STATUSES)[number];

export const bulkLineSchema = z
  .object({
    line: z.number().int().openapi({ description: 'Line number in the file (the header is line 1)' }),
    sku: z.string(),
    quantityText: z.string().openapi({ description: 'The quantity cell as written' }),
    quantity: z.number().int().nullable(),
    status: z.enum(BULK_LINE_STATUSES),
    message: z.string().nullable(),
    productId: z.string().nullable(),
    nameZh: z.string().nullable(),
    nameEn: z.string().nullable(),
    cooperativeId: z.string().nullable(),
    unitPriceFen: z.number().int().nullable(),
    priceSource: z.enum(['list', 'tier', 'negotiated']).nullable(),
    lineTotalFen: z.number().int().nullable(),
    minOrderQuantity: z.number().int().nullable(),
    orderStep: z.number().int().nullable(),
    suggestedQuantity: z.number().int().nullable().openapi({ description: 'Nearest orderable quantity (below_moq, off_step) or what is in stock (short_stock)' }),
    available: z.number().int().nullable(),
    duplicateOfLine: z.number().int().nullable(),
  })
  .openapi('BulkOrderLine');
export type BulkLine = z.infer<typeof bulkLineSchema>;

export const bulkReportSchema = z
  .object({
    organizationId: z.string(),
    lines: z.array(bulkLineSchema),
    counts: z.record(z.string(), z.number().int()).openapi({ description: 'Lines per status' }),
    okLines: z.number().int(),
    problemLines: z.number().int(),
    subtotalFen: z.number().int().openapi({ description: 'Of the ok lines' }),
    shippingFen: z.number().int(),
    totalFen: z.number().int(),
    deliveryMethod: z.enum(DELIVERY_METHODS),
    placeable: z.boolean().openapi({ description: 'At least one ok line and no more distinct products than one order takes' }),
  })
  .openapi('BulkOrderReport');
export type BulkReport = z.infer<typeof bulkReportSchema>;

export const bulkRequestSchema = z
  .object({
    organizationId: z.string().min(1).max(64),
    csv: z.string().max(1_048_576).openapi({ description: 'CSV text: a header `sku,quantity` (or 商品编码/编号/SKU and 数量), one line per product' }),
    deliveryMethod: z.enum(DELIVERY_METHODS).optional().openapi({ description: 'Preview: how shipping is estimated (defaults to the delivery given, else ship)' }),
    delivery: deliverySchema.optional(),
    contact: contactSchema.optional(),
    paymentMethod: z.enum(PAYMENT_METHODS).optional(),
  })
  .strict()
  .openapi('BulkOrderRequest');
export type BulkRequest = z.infer<typeof bulkRequestSchema>;

export const bulkPlacedSchema = z
  .object({
    order: orderSchema.nullable(),
    approval: approvalSchema.nullable(),
    report: bulkReportSchema.nullable().openapi({ description: 'Null on an Idempotency-Key replay' }),
  })
  .openapi('BulkOrderPlaced');

// ----- invoices, fapiao, credit ----------------------------------------------------------------------

export const invoiceSchema = z
  .object({
    orderId: z.string(),
    status: z.enum(ORDER_STATUSES),
    invoiceStatus: z.enum(INVOICE_STATUSES),
    totalFen: z.number().int(),
    refundedFen: z.number().int(),
    createdAt: z.number().int(),
    invoiceDueAt: z.number().int().nullable(),
    paidAt: z.number().int().nullable(),
    fapiaoRequestedAt: z.number().int().nullable(),
  })
  .openapi('Invoice');
export type InvoiceView = z.infer<typeof invoiceSchema>;

export const creditSchema = z
  .object({
    creditLimitFen: z.number().int(),
    outstandingFen: z.number().int(),
    availableFen: z.number().int(),
    paymentTermsDays: z.number().int(),
  })
  .openapi('InvoiceCredit');

export const fapiaoRequestSchema = z
  .object({
    title: textField({ min: 2, max: 200 }).openapi({ example: '上海市宝山区机关事务管理局' }),
    taxId: z
      .string()
      .trim()
      .transform((v) => v.toUpperCase())
      .pipe(z.string().regex(/^[0-9A-Z]{15,20}$/, 'A tax id of 15 to 20 letters and digits'))
      .openapi({ example: '11310113MB0000000X' }),
    email: z.string().trim().max(200).pipe(z.email()).optional(),
  })
  .strict()
  .openapi('FapiaoRequest');

export const fapiaoSchema = z
  .object({ orderId: z.string(), title: z.string(), taxId: z.string(), email: z.string().nullable(), requestedAt: z.number().int() })
  .openapi('Fapiao');

// ----- consumption -----------------------------------------------------------------------------------

export const consumptionSchema = z
  .object({
    organizationId: z.string(),
    year: z.number().int(),
    targetFen: z.number().int(),
    spentFen: z.number().int(),
    progress: z.number().min(0).max(1),
    ordersFen: z.number().int().openapi({ description: "The organisation's own orders" }),
    groupBuysFen: z.number().int().openapi({ description: 'Group buys it organised that succeeded' }),
    byCounty: z.array(
      z.object({ countyId: z.string(), nameZh: z.string(), nameEn: z.string(), districtId: z.string().nullable(), spentFen: z.number().int() }),
    ),
    byMonth: z.array(z.object({ month: z.string().openapi({ example: '2026-03' }), spentFen: z.number().int() })),
  })
  .openapi('Consumption');
export type ConsumptionView = z.infer<typeof consumptionSchema>;
