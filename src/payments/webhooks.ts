import { eq } from 'drizzle-orm';
import Stripe from 'stripe';
import { isConstraintError, runBatch, type Statement } from '../db/batch';
import { orders, payments, refunds, stripeEvents, type PaymentStatus } from '../db/schema';
import { AppError } from '../lib/errors';
import { arrivalFromSession, SESSION_EXPAND } from './checkout';
import { applyStripeRefund, recordExternalStripeRefund } from './refunds';
import { subjectOf, type PaymentContext, type PaymentRow } from './subjects';

/**
 * `POST /api/v1/webhooks/stripe`: the signature is verified on the raw body; the first statement of
 * every effect batch inserts the event id into `stripe_events` (primary key), so a redelivered event
 * rolls its batch back and is answered 200 "duplicate". Order of delivery does not matter: each
 * effect is a guarded transition from the state it expects, and where the current state is not the
 * expected one the handler re-reads (from Stripe if need be) and records what really happened.
 */

export type WebhookResult =
  | 'applied'
  | 'already_applied'
  | 'no_change'
  | 'revived'
  | 'refunded'
  | 'awaiting_payment'
  | 'duplicate'
  | 'ignored';

type Handler = (ctx: PaymentContext, event: Stripe.Event, lead: Statement[]) => Promise<WebhookResult>;

export async function verifyStripeEvent(rawBody: string, signature: string | undefined, secret: string): Promise<Stripe.Event> {
  try {
    return await Stripe.webhooks.constructEventAsync(rawBody, signature ?? '', secret);
  } catch (error) {
    if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
      throw new AppError('bad_request', 'Invalid Stripe signature', { cause: error });
    }
    throw new AppError('bad_request', 'Not a Stripe event', { cause: error });
  }
}

export async function handleStripeEvent(ctx: PaymentContext, event: Stripe.Event): Promise<WebhookResult> {
  const handler = handlers[event.type];
  if (!handler) return 'ignored';
  const seen = await ctx.db.select({ id: stripeEvents.id }).from(stripeEvents).where(eq(stripeEvents.id, event.id)).get();
  if (seen) return 'duplicate';
  const lead = [ctx.db.insert(stripeEvents).values({ id: event.id, type: event.type, receivedAt: ctx.now })];
  try {
    return await handler(ctx, event, lead);
  } catch (error) {
    // A concurrent delivery of the same event won the primary key: its effects are applied once.
    if (isConstraintError(error, 'stripe_events.id')) return 'duplicate';
    throw error;
  }
}

async function paymentForSession(ctx: PaymentContext, session: Stripe.Checkout.Session): Promise<PaymentRow | undefined> {
  const paymentId = session.metadata?.paymentId;
  if (paymentId) {
    const byId = await ctx.db.select().from(payments).where(eq(payments.id, paymentId)).get();
    if (byId && (byId.stripeCheckoutSessionId === null || byId.stripeCheckoutSessionId === session.id)) return byId;
  }
  return ctx.db.select().from(payments).where(eq(payments.stripeCheckoutSessionId, session.id)).get();
}

function intentId(value: string | { id: string } | null): string | null {
  return typeof value === 'string' ? value : (value?.id ?? null);
}

/** Stripe money may arrive for a checkout we had given up on (the order is then revived or refunded). */
const LATE_OK: PaymentStatus[] = ['pending', 'cancelled', 'failed'];

async function recordOnly(ctx: PaymentContext, lead: Statement[], result: WebhookResult): Promise<WebhookResult> {
  await runBatch(ctx.db, lead);
  return result;
}

