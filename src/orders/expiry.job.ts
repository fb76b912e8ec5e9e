import { and, eq } from 'drizzle-orm';
import { orders } from '../db/schema';
import type { Job } from '../lib/jobs';
import { arrivalFromSession, closeCheckoutSession } from '../payments';
import { getStripe } from '../payments';
import { subjectOf } from '../payments';
import { overdueStripeOrders } from './lifecycle';
import { loadOrder } from './order-read';

/** More than this many overdue orders in five minutes are left for the next tick. */
const MAX_PER_RUN = 500;

/**
 * Cancels Stripe orders whose payment window has passed and returns their stock. Each order is its
 * own guarded batch, so two runs at once — or a run racing the order's webhook — release stock once,
 * and an order paid at the last second is recorded as paid, never cancelled. The Checkout Session is
 * expired first (best effort) so it cannot take money afterwards.
 */
export const expireUnpaidOrders: Job = {
  name: 'orders.expire-unpaid',
  async run(db, env, now) {
    const stripe = getStripe(env);
    const ctx = { db, env, stripe, now };
    let changed = 0;
    for (const { id } of await overdueStripeOrders(db, now, MAX_PER_RUN)) {
      const bundle = await loadOrder(db, id);
      const payment = bundle?.payment;
      if (!bundle || !payment || bundle.order.status !== 'pending_payment' || payment.status !== 'pending') continue;
      const closure = await closeCheckoutSession(stripe, payment.stripeCheckoutSessionId);
      if (closure.outcome === 'paid') {
        const outcome = await subjectOf(payment).moneyArrived(ctx, payment, await arrivalFromSession(stripe, closure.session, { from: ['pending'] }));
        if (outcome === 'applied') changed += 1;
      } else if (closure.outcome === 'processing') {
        // An asynchronous payment is settling: its webhook decides, not the clock.
        await db.update(orders).set({ paymentDueAt: null, updatedAt: now }).where(and(eq(orders.id, id), eq(orders.status, 'pending_payment')));
      } else {
        const outcome = await subjectOf(payment).checkoutAbandoned(ctx, payment, 'expired', []);
        if (outcome === 'applied') changed += 1;
      }
    }
    return changed;
  },
};
