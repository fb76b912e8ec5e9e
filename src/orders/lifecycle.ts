import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import type { Statement } from '../db/batch';
import { notifications, ONLINE_PAYMENT_METHODS, orders, payments, products, shipments, type OrderStatus, type PaymentStatus } from '../db/schema';
import { fulfilOrderStatement } from '../fulfilment';
import { salesRollupStatements } from '../impact';
import { newId } from '../lib/ids';
import { formatFen } from '../lib/money';
import { orderBuyerNotice } from '../db/notices';
import { transition, transitionOrKeep } from '../db/guards';
import type { OrderBundle } from './order-read';

/**
 * The statements that move an order through its lifecycle (DESIGN §3), shared by checkout, buyer
 * cancel, the Stripe webhook, admin confirmation and the expiry job. Every transition is guarded
 * (see guards.ts), so whichever writer comes second rolls back as a whole: stock is released once,
 * a sale is counted once.
 */

export type StockLine = { productId: string; quantity: number };

function quantitiesByProduct(lines: readonly StockLine[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const line of lines) totals.set(line.productId, (totals.get(line.productId) ?? 0) + line.quantity);
  return totals;
}

/**
 * Reserve stock: the CHECK (stock >= 0) fails the whole batch on an oversell, and a product taken off
 * sale meanwhile fails it too (its stock would become NULL).
 */
export function reserveStockStatements(db: Db, lines: readonly StockLine[]): Statement[] {
  return [...quantitiesByProduct(lines)].map(([productId, quantity]) =>
    db
      .update(products)
      .set({ stock: sql`CASE WHEN ${products.status} = 'published' THEN ${products.stock} - ${quantity} ELSE NULL END` })
      .where(eq(products.id, productId)),
  );
}

export function releaseStockStatements(db: Db, lines: readonly StockLine[]): Statement[] {
  return [...quantitiesByProduct(lines)].map(([productId, quantity]) =>
    db.update(products).set({ stock: sql`${products.stock} + ${quantity}` }).where(eq(products.id, productId)),
  );
}

function soldCountStatements(db: Db, lines: readonly StockLine[]): Statement[] {
  return [...quantitiesByProduct(lines)].map(([productId, quantity]) =>
    db.update(products).set({ soldCount: sql`${products.soldCount} + ${quantity}` }).where(eq(products.id, productId)),
  );
}

export function shipmentNotice(db: Db, shipment: { id: string; cooperativeId: string; orderId: string | null }, kind: 'released' | 'cancelled', at: number) {
  const titles = {
    released: { zh: '有新订单待发货', en: 'A new order is ready to fulfil' },
    cancelled: { zh: '订单已取消，请勿发货', en: 'An order was cancelled; do not ship it' },
  }[kind];
  return db.insert(notifications).values({
    id: newId('ntf'),
    organizationId: shipment.cooperativeId,
    kind: `shipment.${kind}`,
    titleZh: titles.zh,
    titleEn: titles.en,
    payload: { orderId: shipment.orderId, shipmentId: shipment.id },
    createdAt: at,
  });
}


/**
 * Money arrived for an order (Stripe, bank transfer, pickup desk): the order becomes paid (and fulfilled when
 * every shipment was already delivered), held shipments are released to the cooperatives, and the sale
 * is counted. The payment row's own transition is the caller's, earlier in the same batch (the
 * impact roll-up reads the payment as succeeded).
 */
