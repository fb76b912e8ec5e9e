import Stripe from 'stripe';
import type { Statement } from '../db/batch';
import type { PaymentStatus } from '../db/schema';
import type { Actor } from '../env';
import type { MoneyArrival } from './subjects';

/** Stripe Checkout mechanics shared by every payment subject (an order's Session is built in orders/order-checkout.ts). */

/**
 * How long a buyer has to pay. Stripe accepts `expires_at` 30 minutes to 24 hours after it creates the
 * Session and measures from its own clock after our request arrives (SDK retries included), so we ask
 * for 30 minutes plus two of margin; the order's `paymentDueAt` is the same instant.
 */
export const CHECKOUT_WINDOW_MS = 32 * 60 * 1000;

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
