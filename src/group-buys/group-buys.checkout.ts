import type Stripe from 'stripe';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { payments } from '../db/schema';
import { AppError } from '../lib/errors';
import type { ParticipantLine } from './group-buys.queries';

/**
 * Stripe Checkout for a participant. Alipay and WeChat Pay cannot hold funds for later capture,
 * so the participant is charged at join time and refunded if the group fails.
 *
 * A Checkout Session must live at least 30 minutes. The session therefore always gets 30 minutes
 * (plus a minute of clock margin), even when the group closes sooner: a participant who has not
 * paid when the group closes is dropped (their session is expired through Stripe), and a payment
 * that still lands afterwards is refunded automatically (see group-buys.payments.ts).
 */
export const CHECKOUT_WINDOW_MS = 31 * 60 * 1000;

export function checkoutIdempotencyKey(paymentId: string): string {
  return `gb-checkout:${paymentId}`;
}

export type CheckoutInput = {
  groupBuyId: string;
  groupTitle: string;
  participantId: string;
  paymentId: string;
  lines: Pick<ParticipantLine, 'nameZh' | 'quantity' | 'unitPriceFen'>[];
  expiresAt: number;
  returnUrl: string;
};

export async function createParticipantCheckout(stripe: Stripe, input: CheckoutInput): Promise<{ sessionId: string; url: string }> {
  const metadata = { groupBuyId: input.groupBuyId, participantId: input.participantId, paymentId: input.paymentId };
  let session: Stripe.Checkout.Session;
  try {
    session = await stripe.checkout.sessions.create(
      {
        mode: 'payment',
        currency: 'cny',
        // This API version replaced `payment_method_types` with this filter of the eligible methods.
        allowed_payment_method_types: ['card', 'alipay', 'wechat_pay'],
        payment_method_options: { wechat_pay: { client: 'web' } },
        line_items: input.lines.map((line) => ({
          quantity: line.quantity,
          price_data: { currency: 'cny', unit_amount: line.unitPriceFen, product_data: { name: line.nameZh } },
        })),
        expires_at: Math.floor(input.expiresAt / 1000),
        client_reference_id: input.participantId,
        metadata,
        payment_intent_data: { metadata, description: input.groupTitle },
        success_url: `${input.returnUrl}&paid=1`,
        cancel_url: input.returnUrl,
      },
      { idempotencyKey: checkoutIdempotencyKey(input.paymentId) },
    );
  } catch (error) {
    throw new AppError('payment_provider_error', 'The payment provider could not start the checkout; please try again.', { cause: error });
  }
  if (!session.url) throw new AppError('payment_provider_error', 'The payment provider returned no checkout page');
  return { sessionId: session.id, url: session.url };
}

export function recordCheckoutStatement(db: Db, paymentId: string, checkout: { sessionId: string; url: string }, now: number) {
  return db
    .update(payments)
    .set({ stripeCheckoutSessionId: checkout.sessionId, checkoutUrl: checkout.url, updatedAt: now })
    .where(eq(payments.id, paymentId));
}

/**
 * Best effort: stops a dropped participant from paying into a group that no longer holds their
 * place. Failing is harmless (the session expires by itself; a late payment is refunded).
 */
export async function expireCheckout(stripe: Stripe | null, sessionId: string | null): Promise<void> {
  if (!stripe || !sessionId) return;
  try {
    await stripe.checkout.sessions.expire(sessionId, {}, { idempotencyKey: `gb-expire:${sessionId}` });
  } catch (error) {
    console.warn(`could not expire checkout session ${sessionId}`, error);
  }
}