export function orderPaidStatements(db: Db, bundle: OrderBundle, paymentId: string, at: number): Statement[] {
  const { order } = bundle;
  const held = bundle.shipments.filter((s) => !s.released && s.status !== 'cancelled');
  return [
    db
      .update(orders)
      .set({
        status: transitionOrKeep(orders.status, ['pending_payment', 'invoiced'], 'paid', ['fulfilled']),
        paidAt: at,
        paymentDueAt: null,
        invoiceStatus: sql`CASE WHEN ${orders.invoiceStatus} IS NULL THEN NULL ELSE 'paid' END`,
        updatedAt: at,
      })
      .where(eq(orders.id, order.id)),
    ...held.map((s) => db.update(shipments).set({ released: true, updatedAt: at }).where(eq(shipments.id, s.id))),
    ...held.map((s) => shipmentNotice(db, s, 'released', at)),
    orderBuyerNotice(db, {
      id: `ntf_paid_${order.id}`,
      orderId: order.id,
      kind: 'order.paid',
      titleZh: `订单 ${order.id} 已付款 ${formatFen(order.totalFen)}`,
      titleEn: `Order ${order.id} is paid (${formatFen(order.totalFen)})`,
      payload: { orderId: order.id, totalFen: order.totalFen },
      at,
    }),
    ...soldCountStatements(db, bundle.lines),
    ...salesRollupStatements(db, { kind: 'sale', paymentId }),
    // A pay-at-pickup order can be collected before the desk records the money: once paid, it is done.
    fulfilOrderStatement(db, order.id, at),
  ];
}

/**
 * Money arrived for an order we had already given up on (its checkout expired or failed and its
 * stock went back). Revive it: reserve the stock again (the CHECK fails the batch when it has been
 * sold meanwhile — then the caller refunds instead), reopen its shipments and count the sale.
 */
export function orderRevivedStatements(db: Db, bundle: OrderBundle, paymentId: string, at: number): Statement[] {
  const { order } = bundle;
  return [
    db
      .update(orders)
      .set({ status: transition(orders.status, ['cancelled'], 'paid'), paidAt: at, cancelledAt: null, cancelReason: null, paymentDueAt: null, updatedAt: at })
      .where(eq(orders.id, order.id)),
    ...reserveStockStatements(db, bundle.lines),
    ...bundle.shipments.map((s) =>
      db.update(shipments).set({ status: transition(shipments.status, ['cancelled'], 'pending'), released: true, updatedAt: at }).where(eq(shipments.id, s.id)),
    ),
    ...bundle.shipments.map((s) => shipmentNotice(db, s, 'released', at)),
    ...soldCountStatements(db, bundle.lines),
    ...salesRollupStatements(db, { kind: 'sale', paymentId }),
  ];
}

/**
 * Cancel an unpaid order and give its stock back. Only from `from` states; shipments must still be
 * pending (a cooperative that accepted one already started work), and a pending payment becomes
 * `paymentStatus` — one that succeeded meanwhile fails the batch, so a paid order is never cancelled.
 */
export function orderCancelledStatements(
  db: Db,
  bundle: OrderBundle,
  options: { at: number; reason: string; from: readonly OrderStatus[]; paymentStatus: Extract<PaymentStatus, 'cancelled' | 'failed'> },
): Statement[] {
  const { order } = bundle;
  const { at } = options;
  const payment = bundle.payment;
  return [
    db
      .update(orders)
      .set({
        status: transition(orders.status, options.from, 'cancelled'),
        cancelledAt: at,
        cancelReason: options.reason,
        paymentDueAt: null,
        invoiceStatus: null,
        updatedAt: at,
      })
      .where(eq(orders.id, order.id)),
    ...(payment
      ? [db.update(payments).set({ status: transition(payments.status, ['pending'], options.paymentStatus), updatedAt: at }).where(eq(payments.id, payment.id))]
      : []),
    ...bundle.shipments.map((s) =>
      db.update(shipments).set({ status: transition(shipments.status, ['pending'], 'cancelled'), updatedAt: at }).where(eq(shipments.id, s.id)),
    ),
    ...bundle.shipments.filter((s) => s.released).map((s) => shipmentNotice(db, s, 'cancelled', at)),
    ...releaseStockStatements(db, bundle.lines),
  ];
}

/** Orders whose online payment window (Stripe, WeChat Pay, Alipay) has passed without payment (the expiry job's work list). */
export function overdueOnlineOrders(db: Db, now: number, limit: number) {
  return db
    .select({ id: orders.id })
    .from(orders)
    .where(and(eq(orders.status, 'pending_payment'), inArray(orders.paymentMethod, [...ONLINE_PAYMENT_METHODS]), sql`${orders.paymentDueAt} < ${now}`))
    .limit(limit);
}
