import { createRoute, z } from '@hono/zod-openapi';
import { DELIVERY_METHODS, SHIPMENT_STATUSES } from '../db/schema';
import { errorResponses } from '../lib/errors';
import { cursorSchema, limitSchema, pageSchema } from '../lib/pagination';
import { instantSchema } from '../lib/period';

const tags = ['Fulfilment'];

export const shipmentSchema = z
  .object({
    id: z.string(),
    orderId: z.string().nullable(),
    groupBuyId: z.string().nullable(),
    cooperativeId: z.string(),
    status: z.enum(SHIPMENT_STATUSES),
    deliveryMethod: z.enum(DELIVERY_METHODS),
    pickupOrganizationId: z.string().nullable(),
    recipient: z.string().nullable(),
    recipientPhone: z.string().nullable(),
    shipDistrictId: z.string().nullable(),
    shipStreet: z.string().nullable(),
    subtotalFen: z.number().int(),
    shippingFen: z.number().int(),
    totalFen: z.number().int(),
    carrier: z.string().nullable(),
    trackingNumber: z.string().nullable(),
    acceptedAt: z.number().int().nullable(),
    shippedAt: z.number().int().nullable(),
    deliveredAt: z.number().int().nullable(),
    receiptConfirmedAt: z.number().int().nullable(),
    createdAt: z.number().int(),
    items: z.array(
      z.object({
        productId: z.string(),
        sku: z.string(),
        nameZh: z.string(),
        nameEn: z.string(),
        quantity: z.number().int(),
        unitPriceFen: z.number().int(),
        lineTotalFen: z.number().int(),
      }),
    ),
  })
  .openapi('Shipment');

const idParam = z.object({ id: z.string().min(1).max(80).openapi({ param: { name: 'id', in: 'path' } }) });
const one = { 200: { content: { 'application/json': { schema: shipmentSchema } }, description: 'The shipment after the move' }, ...errorResponses };

export const list = createRoute({
  method: 'get',
  path: '/shipments',
  tags,
  summary: "A cooperative's shipments to fulfil (released ones only), newest first",
  request: {
    query: z.object({
      cooperativeId: z.string().min(1).max(80),
      status: z.enum(SHIPMENT_STATUSES).optional(),
      deliveryMethod: z.enum(DELIVERY_METHODS).optional(),
      from: instantSchema('start').optional(),
      to: instantSchema('end').optional(),
      limit: limitSchema,
      cursor: cursorSchema,
    }),
  },
  responses: { 200: { content: { 'application/json': { schema: pageSchema(shipmentSchema) } }, description: 'A page of shipments' }, ...errorResponses },
});

export const get = createRoute({
  method: 'get',
  path: '/shipments/{id}',
  tags,
  summary: 'One shipment with its items (its cooperative)',
  request: { params: idParam },
  responses: { 200: { content: { 'application/json': { schema: shipmentSchema } }, description: 'The shipment' }, ...errorResponses },
});

export const accept = createRoute({
  method: 'post',
  path: '/shipments/{id}/accept',
  tags,
  summary: 'Accept a pending shipment (409 from any other status)',
  request: { params: idParam },
  responses: one,
});

export const shipBodySchema = z
  .object({
    carrier: z.string().trim().min(1).max(40).openapi({ example: '顺丰速运' }),
    trackingNumber: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9-]{4,40}$/, '4–40 letters, digits or dashes')
      .openapi({ example: 'SF1234567890' }),
  })
  .strict()
  .openapi('ShipInput');

export const ship = createRoute({
  method: 'post',
  path: '/shipments/{id}/ship',
  tags,
  summary: 'Hand an accepted shipment to a carrier',
  request: { params: idParam, body: { content: { 'application/json': { schema: shipBodySchema } }, required: true } },
  responses: one,
});

export const deliver = createRoute({
  method: 'post',
  path: '/shipments/{id}/deliver',
  tags,
  summary: "Mark a shipped shipment delivered; the order becomes fulfilled with its last shipment",
  request: { params: idParam },
  responses: one,
});

export const confirmReceipt = createRoute({
  method: 'post',
  path: '/shipments/{id}/confirm-receipt',
  tags,
  summary: 'The buyer (or the receiving pickup point) confirms a shipped shipment arrived',
  description: 'Signed-in buyer, a member of the buying organisation, a member of the pickup point, or a guest with the order token in `?token=`.',
  request: { params: idParam, query: z.object({ token: z.string().max(80).optional() }) },
  responses: one,
});
