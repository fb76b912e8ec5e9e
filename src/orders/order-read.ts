import { asc, desc, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { orderLines, orders, organization, payments, refunds, shipments } from '../db/schema';
import type { OrderView } from './orders.schemas';

/** Everything about one order, read in one D1 round trip. */
export type OrderBundle = {
  order: typeof orders.$inferSelect;
  lines: (typeof orderLines.$inferSelect)[];
  shipments: (typeof shipments.$inferSelect & { cooperativeName: string; cooperativeNameEn: string | null })[];
  payment: typeof payments.$inferSelect | null;
  refunds: (typeof refunds.$inferSelect)[];
  pickup: { name: string; nameEn: string | null; pickupAddress: string | null } | null;
};

export async function loadOrder(db: Db, orderId: string): Promise<OrderBundle | null> {
  const [orderRows, lineRows, shipmentRows, paymentRows, refundRows] = await db.batch([
    db.select().from(orders).where(eq(orders.id, orderId)),
    db.select().from(orderLines).where(eq(orderLines.orderId, orderId)).orderBy(asc(orderLines.id)),
    db
      .select({ shipment: shipments, cooperativeName: organization.name, cooperativeNameEn: organization.nameEn })
      .from(shipments)
      .innerJoin(organization, eq(organization.id, shipments.cooperativeId))
      .where(eq(shipments.orderId, orderId))
      .orderBy(asc(shipments.id)),
    db.select().from(payments).where(eq(payments.orderId, orderId)).orderBy(desc(payments.createdAt)),
    db.select().from(refunds).where(eq(refunds.orderId, orderId)).orderBy(asc(refunds.createdAt)),
  ]);
  const order = orderRows[0];
  if (!order) return null;
  const pickup = order.pickupOrganizationId
    ? ((await db
        .select({ name: organization.name, nameEn: organization.nameEn, pickupAddress: organization.pickupAddress })
        .from(organization)
        .where(eq(organization.id, order.pickupOrganizationId))
        .get()) ?? null)
    : null;
  return {
    order,
    lines: lineRows,
    shipments: shipmentRows.map((r) => ({ ...r.shipment, cooperativeName: r.cooperativeName, cooperativeNameEn: r.cooperativeNameEn })),
    payment: paymentRows[0] ?? null,
    refunds: refundRows,
    pickup,
  };
}

const byCooperative = (a: { cooperativeId: string }, b: { cooperativeId: string }) => a.cooperativeId.localeCompare(b.cooperativeId);

/**
 * Shipments by cooperative and lines by cooperative then SKU: one order everywhere, so an order reads
 * the same at creation and later, and a retried Stripe request carries identical parameters.
 */
export function canonicalOrder<B extends Pick<OrderBundle, 'lines' | 'shipments'>>(bundle: B): B {
  return {
    ...bundle,
    shipments: [...bundle.shipments].sort(byCooperative),
    lines: [...bundle.lines].sort((a, b) => byCooperative(a, b) || a.sku.localeCompare(b.sku)),
  };
}

export function orderPageUrl(appUrl: string, order: { id: string; accessToken: string }): string {
  return `${appUrl.replace(/\/$/, '')}/orders/${order.id}?token=${order.accessToken}`;
}

/**
 * The API representation. `cooperativeIds` restricts it to those cooperatives' shipments and lines
 * (what a cooperative may see); `withToken` adds the guest access token and link (the buyer's view).
 */
export function toOrderView(
  bundle: OrderBundle,
  options: { appUrl: string; withToken?: boolean; cooperativeIds?: readonly string[] },
): OrderView {
  const { order } = bundle;
  const only = options.cooperativeIds;
  const sorted = canonicalOrder(bundle);
  const shipmentsShown = only ? sorted.shipments.filter((s) => only.includes(s.cooperativeId)) : sorted.shipments;
  const linesShown = only ? sorted.lines.filter((l) => only.includes(l.cooperativeId)) : sorted.lines;
  const payment = bundle.payment;
  const partial = only !== undefined;
  const subtotalFen = partial ? shipmentsShown.reduce((s, x) => s + x.subtotalFen, 0) : order.subtotalFen;
  const shippingFen = partial ? shipmentsShown.reduce((s, x) => s + x.shippingFen, 0) : order.shippingFen;
  return {
    id: order.id,
    status: order.status,
    paymentMethod: order.paymentMethod,
    organizationId: order.organizationId,
    subtotalFen,
    shippingFen,
    totalFen: subtotalFen + shippingFen,
    refundedFen: partial ? 0 : order.refundedFen,
    delivery: {
      method: order.deliveryMethod,
      recipient: order.recipient,
      phone: order.recipientPhone,
      districtId: order.shipDistrictId,
      street: order.shipStreet,
      pickupOrganizationId: order.pickupOrganizationId,
      deliveryLocationId: order.deliveryLocationId,
      pickupName: bundle.pickup?.name ?? null,
      pickupAddress: bundle.pickup?.pickupAddress ?? null,
    },
    contact: { name: order.contactName, phone: order.contactPhone, email: order.contactEmail },
    lines: linesShown.map((l) => ({
      id: l.id,
      productId: l.productId,
      shipmentId: l.shipmentId,
      cooperativeId: l.cooperativeId,
      sku: l.sku,
      nameZh: l.nameZh,
      nameEn: l.nameEn,
      quantity: l.quantity,
      unitPriceFen: l.unitPriceFen,
      lineTotalFen: l.lineTotalFen,
      priceSource: l.priceSource,
    })),
    shipments: shipmentsShown.map((s) => ({
      id: s.id,
      cooperativeId: s.cooperativeId,
      cooperativeName: s.cooperativeName,
      cooperativeNameEn: s.cooperativeNameEn,
      status: s.status,
      released: s.released,
      subtotalFen: s.subtotalFen,
      shippingFen: s.shippingFen,
      carrier: s.carrier,
      trackingNumber: s.trackingNumber,
      shippedAt: s.shippedAt,
      deliveredAt: s.deliveredAt,
    })),
    payment:
      payment && !partial
        ? {
            id: payment.id,
            method: payment.method,
            status: payment.status,
            amountFen: payment.amountFen,
            refundedFen: payment.refundedFen,
            checkoutUrl: payment.status === 'pending' ? payment.checkoutUrl : null,
            expiresAt: payment.expiresAt,
            paidAt: payment.paidAt,
            // Stripe says which wallet or card paid; WeChat Pay and Alipay are the method itself.
            paidWith: payment.stripePaymentMethodType ?? (payment.providerTradeNo ? payment.method : null),
          }
        : null,
    refunds: partial
      ? []
      : bundle.refunds.map((r) => ({ id: r.id, amountFen: r.amountFen, reason: r.reason, status: r.status, createdAt: r.createdAt })),
    paymentDueAt: order.paymentDueAt,
    paidAt: order.paidAt,
    cancelledAt: order.cancelledAt,
    cancelReason: order.cancelReason,
    invoiceDueAt: order.invoiceDueAt,
    invoiceStatus: order.invoiceStatus,
    createdAt: order.createdAt,
    ...(options.withToken ? { accessToken: order.accessToken, orderUrl: orderPageUrl(options.appUrl, order) } : {}),
  };
}

/** The name of the organisation an order was placed for, shown on its page. */
export async function buyerOrganizationName(db: Db, organizationId: string | null): Promise<string | null> {
  if (!organizationId) return null;
  const row = await db.select({ name: organization.name }).from(organization).where(eq(organization.id, organizationId)).get();
  return row?.name ?? null;
}
