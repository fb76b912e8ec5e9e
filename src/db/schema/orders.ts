import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { organization, user } from './accounts';
import { products } from './catalog';

export const ORDER_STATUSES = [
  'pending_payment',
  'paid',
  'invoiced',
  'fulfilled',
  'cancelled',
  'refunded',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** `wechat_pay` and `alipay` are the providers called directly (src/payments/providers), not through Stripe. */
export const PAYMENT_METHODS = ['stripe', 'invoice', 'pay_at_pickup', 'wechat_pay', 'alipay'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
/** Paid online within a payment window: the order waits for the money, and is cancelled when the window passes. */
export const ONLINE_PAYMENT_METHODS = ['stripe', 'wechat_pay', 'alipay'] as const satisfies readonly PaymentMethod[];

export const DELIVERY_METHODS = ['ship', 'pickup'] as const;
export type DeliveryMethod = (typeof DELIVERY_METHODS)[number];

export const INVOICE_STATUSES = ['open', 'paid', 'overdue'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export const orders = sqliteTable(
  'orders',
  {
    id: text().primaryKey(),
    /** Unguessable token giving a guest read access to their order page. */
    accessToken: text().notNull().unique(),
    buyerUserId: text().references(() => user.id),
    organizationId: text().references(() => organization.id),
    status: text({ enum: ORDER_STATUSES }).notNull(),
    paymentMethod: text({ enum: PAYMENT_METHODS }).notNull(),
    subtotalFen: integer().notNull(),
    shippingFen: integer().notNull().default(0),
    totalFen: integer().notNull(),
    refundedFen: integer().notNull().default(0),
    deliveryMethod: text({ enum: DELIVERY_METHODS }).notNull(),
    /** Ship-to address (Shanghai), or the pickup point. */
    recipient: text(),
    recipientPhone: text(),
    shipDistrictId: text(),
    shipStreet: text(),
    deliveryLocationId: text(),
    pickupOrganizationId: text().references(() => organization.id),
    contactName: text().notNull(),
    contactPhone: text().notNull(),
    contactEmail: text(),
    note: text(),
    /** Unpaid orders are cancelled and their stock released after this instant (ms). */
    paymentDueAt: integer(),
    paidAt: integer(),
    cancelledAt: integer(),
    cancelReason: text(),
    /** Invoice terms: due date and state of the bank transfer. */
    invoiceDueAt: integer(),
    invoiceStatus: text({ enum: INVOICE_STATUSES }),
    fapiaoTitle: text(),
    fapiaoTaxId: text(),
    fapiaoRequestedAt: integer(),
    createdAt: integer().notNull(),
    updatedAt: integer().notNull(),
  },
  (t) => [
    check('orders_refund_within_total', sql`${t.refundedFen} >= 0 AND ${t.refundedFen} <= ${t.totalFen}`),
    index('orders_buyer_idx').on(t.buyerUserId, t.createdAt),
    index('orders_org_idx').on(t.organizationId, t.createdAt),
    index('orders_status_due_idx').on(t.status, t.paymentDueAt),
    index('orders_invoice_due_idx').on(t.invoiceStatus, t.invoiceDueAt),
    index('orders_created_idx').on(t.createdAt),
  ],
);

/** What the buyer bought, at the price the server computed when the order was placed. */
export const orderLines = sqliteTable(
  'order_lines',
  {
    id: text().primaryKey(),
    orderId: text()
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    shipmentId: text().notNull(),
    productId: text()
      .notNull()
      .references(() => products.id),
    cooperativeId: text().notNull(),
    countyId: text().notNull(),
    category: text().notNull(),
    sku: text().notNull(),
    nameZh: text().notNull(),
    nameEn: text().notNull(),
    quantity: integer().notNull(),
    unitPriceFen: integer().notNull(),
    lineTotalFen: integer().notNull(),
    /** 'list' | 'tier' | 'negotiated' | 'group' — which rule set the price. */
    priceSource: text().notNull(),
  },
  (t) => [
    check('order_lines_quantity_positive', sql`${t.quantity} > 0`),
    index('order_lines_order_idx').on(t.orderId),
    index('order_lines_product_idx').on(t.productId),
  ],
);

export const SHIPMENT_STATUSES = ['pending', 'accepted', 'shipped', 'delivered', 'cancelled'] as const;
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];

/** One per cooperative per order, or per cooperative per formed group buy. */
export const shipments = sqliteTable(
  'shipments',
  {
    id: text().primaryKey(),
    orderId: text().references(() => orders.id),
    groupBuyId: text(),
    cooperativeId: text()
      .notNull()
      .references(() => organization.id),
    status: text({ enum: SHIPMENT_STATUSES }).notNull().default('pending'),
    /** Shipments are released to the cooperative once paid (or invoiced / pay-at-pickup). */
    released: integer({ mode: 'boolean' }).notNull().default(false),
    deliveryMethod: text({ enum: DELIVERY_METHODS }).notNull(),
    pickupOrganizationId: text(),
    recipient: text(),
    recipientPhone: text(),
    shipDistrictId: text(),
    shipStreet: text(),
    subtotalFen: integer().notNull(),
    shippingFen: integer().notNull().default(0),
    carrier: text(),
    trackingNumber: text(),
    acceptedAt: integer(),
    shippedAt: integer(),
    deliveredAt: integer(),
    receiptConfirmedAt: integer(),
    createdAt: integer().notNull(),
    updatedAt: integer().notNull(),
  },
  (t) => [
    index('shipments_coop_status_idx').on(t.cooperativeId, t.status, t.createdAt),
    index('shipments_order_idx').on(t.orderId),
    index('shipments_group_buy_idx').on(t.groupBuyId),
    index('shipments_status_shipped_idx').on(t.status, t.shippedAt),
    // A cooperative's shipment list pages newest first straight out of this index (no sort of its whole history).
    index('shipments_coop_created_idx').on(t.cooperativeId, t.createdAt, t.id),
    // Settlement generation reads the period's deliveries by range, not every delivered shipment ever.
    index('shipments_status_delivered_idx').on(t.status, t.deliveredAt),
  ],
);

/** The goods in a shipment, uniform for order and group-buy shipments (packing slips, settlements). */
export const shipmentItems = sqliteTable(
  'shipment_items',
  {
    id: text().primaryKey(),
    shipmentId: text()
      .notNull()
      .references(() => shipments.id, { onDelete: 'cascade' }),
    productId: text()
      .notNull()
      .references(() => products.id),
    sku: text().notNull(),
    nameZh: text().notNull(),
    nameEn: text().notNull(),
    quantity: integer().notNull(),
    unitPriceFen: integer().notNull(),
    lineTotalFen: integer().notNull(),
  },
  (t) => [index('shipment_items_shipment_idx').on(t.shipmentId)],
);

export const PAYMENT_STATUSES = ['pending', 'succeeded', 'failed', 'cancelled'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** One attempt to collect money for an order or a group-buy participant. */
export const payments = sqliteTable(
  'payments',
  {
    id: text().primaryKey(),
    orderId: text().references(() => orders.id),
    participantId: text(),
    method: text({ enum: PAYMENT_METHODS }).notNull(),
    status: text({ enum: PAYMENT_STATUSES }).notNull().default('pending'),
    amountFen: integer().notNull(),
    refundedFen: integer().notNull().default(0),
    stripeCheckoutSessionId: text().unique(),
    stripePaymentIntentId: text(),
    /** The Stripe payment method type that took the money (card, alipay, wechat_pay). */
    stripePaymentMethodType: text(),
    checkoutUrl: text(),
    /** WeChat Pay / Alipay: their number for the trade (transaction_id, trade_no), once paid. */
    providerTradeNo: text(),
    /** WeChat Pay / Alipay: how the buyer was asked to pay (native QR, h5, jsapi; page, wap). */
    payChannel: text(),
    expiresAt: integer(),
    paidAt: integer(),
    confirmedByUserId: text(),
    bankReference: text(),
    createdAt: integer().notNull(),
    updatedAt: integer().notNull(),
  },
  (t) => [
    check('payments_refund_within_amount', sql`${t.refundedFen} >= 0 AND ${t.refundedFen} <= ${t.amountFen}`),
    index('payments_order_idx').on(t.orderId),
    index('payments_participant_idx').on(t.participantId),
    index('payments_status_idx').on(t.status, t.method),
    index('payments_intent_idx').on(t.stripePaymentIntentId),
  ],
);

export const REFUND_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

export const refunds = sqliteTable(
  'refunds',
  {
    id: text().primaryKey(),
    paymentId: text()
      .notNull()
      .references(() => payments.id),
    orderId: text(),
    participantId: text(),
    amountFen: integer().notNull(),
    reason: text().notNull(),
    status: text({ enum: REFUND_STATUSES }).notNull().default('pending'),
    /** Our deterministic key for the Stripe POST, unique so a retry cannot refund twice. */
    idempotencyKey: text().notNull().unique(),
    stripeRefundId: text().unique(),
    createdByUserId: text(),
    createdAt: integer().notNull(),
    updatedAt: integer().notNull(),
  },
  (t) => [
    check('refunds_amount_positive', sql`${t.amountFen} > 0`),
    index('refunds_payment_idx').on(t.paymentId),
    index('refunds_order_idx').on(t.orderId),
    index('refunds_participant_idx').on(t.participantId),
    index('refunds_created_idx').on(t.createdAt),
    // Settlement generation reads the refunds that succeeded in a period.
    index('refunds_status_updated_idx').on(t.status, t.updatedAt),
    // A group-buy participant's refunds (their page, the join answer, the pickup list).
    index('refunds_participant_idx').on(t.participantId),
  ],
);

/** Stripe event ids already applied; the insert is the first statement of each effect batch. */
export const stripeEvents = sqliteTable('stripe_events', {
  id: text().primaryKey(),
  type: text().notNull(),
  receivedAt: integer().notNull(),
});

/** Idempotency-Key records for money-bearing POSTs: same key + same body → same response. */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    scope: text().notNull(),
    key: text().notNull(),
    requestHash: text().notNull(),
    resourceId: text().notNull(),
    responseStatus: integer().notNull(),
    responseBody: text().notNull(),
    createdAt: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] })],
);