const sessionPaid: Handler = async (ctx, event, lead) => {
  const session = event.data.object as Stripe.Checkout.Session;
  const payment = await paymentForSession(ctx, session);
  if (!payment) return recordOnly(ctx, lead, 'ignored');
  if (session.payment_status !== 'paid') {
    // An asynchronous method is still settling: remember the intent and stop the expiry clock; its
    // async_payment_succeeded / _failed event decides.
    await runBatch(ctx.db, [
      ...lead,
      ctx.db
        .update(payments)
        .set({ stripeCheckoutSessionId: session.id, stripePaymentIntentId: intentId(session.payment_intent), updatedAt: ctx.now })
        .where(eq(payments.id, payment.id)),
      ...(payment.orderId
        ? [ctx.db.update(orders).set({ paymentDueAt: null, updatedAt: ctx.now }).where(eq(orders.id, payment.orderId))]
        : []),
    ]);
    return 'awaiting_payment';
  }
  if (payment.status === 'cancelled' || payment.status === 'failed') {
    // We had given up on this checkout (expiry job, buyer cancel): confirm with Stripe before restoring anything.
    if (!ctx.stripe) throw new AppError('payment_provider_error', 'Stripe is not configured; cannot confirm a late payment');
    const current = await ctx.stripe.checkout.sessions.retrieve(session.id, { expand: SESSION_EXPAND });
    if (current.payment_status !== 'paid') return recordOnly(ctx, lead, 'no_change');
    return subjectOf(payment).moneyArrived(ctx, payment, await arrivalFromSession(ctx.stripe, current, { from: LATE_OK, lead }));
  }
  return subjectOf(payment).moneyArrived(ctx, payment, await arrivalFromSession(ctx.stripe, session, { from: LATE_OK, lead }));
};

const sessionEnded =
  (reason: 'expired' | 'failed'): Handler =>
  async (ctx, event, lead) => {
    const session = event.data.object as Stripe.Checkout.Session;
    const payment = await paymentForSession(ctx, session);
    if (!payment) return recordOnly(ctx, lead, 'ignored');
    return subjectOf(payment).checkoutAbandoned(ctx, payment, reason, lead);
  };

async function syncRefund(ctx: PaymentContext, stripeRefund: Stripe.Refund, lead: Statement[]): Promise<WebhookResult> {
  const refundId = stripeRefund.metadata?.refundId;
  const ours =
    (refundId ? await ctx.db.select().from(refunds).where(eq(refunds.id, refundId)).get() : undefined) ??
    (await ctx.db.select().from(refunds).where(eq(refunds.stripeRefundId, stripeRefund.id)).get());
  if (ours) {
    const payment = (await ctx.db.select().from(payments).where(eq(payments.id, ours.paymentId)).get())!;
    const before = ours.status;
    const after = await applyStripeRefund(ctx, subjectOf(payment), ours.id, stripeRefund, lead);
    return after.status === before ? 'no_change' : 'applied';
  }
  const paymentIntent = intentId(stripeRefund.payment_intent);
  const payment = paymentIntent ? await ctx.db.select().from(payments).where(eq(payments.stripePaymentIntentId, paymentIntent)).get() : undefined;
  if (!payment || stripeRefund.status !== 'succeeded') return recordOnly(ctx, lead, 'ignored');
  await recordExternalStripeRefund(ctx, subjectOf(payment), payment, stripeRefund, lead);
  return 'applied';
}

const refundChanged: Handler = (ctx, event, lead) => syncRefund(ctx, event.data.object as Stripe.Refund, lead);

/** `charge.refunded` carries the charge, not its refunds: re-read them from Stripe and settle each. */
const chargeRefunded: Handler = async (ctx, event, lead) => {
  const charge = event.data.object as Stripe.Charge;
  const paymentIntent = intentId(charge.payment_intent);
  if (!paymentIntent) return recordOnly(ctx, lead, 'ignored');
  const known = await ctx.db.select({ id: payments.id }).from(payments).where(eq(payments.stripePaymentIntentId, paymentIntent)).get();
  if (!known) return recordOnly(ctx, lead, 'ignored');
  if (!ctx.stripe) throw new AppError('payment_provider_error', 'Stripe is not configured; cannot read the refunds');
  const list = await ctx.stripe.refunds.list({ payment_intent: paymentIntent, limit: 100 });
  let result: WebhookResult = 'no_change';
  let pendingLead = lead;
  for (const stripeRefund of list.data) {
    const outcome = await syncRefund(ctx, stripeRefund, pendingLead);
    pendingLead = [];
    if (outcome === 'applied') result = 'applied';
  }
  if (pendingLead.length) await runBatch(ctx.db, pendingLead);
  return result;
};

const handlers: Partial<Record<Stripe.Event['type'], Handler>> = {
  'checkout.session.completed': sessionPaid,
  'checkout.session.async_payment_succeeded': sessionPaid,
  'checkout.session.async_payment_failed': sessionEnded('failed'),
  'checkout.session.expired': sessionEnded('expired'),
  'charge.refunded': chargeRefunded,
  'refund.created': refundChanged,
  'refund.updated': refundChanged,
  'refund.failed': refundChanged,
};
