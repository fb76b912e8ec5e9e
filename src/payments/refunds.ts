import { eq, sql } from 'drizzle-orm';
import Stripe from 'stripe';
import { isConstraintError, runBatch, type Statement } from '../db/batch';
import { payments, refunds } from '../db/schema';
import type { Actor } from '../env';
import { auditEntry } from '../lib/audit';
import { AppError } from '../lib/errors';
import { newId } from '../lib/ids';
import { retryOnGuardFailure, transition } from '../db/guards';
import { ProviderError, PROVIDER_NAMES, type ProviderName } from './providers/provider';
import { providerOf } from './providers/registry';
import type { PaymentContext, PaymentRow, PaymentSubject, RefundRow } from './subjects';

/**
 * Refunds, full or partial. The amount is reserved on the payment first (its CHECK refuses more than
 * was paid, however many refunds race), then Stripe is asked — with the refund row's own idempotency
 * key, so a retry cannot refund twice — when Stripe took the money; otherwise the refund is recorded as
 * made (bank transfer back, cash at the desk) with the admin's note. A refund that fails gives its
 * reservation back; one that succeeds rolls up into the impact figures and may close the order.
 */

export type RefundRequest = {
  amountFen?: number;
  reason: string;
  actor: Actor | null;
  /** Statements written with the refund row (an Idempotency-Key record), so they exist together or not at all. */
  alongside?: Statement[];
  /** Refund id chosen by the caller (so an idempotency record can point at it before it exists). */
  refundId?: string;
};

function tookByStripe(payment: PaymentRow): boolean {
  return payment.method === 'stripe' && payment.stripePaymentIntentId !== null;
}

/** WeChat Pay or Alipay took it: the refund goes back through them, the way the money came. */
function tookByProvider(payment: PaymentRow): payment is PaymentRow & { method: ProviderName } {
  return (PROVIDER_NAMES as readonly string[]).includes(payment.method) && payment.providerTradeNo !== null;
}

