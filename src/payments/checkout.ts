import { and, eq } from 'drizzle-orm';
import Stripe from 'stripe';
import type { Db } from '../db/client';
import type { Statement } from '../db/batch';
import { payments, type PaymentStatus } from '../db/schema';
import type { Actor } from '../env';
import { AppError } from '../lib/errors';
import { canonicalOrder, type OrderBundle } from '../orders/order-read';
import type { MoneyArrival } from './subjects';

/**
 * Stripe Checkout for an order: one Session per payment row, in CNY, offering card, Alipay and WeChat
 * Pay. Every parameter derives from stored rows and the POST carries our deterministic idempotency
 * key, so a retry (a lost response, a client replaying its Idempotency-Key) gets the same Session back
 * instead of a second one.
 */

/**
 * How long a buyer has to pay. Stripe accepts `expires_at` 30 minutes to 24 hours after it creates the
 * Session and measures from its own clock after our request arrives (SDK retries included), so we ask
 * for 30 minutes plus two of margin; the order's `paymentDueAt` is the same instant.
 */
export const CHECKOUT_WINDOW_MS = 32 * 60 * 1000;

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

export type SessionClosure =
  | { outcome: 'closed' }
  | { outcome: 'paid'; session: Stripe.Checkout.Session }
  | { outcome: 'processing' }
  | { outcome: 'unreachable' };

/**
 * Best effort to stop a Checkout Session from taking money (buyer cancel, expiry job). When Stripe
 * refuses because the Session already completed, re-read it: `paid` means the caller records the
 * payment instead of cancelling; `processing` (an asynchronous method still settling) means wait for
 * its webhook. `unreachable` lets the caller go ahead — a payment that still arrives is reconciled by
 * the webhook (the order is revived, or refunded when its stock is gone).
 */
export async function closeCheckoutSession(stripe: Stripe | null, sessionId: string | null): Promise<SessionClosure> {
  if (!stripe || !sessionId) return { outcome: 'closed' };
  try {
    await stripe.checkout.sessions.expire(sessionId);
    return { outcome: 'closed' };
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeError)) throw error;
  }
  try {
    const session = await stripe.checkout.sessions.retrieve(sessionId, { expand: SESSION_EXPAND });
    if (session.payment_status === 'paid') return { outcome: 'paid', session };
    if (session.status === 'complete') return { outcome: 'processing' };
    if (session.status === 'expired') return { outcome: 'closed' };
    return { outcome: 'unreachable' };
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) return { outcome: 'unreachable' };
    throw error;
  }
}

export function paymentIntentIdOf(session: Stripe.Checkout.Session): string | null {
  const intent = session.payment_intent;
  return typeof intent === 'string' ? intent : (intent?.id ?? null);
}

/** What a Checkout Session retrieve should expand so the method paid with comes without a second call. */
export const SESSION_EXPAND = ['payment_intent.payment_method'];

/**
 * The method the buyer paid with (`card`, `alipay`, `wechat_pay`): the admin reconciles by it, and the
 * refund windows differ (Alipay 90 days, WeChat Pay 180). Read from the session when its payment intent
 * was expanded, otherwise from the payment intent; null when Stripe cannot say right now — the money is
 * recorded all the same.
 */
export async function paymentMethodTypeOf(stripe: Stripe | null, session: Stripe.Checkout.Session): Promise<string | null> {
  const intent = session.payment_intent;
  if (intent && typeof intent === 'object' && intent.payment_method && typeof intent.payment_method === 'object') return intent.payment_method.type;
  const id = paymentIntentIdOf(session);
  if (!stripe || !id) return null;
  try {
    const retrieved = await stripe.paymentIntents.retrieve(id, { expand: ['payment_method'] });
    return retrieved.payment_method && typeof retrieved.payment_method === 'object' ? retrieved.payment_method.type : null;
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) return null;
    throw error;
  }
}

/** Money that a paid Checkout Session brought, as recorded on our payment row (with the method paid with). */
export async function arrivalFromSession(
  stripe: Stripe | null,
  session: Stripe.Checkout.Session,
  options: { from: readonly PaymentStatus[]; lead?: Statement[]; actor?: Actor | null },
): Promise<MoneyArrival> {
  const paymentMethodType = await paymentMethodTypeOf(stripe, session);
  return {
    details: {
      stripeCheckoutSessionId: session.id,
      stripePaymentIntentId: paymentIntentIdOf(session),
      ...(paymentMethodType ? { stripePaymentMethodType: paymentMethodType } : {}),
    },
    from: options.from,
    lead: options.lead ?? [],
    trail: [],
    actor: options.actor ?? null,
  };
}
