import { z } from '@hono/zod-openapi';
import { DELIVERY_METHODS, INVOICE_STATUSES, ORDER_STATUSES, PAYMENT_METHODS, PAYMENT_STATUSES, REFUND_STATUSES, SHIPMENT_STATUSES } from '../db/schema';
import { MAX_LINE_QUANTITY } from '../pricing';

/** Request and response shapes of the orders API (the OpenAPI document is generated from these). */

export const orderItemSchema = z.object({
  productId: z.string().min(1).max(64).openapi({ example: 'prd_xw_ham_whole' }),
  quantity: z.number().int().min(1).max(MAX_LINE_QUANTITY).openapi({ example: 2 }),
});

export const addressSchema = z
  .object({
    recipient: z.string().max(100).openapi({ example: '李女士' }),
    phone: z.string().max(32).openapi({ example: '13800000001', description: 'Mainland mobile or Shanghai landline (021)' }),
    districtId: z.string().max(32).openapi({ example: 'yangpu', description: 'A Shanghai district id from GET /districts' }),
    street: z.string().max(300).openapi({ example: '控江路 1000 号 3 号楼 501 室' }),
  })
  .openapi('ShipAddress');

export const deliverySchema = z
  .discriminatedUnion('method', [
    z.object({
      method: z.literal('ship'),
      address: addressSchema.optional(),
      deliveryLocationId: z.string().min(1).max(64).optional().openapi({
        description: 'Instead of `address`: one of the ordering organisation’s delivery locations (GET /organizations/{id}/delivery-locations)',
        example: 'loc_baoshan_canteen_kitchen',
      }),
    }),
    z.object({
      method: z.literal('pickup'),
      pickupOrganizationId: z.string().min(1).max(64).openapi({ example: 'org_lijiang_showroom_yangpu' }),
    }),
  ])
  .openapi('Delivery');

export const contactSchema = z
  .object({
    name: z.string().max(100).openapi({ example: '李女士' }),
    phone: z.string().max(32).openapi({ example: '13800000001' }),
    email: z.string().max(200).optional(),
  })
  .openapi('Contact');

export const createOrderSchema = z
  .object({
    items: z.array(orderItemSchema).min(1).max(100),
    delivery: deliverySchema,
    contact: contactSchema,
    organizationId: z.string().min(1).max(64).optional().openapi({ description: 'Order on behalf of an organisation you own or purchase for' }),
    paymentMethod: z.enum(PAYMENT_METHODS).openapi({
      description: '`stripe` (card, Alipay, WeChat Pay; only when configured), `pay_at_pickup` (showroom pickups), `invoice` (verified organisations with terms)',
    }),
  })
  .openapi('CreateOrder');

export type CreateOrderInput = z.infer<typeof createOrderSchema>;

export const quoteRequestSchema = z
  .object({
    items: z.array(z.object({ productId: z.string().min(1).max(64), quantity: z.number() })).min(1).max(100),
    deliveryMethod: z.enum(DELIVERY_METHODS).default('ship'),
    organizationId: z.string().min(1).max(64).optional(),
  })
  .openapi('QuoteRequest');

const lineSchema = z.object({
  id: z.string(),
  productId: z.string(),
  shipmentId: z.string(),
  cooperativeId: z.string(),
  sku: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  quantity: z.number().int(),
  unitPriceFen: z.number().int(),
  lineTotalFen: z.number().int(),
  priceSource: z.string().openapi({ description: "'list' | 'tier' | 'negotiated' | 'group'" }),
});

const shipmentSchema = z.object({
  id: z.string(),
  cooperativeId: z.string(),
  cooperativeName: z.string(),
  cooperativeNameEn: z.string().nullable(),
  status: z.enum(SHIPMENT_STATUSES),
  released: z.boolean().openapi({ description: 'Visible to the cooperative for fulfilment (paid, invoiced or pay at pickup)' }),
  subtotalFen: z.number().int(),
  shippingFen: z.number().int(),
  carrier: z.string().nullable(),
  trackingNumber: z.string().nullable(),
  shippedAt: z.number().int().nullable(),
  deliveredAt: z.number().int().nullable(),
});