export const carts = sqliteTable(
  'carts',
  {
    id: text().primaryKey(),
    userId: text().references(() => user.id, { onDelete: 'cascade' }),
    createdAt: integer().notNull(),
    updatedAt: integer().notNull(),
  },
  (t) => [uniqueIndex('carts_user_idx').on(t.userId)],
);

export const cartItems = sqliteTable(
  'cart_items',
  {
    cartId: text()
      .notNull()
      .references(() => carts.id, { onDelete: 'cascade' }),
    productId: text()
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    quantity: integer().notNull(),
    addedAt: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.cartId, t.productId] }), check('cart_items_quantity_positive', sql`${t.quantity} > 0`)],
);

/** Outbox of messages to cooperatives, organisers and participants, shown in their portals. */
export const notifications = sqliteTable(
  'notifications',
  {
    id: text().primaryKey(),
    organizationId: text(),
    userId: text(),
    phone: text(),
    kind: text().notNull(),
    titleZh: text().notNull(),
    titleEn: text().notNull(),
    payload: text({ mode: 'json' }),
    readAt: integer(),
    createdAt: integer().notNull(),
    /** When the relay put it on the delivery queue (null: written, not yet enqueued). */
    enqueuedAt: integer(),
    /** When the consumer acknowledged it (every channel handled); the cron sweep re-enqueues rows left null. */
    deliveredAt: integer(),
  },
  (t) => [
    index('notifications_org_idx').on(t.organizationId, t.createdAt),
    index('notifications_user_idx').on(t.userId, t.createdAt),
    index('notifications_outbox_idx').on(t.deliveredAt, t.enqueuedAt),
    index('notifications_phone_idx').on(t.phone),
  ],
);
