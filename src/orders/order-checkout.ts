import { and, eq } from 'drizzle-orm';
import Stripe from 'stripe';
import type { Db } from '../db/client';
import { payments } from '../db/schema';
import { AppError } from '../lib/errors';
import { canonicalOrder, type OrderBundle } from './order-read';

/**
 * Stripe Checkout for an order: one Session per payment row, in CNY, offering card, Alipay and WeChat
 * Pay. Every parameter derives from stored rows and the POST carries our deterministic idempotency
 * key, so a retry (a lost response, a client replaying its Idempotency-Key) gets the same Session back
 * instead of a second one.
 */

/** API version 2026-09-30 replaced Checkout's `payment_method_types` with `allowed_payment_method_types`. */
export const CHECKOUT_PAYMENT_METHODS = ['card', 'alipay', 'wechat_pay'] as const;

export function checkoutIdempotencyKey(paymentId: string): string {
  return `checkout:${paymentId}`;
}

export function checkoutSessionParams(unsorted: OrderBundle, appUrl: string): Stripe.Checkout.SessionCreateParams {
  const bundle = canonicalOrder(unsorted);
  const { order, payment } = bundle;
  if (!payment || payment.expiresAt === null) throw new Error(`order ${order.id} has no Stripe payment to collect`);
  const base = appUrl.replace(/\/$/, '');
  const goods: Stripe.Checkout.SessionCreateParams.LineItem[] = bundle.lines.map((line) => ({
    quantity: line.quantity,
    price_data: {
      currency: 'cny',
      unit_amount: line.unitPriceFen,
      product_data: { name: `${line.nameZh} ${line.nameEn}`.trim(), metadata: { productId: line.productId, sku: line.sku } },
    },
  }));
  const shipping: Stripe.Checkout.SessionCreateParams.LineItem[] = bundle.shipments
    .filter((s) => s.shippingFen > 0)
    .map((s) => ({
      quantity: 1,
      price_data: { currency: 'cny', unit_amount: s.shippingFen, product_data: { name: `运费 Shipping · ${s.cooperativeName}` } },
    }));
  const lineItems = [...goods, ...shipping];
  const sum = lineItems.reduce((total, item) => total + item.quantity! * item.price_data!.unit_amount!, 0);
  if (sum !== payment.amountFen) throw new Error(`checkout line items (${sum}) do not add up to the payment (${payment.amountFen})`);
  const metadata = { orderId: order.id, paymentId: payment.id };
  return {
    mode: 'payment',
    currency: 'cny',
    allowed_payment_method_types: [...CHECKOUT_PAYMENT_METHODS],
    payment_method_options: { wechat_pay: { client: 'web' } },
    line_items: lineItems,
    metadata,
    payment_intent_data: { metadata },
    client_reference_id: order.id,
    ...(order.contactEmail ? { customer_email: order.contactEmail } : {}),
    expires_at: Math.floor(payment.expiresAt / 1000),
    success_url: `${base}/checkout/return?order=${order.id}&token=${order.accessToken}&session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${base}/orders/${order.id}?token=${order.accessToken}`,
  };
}

/**
 * The Checkout URL for the order's pending Stripe payment, creating the Session when it does not
 * exist yet. Safe to call again: the idempotency key returns the Session created the first time.
 */
export async function ensureCheckoutSession(db: Db, stripe: Stripe | null, bundle: OrderBundle, appUrl: string): Promise<string> {
  const payment = bundle.payment;
  if (!payment || payment.method !== 'stripe' || payment.status !== 'pending') {
    throw new AppError('invalid_state', 'This order has no card, Alipay or WeChat Pay payment waiting');
  }
  if (payment.checkoutUrl) return payment.checkoutUrl;
  if (!stripe) throw new AppError('unprocessable', 'Card, Alipay and WeChat Pay are unavailable: Stripe is not configured on this site');
  let session: Stripe.Checkout.Session;
  try {
    session = await stripe.checkout.sessions.create(checkoutSessionParams(bundle, appUrl), {
      idempotencyKey: checkoutIdempotencyKey(payment.id),
    });
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) {
      console.error(`Stripe Checkout Session for ${payment.id} failed: ${error.type} ${error.message}`);
      throw new AppError('payment_provider_error', 'The payment provider could not be reached; your order is reserved — please try again', {
        extensions: { orderId: bundle.order.id },
        cause: error,
      });
    }
    throw error;
  }
  if (!session.url) throw new AppError('payment_provider_error', 'The payment provider returned no payment page');
  await db
    .update(payments)
    .set({ stripeCheckoutSessionId: session.id, checkoutUrl: session.url, updatedAt: Date.now() })
    .where(and(eq(payments.id, payment.id), eq(payments.status, 'pending')));
  payment.stripeCheckoutSessionId = session.id;
  payment.checkoutUrl = session.url;
  return session.url;
}