const paymentSchema = z.object({
  id: z.string(),
  method: z.enum(PAYMENT_METHODS),
  status: z.enum(PAYMENT_STATUSES),
  amountFen: z.number().int(),
  refundedFen: z.number().int(),
  checkoutUrl: z.string().nullable().openapi({ description: 'Stripe Checkout page to send the buyer to (stripe only, while unpaid)' }),
  expiresAt: z.number().int().nullable(),
  paidAt: z.number().int().nullable(),
  paidWith: z.string().nullable().openapi({ description: 'For stripe: the method the buyer paid with (card, alipay, wechat_pay), once known', example: 'alipay' }),
});

const refundSchema = z.object({
  id: z.string(),
  amountFen: z.number().int(),
  reason: z.string(),
  status: z.enum(REFUND_STATUSES),
  createdAt: z.number().int(),
});

export const orderSchema = z
  .object({
    id: z.string(),
    status: z.enum(ORDER_STATUSES),
    paymentMethod: z.enum(PAYMENT_METHODS),
    organizationId: z.string().nullable(),
    subtotalFen: z.number().int(),
    shippingFen: z.number().int(),
    totalFen: z.number().int(),
    refundedFen: z.number().int(),
    delivery: z.object({
      method: z.enum(DELIVERY_METHODS),
      recipient: z.string().nullable(),
      phone: z.string().nullable(),
      districtId: z.string().nullable(),
      street: z.string().nullable(),
      pickupOrganizationId: z.string().nullable(),
      deliveryLocationId: z.string().nullable(),
      pickupName: z.string().nullable(),
      pickupAddress: z.string().nullable(),
    }),
    contact: z.object({ name: z.string(), phone: z.string(), email: z.string().nullable() }),
    lines: z.array(lineSchema),
    shipments: z.array(shipmentSchema),
    payment: paymentSchema.nullable(),
    refunds: z.array(refundSchema),
    paymentDueAt: z.number().int().nullable(),
    paidAt: z.number().int().nullable(),
    cancelledAt: z.number().int().nullable(),
    cancelReason: z.string().nullable(),
    invoiceDueAt: z.number().int().nullable(),
    invoiceStatus: z.enum(INVOICE_STATUSES).nullable(),
    createdAt: z.number().int(),
    accessToken: z.string().optional().openapi({ description: 'Guest access: GET /orders/{id}?token=… (returned to the buyer only)' }),
    orderUrl: z.string().optional().openapi({ description: 'Order status page (with the guest token when there is one)' }),
  })
  .openapi('Order');

export type OrderView = z.infer<typeof orderSchema>;

export const orderSummarySchema = z
  .object({
    id: z.string(),
    status: z.enum(ORDER_STATUSES),
    paymentMethod: z.enum(PAYMENT_METHODS),
    organizationId: z.string().nullable(),
    totalFen: z.number().int(),
    deliveryMethod: z.enum(DELIVERY_METHODS),
    createdAt: z.number().int(),
  })
  .openapi('OrderSummary');

export type OrderSummary = z.infer<typeof orderSummarySchema>;

const quoteLineSchema = z.object({
  productId: z.string(),
  sku: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  cooperativeId: z.string(),
  quantity: z.number().int(),
  unitPriceFen: z.number().int(),
  listUnitPriceFen: z.number().int(),
  lineTotalFen: z.number().int(),
  priceSource: z.string(),
  stock: z.number().int(),
});

export const quoteResponseSchema = z
  .object({
    lines: z.array(quoteLineSchema),
    cooperatives: z.array(
      z.object({
        cooperativeId: z.string(),
        cooperativeName: z.string(),
        subtotalFen: z.number().int(),
        shippingFen: z.number().int(),
        freeShippingAboveFen: z.number().int().nullable(),
        productIds: z.array(z.string()),
      }),
    ),
    subtotalFen: z.number().int(),
    shippingFen: z.number().int(),
    totalFen: z.number().int(),
    problems: z.array(z.object({ path: z.string(), productId: z.string(), rule: z.string(), message: z.string() })),
    shortages: z.array(z.object({ productId: z.string(), requested: z.number().int(), available: z.number().int() })),
  })
  .openapi('Quote');