export async function refundPayment(ctx: PaymentContext, subject: PaymentSubject, payment: PaymentRow, request: RefundRequest): Promise<RefundRow> {
  if (payment.status !== 'succeeded') throw new AppError('invalid_state', 'Nothing has been paid yet, so there is nothing to refund');
  const remaining = payment.amountFen - payment.refundedFen;
  if (remaining <= 0) throw new AppError('invalid_state', 'This payment has already been refunded in full');
  const amountFen = request.amountFen ?? remaining;
  if (amountFen > remaining) {
    throw new AppError('unprocessable', `At most ${remaining} fen can still be refunded`, {
      errors: [{ path: 'body.amountFen', message: `At most ${remaining} fen can still be refunded` }],
    });
  }
  const refundId = request.refundId ?? newId('rfd');
  const refund: RefundRow = {
    id: refundId,
    paymentId: payment.id,
    orderId: payment.orderId,
    participantId: payment.participantId,
    amountFen,
    reason: request.reason,
    status: 'pending',
    idempotencyKey: `refund:${refundId}`,
    stripeRefundId: null,
    createdByUserId: request.actor?.userId ?? null,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  const reserve: Statement[] = [
    // First, so a concurrent twin with the same Idempotency-Key fails on its key and replays the winner.
    ...(request.alongside ?? []),
    ctx.db.insert(refunds).values(refund),
    ctx.db
      .update(payments)
      .set({ refundedFen: sql`${payments.refundedFen} + ${amountFen}`, updatedAt: ctx.now })
      .where(eq(payments.id, payment.id)),
    auditEntry(ctx.db, {
      actor: request.actor,
      action: 'payment.refund',
      entityType: payment.orderId ? 'order' : 'group_buy_participant',
      entityId: payment.orderId ?? payment.participantId ?? payment.id,
      before: { refundedFen: payment.refundedFen },
      after: { refundId, amountFen, reason: request.reason, via: payment.method },
      at: ctx.now,
    }),
  ];

  try {
    if (!tookByStripe(payment) && !tookByProvider(payment)) {
      // Money that did not go through Stripe was given back by hand; record it as done, in one batch.
      await retryOnGuardFailure(async () => runBatch(ctx.db, [...reserve, ...(await settledStatements(ctx, subject, payment, refund, 'succeeded'))]));
      return { ...refund, status: 'succeeded' };
    }
    await runBatch(ctx.db, reserve);
  } catch (error) {
    if (isConstraintError(error, 'payments_refund_within_amount') || isConstraintError(error, 'orders_refund_within_total')) {
      throw new AppError('conflict', 'Another refund was recorded meanwhile; this one would refund more than was paid');
    }
    throw error;
  }

  if (tookByProvider(payment)) return refundThroughProvider(ctx, subject, payment, refund);
  if (!ctx.stripe) throw new AppError('payment_provider_error', 'Stripe took this payment but is not configured now; the refund is recorded as pending');
  let stripeRefund: Stripe.Refund;
  try {
    stripeRefund = await ctx.stripe.refunds.create(
      {
        payment_intent: payment.stripePaymentIntentId!,
        amount: amountFen,
        reason: 'requested_by_customer',
        metadata: { refundId, paymentId: payment.id, ...(payment.orderId ? { orderId: payment.orderId } : {}) },
      },
      { idempotencyKey: refund.idempotencyKey },
    );
  } catch (error) {
    if (error instanceof Stripe.errors.StripeInvalidRequestError || error instanceof Stripe.errors.StripeCardError) {
      // Stripe refused it outright (e.g. past the wallet's refund window): nothing was refunded.
      await settleRefund(ctx, subject, refundId, 'failed', { lead: [] });
      throw new AppError('payment_provider_error', `Stripe refused the refund: ${error.message}`, { cause: error });
    }
    if (error instanceof Stripe.errors.StripeError) {
      // The outcome is unknown (network, Stripe outage): the refund stays pending; its webhook or a
      // retry with the same key settles it.
      throw new AppError('payment_provider_error', 'Stripe did not confirm the refund yet; it is recorded as pending', { cause: error });
    }
    throw error;
  }
  return applyStripeRefund(ctx, subject, refundId, stripeRefund, []);
}

/**
 * Our refund id is the provider's refund number (`out_refund_no`, `out_request_no`): asking again
 * after a lost answer refunds once. A refusal gives the reservation back; an unknown outcome leaves
 * the refund pending for its notification (or a retry of the same refund).
 */
async function refundThroughProvider(ctx: PaymentContext, subject: PaymentSubject, payment: PaymentRow & { method: ProviderName }, refund: RefundRow): Promise<RefundRow> {
  const provider = providerOf(ctx.env, payment.method);
  if (!provider) throw new AppError('payment_provider_error', `${payment.method} took this payment but is not configured now; the refund is recorded as pending`);
  let outcome: Awaited<ReturnType<typeof provider.refund>>;
  try {
    outcome = await provider.refund({
      outTradeNo: payment.id,
      outRefundNo: refund.id,
      amountFen: refund.amountFen,
      totalFen: payment.amountFen,
      reason: refund.reason,
      notifyUrl: `${ctx.env.APP_URL.replace(/\/$/, '')}/api/v1/webhooks/${payment.method === 'wechat_pay' ? 'wechat-pay' : 'alipay'}`,
    });
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    if (error.refused) {
      await settleRefund(ctx, subject, refund.id, 'failed', { lead: [] });
      throw new AppError('payment_provider_error', `${payment.method} refused the refund: ${error.code}`, { cause: error });
    }
    throw new AppError('payment_provider_error', `${payment.method} did not confirm the refund yet; it is recorded as pending`, { cause: error });
  }
  if (outcome.state === 'processing') return refund;
  return settleRefund(ctx, subject, refund.id, outcome.state, { lead: [] });
}

/**
 * Pushes a pending refund of a WeChat Pay / Alipay payment to its provider, for a domain that records the
 * refund in its own batch first (a failed group buy, a cancelled place). Our refund id is the provider's
 * refund number, so a second push — the cron job, a concurrent close — refunds once. Returns the refund's
 * status afterwards: still pending when the outcome is unknown (tried again later) or the provider is off.
 */
export async function settleProviderRefund(ctx: PaymentContext, subject: PaymentSubject, refundId: string): Promise<RefundRow['status']> {
  const refund = await ctx.db.select().from(refunds).where(eq(refunds.id, refundId)).get();
  if (!refund || refund.status !== 'pending') return refund?.status ?? 'failed';
  const payment = await ctx.db.select().from(payments).where(eq(payments.id, refund.paymentId)).get();
  if (!payment || !tookByProvider(payment)) return refund.status;
  try {
    return (await refundThroughProvider(ctx, subject, payment, refund)).status;
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'payment_provider_error') throw error;
    console.error(`refund ${refund.id}: ${error.message}`);
    return (await ctx.db.select({ status: refunds.status }).from(refunds).where(eq(refunds.id, refundId)).get())?.status ?? refund.status;
  }
}

