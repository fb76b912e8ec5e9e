import { eq, sql } from 'drizzle-orm';
import { isConstraintError, runBatch, type Statement } from '../db/batch';
import { orders, payments, shipments } from '../db/schema';
import { salesRollupStatements } from '../impact';
import { AppError } from '../lib/errors';
import { guardFailure, retryOnGuardFailure, transition } from '../db/guards';
import { refundPayment, type MoneyArrival, type PaymentContext, type PaymentOutcome, type PaymentRow, type PaymentSubject, type RefundRow } from '../payments';
import { orderCancelledStatements, orderPaidStatements, orderRevivedStatements, releaseStockStatements, shipmentNotice } from './lifecycle';
import { loadOrder, type OrderBundle } from './order-read';

/** What money arriving, a checkout ending and a refund mean for an order. */

async function loadOrderOf(ctx: PaymentContext, payment: PaymentRow): Promise<OrderBundle & { payment: PaymentRow }> {
  const bundle = payment.orderId ? await loadOrder(ctx.db, payment.orderId) : null;
  const current = bundle?.payment;
  if (!bundle || !current || current.id !== payment.id) throw new Error(`payment ${payment.id} does not belong to a loaded order`);
  return { ...bundle, payment: current };
}

function paymentSucceeded(ctx: PaymentContext, payment: PaymentRow, arrival: MoneyArrival): Statement {
  return ctx.db
    .update(payments)
    .set({ status: transition(payments.status, arrival.from, 'succeeded'), paidAt: ctx.now, updatedAt: ctx.now, ...arrival.details })
    .where(eq(payments.id, payment.id));
}

const PAYABLE: readonly string[] = ['pending_payment', 'invoiced', 'fulfilled'];

async function moneyArrived(ctx: PaymentContext, payment: PaymentRow, arrival: MoneyArrival): Promise<PaymentOutcome> {
  const outcome = await retryOnGuardFailure(async (): Promise<PaymentOutcome | { refund: PaymentRow }> => {
    const bundle = await loadOrderOf(ctx, payment);
    const current = bundle.payment;
    if (current.status === 'succeeded') {
      await runBatch(ctx.db, arrival.lead);
      return 'already_applied';
    }
    if (!arrival.from.includes(current.status)) {
      throw new AppError('invalid_state', `This payment is ${current.status}; it cannot be recorded as received`);
    }
    const succeed = paymentSucceeded(ctx, current, arrival);
    if (PAYABLE.includes(bundle.order.status)) {
      await runBatch(ctx.db, [...arrival.lead, succeed, ...orderPaidStatements(ctx.db, bundle, current.id, ctx.now), ...arrival.trail]);
      return 'applied';
    }
    if (bundle.order.status !== 'cancelled') {
      throw new AppError('invalid_state', `This order is ${bundle.order.status}; it cannot be paid again`);
    }
    // The checkout had been given up on (expired, cancelled) but the money came: restore the order
    // if its stock is still there, otherwise keep an honest record and give the money back.
    try {
      await runBatch(ctx.db, [...arrival.lead, succeed, ...orderRevivedStatements(ctx.db, bundle, current.id, ctx.now), ...arrival.trail]);
      return 'revived';
    } catch (error) {
      const stockGone = isConstraintError(error, 'products_stock_non_negative') || guardFailure(error) === 'products.stock';
      if (!stockGone) throw error;
    }
    // Money that arrived is a sale even when it is given straight back (the refund then nets it out).
    await runBatch(ctx.db, [...arrival.lead, succeed, ...salesRollupStatements(ctx.db, { kind: 'sale', paymentId: current.id }), ...arrival.trail]);
    return { refund: { ...current, ...arrival.details, status: 'succeeded', paidAt: ctx.now } };
  });
  if (typeof outcome === 'string') return outcome;
  await refundPayment(ctx, orderPayments, outcome.refund, {
    reason: 'Payment arrived after the order had been cancelled and its stock sold; refunded automatically',
    actor: arrival.actor,
  });
  return 'refunded';
}

async function checkoutAbandoned(ctx: PaymentContext, payment: PaymentRow, reason: 'expired' | 'failed', lead: Statement[]): Promise<PaymentOutcome> {
  return retryOnGuardFailure(async () => {
    const bundle = await loadOrderOf(ctx, payment);
    // Never cancel a paid order: an `expired` event that arrives after `completed` changes nothing.
    if (bundle.payment.status !== 'pending' || bundle.order.status !== 'pending_payment') {
      await runBatch(ctx.db, lead);
      return 'no_change';
    }
    await runBatch(ctx.db, [
      ...lead,
      ...orderCancelledStatements(ctx.db, bundle, {
        at: ctx.now,
        reason: reason === 'expired' ? 'payment_window_expired' : 'payment_failed',
        from: ['pending_payment'],
        paymentStatus: reason === 'expired' ? 'cancelled' : 'failed',
      }),
    ]);
    return 'applied';
  });
}

async function refundSucceededStatements(ctx: PaymentContext, payment: PaymentRow, refund: RefundRow): Promise<Statement[]> {
  const bundle = await loadOrderOf(ctx, payment);
  const { order } = bundle;
  const before = order.refundedFen;
  const after = before + refund.amountFen;
  const statements: Statement[] = [
    // Guarded on the amount read above (the full-refund decision depends on it); the
    // CHECK (refunded_fen <= total_fen) refuses more than was paid.
    ctx.db
      .update(orders)
      .set({ refundedFen: sql`CASE WHEN ${orders.refundedFen} = ${before} THEN ${after} ELSE NULL END`, updatedAt: ctx.now })
      .where(eq(orders.id, order.id)),
    // After the refund row turned succeeded (the caller's first statement): impact counts it.
    ...salesRollupStatements(ctx.db, { kind: 'refund', refundId: refund.id }),
  ];
  // A cancelled order refunded (money that came too late) stays cancelled; its stock went back already.
  if (after === order.totalFen && order.status !== 'cancelled') {
    // Fully refunded: the order is over. Shipments not yet on their way are called off and their goods
    // go back on sale; a cooperative that shipped meanwhile fails the batch, which is then retried.
    const unshipped = bundle.shipments.filter((s) => s.status === 'pending' || s.status === 'accepted');
    const unshippedIds = new Set(unshipped.map((s) => s.id));
    statements.push(
      ctx.db
        .update(orders)
        .set({ status: transition(orders.status, ['paid', 'invoiced', 'fulfilled'], 'refunded'), invoiceStatus: null })
        .where(eq(orders.id, order.id)),
      ...unshipped.map((s) =>
        ctx.db
          .update(shipments)
          .set({ status: transition(shipments.status, ['pending', 'accepted'], 'cancelled'), updatedAt: ctx.now })
          .where(eq(shipments.id, s.id)),
      ),
      ...unshipped.filter((s) => s.released).map((s) => shipmentNotice(ctx.db, s, 'cancelled', ctx.now)),
      ...releaseStockStatements(
        ctx.db,
        bundle.lines.filter((l) => unshippedIds.has(l.shipmentId)),
      ),
    );
  }
  return statements;
}

export const orderPayments: PaymentSubject = { moneyArrived, checkoutAbandoned, refundSucceededStatements };