/** Settles our refund row from Stripe's refund object (the create response or a webhook). */
export async function applyStripeRefund(ctx: PaymentContext, subject: PaymentSubject, refundId: string, stripeRefund: Stripe.Refund, lead: Statement[]): Promise<RefundRow> {
  const outcome = stripeRefund.status === 'succeeded' ? 'succeeded' : stripeRefund.status === 'failed' || stripeRefund.status === 'canceled' ? 'failed' : null;
  if (outcome) return settleRefund(ctx, subject, refundId, outcome, { lead, stripeRefundId: stripeRefund.id });
  await runBatch(ctx.db, [
    ...lead,
    ctx.db.update(refunds).set({ stripeRefundId: stripeRefund.id, updatedAt: ctx.now }).where(eq(refunds.id, refundId)),
  ]);
  return (await ctx.db.select().from(refunds).where(eq(refunds.id, refundId)).get())!;
}

async function settledStatements(ctx: PaymentContext, subject: PaymentSubject, payment: PaymentRow, refund: RefundRow, outcome: 'succeeded' | 'failed', stripeRefundId?: string): Promise<Statement[]> {
  const row = ctx.db
    .update(refunds)
    .set({ status: transition(refunds.status, ['pending'], outcome), updatedAt: ctx.now, ...(stripeRefundId ? { stripeRefundId } : {}) })
    .where(eq(refunds.id, refund.id));
  if (outcome === 'succeeded') return [row, ...(await subject.refundSucceededStatements(ctx, payment, refund))];
  return [
    row,
    ctx.db
      .update(payments)
      .set({ refundedFen: sql`${payments.refundedFen} - ${refund.amountFen}`, updatedAt: ctx.now })
      .where(eq(payments.id, payment.id)),
  ];
}

/** Moves a pending refund to its outcome once (a second settlement of the same refund changes nothing). */
export async function settleRefund(
  ctx: PaymentContext,
  subject: PaymentSubject,
  refundId: string,
  outcome: 'succeeded' | 'failed',
  options: { lead: Statement[]; stripeRefundId?: string },
): Promise<RefundRow> {
  return retryOnGuardFailure(async () => {
    const refund = await ctx.db.select().from(refunds).where(eq(refunds.id, refundId)).get();
    if (!refund) throw new Error(`refund ${refundId} not found`);
    if (refund.status !== 'pending') {
      await runBatch(ctx.db, options.lead);
      return refund;
    }
    const payment = (await ctx.db.select().from(payments).where(eq(payments.id, refund.paymentId)).get())!;
    await runBatch(ctx.db, [...options.lead, ...(await settledStatements(ctx, subject, payment, refund, outcome, options.stripeRefundId))]);
    return { ...refund, status: outcome, stripeRefundId: options.stripeRefundId ?? refund.stripeRefundId };
  });
}

/**
 * A refund Stripe made that we did not ask for (issued in the Stripe Dashboard): recorded so the
 * books, the order and the impact figures agree with the money.
 */
export async function recordExternalStripeRefund(ctx: PaymentContext, subject: PaymentSubject, payment: PaymentRow, stripeRefund: Stripe.Refund, lead: Statement[]): Promise<void> {
  const refundId = newId('rfd');
  const refund: RefundRow = {
    id: refundId,
    paymentId: payment.id,
    orderId: payment.orderId,
    participantId: payment.participantId,
    amountFen: stripeRefund.amount,
    reason: 'Refunded in the Stripe Dashboard',
    status: 'pending',
    idempotencyKey: `stripe:${stripeRefund.id}`,
    stripeRefundId: stripeRefund.id,
    createdByUserId: null,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  await runBatch(ctx.db, [
    ...lead,
    ctx.db.insert(refunds).values(refund),
    ctx.db
      .update(payments)
      .set({ refundedFen: sql`${payments.refundedFen} + ${refund.amountFen}`, updatedAt: ctx.now })
      .where(eq(payments.id, payment.id)),
    ...(await settledStatements(ctx, subject, payment, refund, 'succeeded')),
  ]);
}
