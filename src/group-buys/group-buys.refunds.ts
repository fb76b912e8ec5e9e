import Stripe from 'stripe';
import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import type { Statement } from '../db/batch';
import { payments, refunds } from '../db/schema';
import type { Actor, Bindings } from '../env';
import { getStripe } from '../payments';
import { applyStripeRefund, isProviderMethod, providersAvailable, registeredSubject, settleProviderRefund, settleRefund as settleRefundRow } from '../payments';
import { newId } from '../lib/ids';
import type { PaymentRow } from './group-buys.queries';

/**
 * Refunds of group-buy participants, in two steps so a crash between them loses nothing:
 *  1. the batch that decides the refund (cancel, failed group, late payment) inserts a `pending`
 *     refund whose idempotency key is `gb-refund:<participantId>` — unique, so no second refund of
 *     the same participant can be recorded — and reserves its amount on the payment
 *     (`refunded_fen`, CHECK <= amount), as the payments domain does for every refund;
 *  2. after that batch commits, `settleRefund` asks Stripe for the refund with that same key (a
 *     retry, by the cron job or anyone, gets the same Stripe refund back) and records Stripe's answer
 *     through the payments domain (src/payments/refunds.ts): the refund row moves from pending once,
 *     a success adds the `sales_daily` refund, a failure gives the reservation back. Stripe's refund
 *     webhooks reach the same code through the participant payment subject.
 */
export function participantRefundKey(participantId: string): string {
  return `gb-refund:${participantId}`;
}

export type RefundReason = 'participant_cancelled' | 'group_failed' | 'late_payment';

/** The pending refund of a participant's whole payment, with its amount reserved on the payment. */
export function pendingRefundStatements(
  db: Db,
  input: { payment: Pick<PaymentRow, 'id' | 'amountFen'>; participantId: string; reason: RefundReason; actor: Actor | null; now: number },
): Statement[] {
  return [
    db.insert(refunds).values({
      id: newId('rfd'),
      paymentId: input.payment.id,
      participantId: input.participantId,
      amountFen: input.payment.amountFen,
      reason: input.reason,
      status: 'pending',
      idempotencyKey: participantRefundKey(input.participantId),
      createdByUserId: input.actor?.userId ?? null,
      createdAt: input.now,
      updatedAt: input.now,
    }),
    db
      .update(payments)
      .set({ refundedFen: sql`${payments.refundedFen} + ${input.payment.amountFen}`, updatedAt: input.now })
      .where(eq(payments.id, input.payment.id)),
  ];
}

type RefundRow = typeof refunds.$inferSelect;

/**
 * Pushes one pending refund through Stripe (or WeChat Pay / Alipay) and records the outcome. Safe to call any number of
 * times, concurrently: Stripe answers the same idempotency key with the same refund, and recording
 * the outcome is a guarded transition. Returns the refund's status afterwards.
 */
export async function settleRefund(db: Db, env: Pick<Bindings, 'STRIPE_SECRET_KEY'>, refundId: string, now: number): Promise<RefundRow['status']> {
  const [refund] = await db.select().from(refunds).where(eq(refunds.id, refundId)).limit(1);
  if (!refund) return 'failed';
  if (refund.status !== 'pending') return refund.status;
  const [payment] = await db.select().from(payments).where(eq(payments.id, refund.paymentId)).limit(1);
  // WeChat Pay and Alipay: back the way the money came, our refund id as their refund number.
  if (payment && isProviderMethod(payment.method)) return settleProviderRefund({ db, env: env as Bindings, stripe: null, now }, registeredSubject('participant'), refund.id);
  const stripe = getStripe(env);
  if (!stripe) return refund.status;
  if (!payment?.stripePaymentIntentId) {
    console.error(`refund ${refund.id}: payment ${refund.paymentId} has no Stripe payment intent`);
    return refund.status;
  }
  const ctx = { db, env: env as Bindings, stripe, now };
  let stripeRefund: Stripe.Refund;
  try {
    stripeRefund = refund.stripeRefundId
      ? await stripe.refunds.retrieve(refund.stripeRefundId)
      : await stripe.refunds.create(
          {
            payment_intent: payment.stripePaymentIntentId,
            amount: refund.amountFen,
            reason: 'requested_by_customer',
            metadata: { refundId: refund.id, participantId: refund.participantId ?? '', paymentId: payment.id },
          },
          { idempotencyKey: refund.idempotencyKey },
        );
  } catch (error) {
    if (error instanceof Stripe.errors.StripeInvalidRequestError || error instanceof Stripe.errors.StripeCardError) {
      // Refused outright (e.g. past the wallet's refund window): nothing was refunded; an admin follows up.
      console.error(`refund ${refund.id}: Stripe refused it`, error);
      return (await settleRefundRow(ctx, registeredSubject('participant'), refund.id, 'failed', { lead: [] })).status;
    }
    // Unknown outcome (network, outage): stays pending; the cron job retries with the same key.
    console.error(`refund ${refund.id}: Stripe was unreachable`, error);
    return refund.status;
  }
  return (await applyStripeRefund(ctx, registeredSubject('participant'), refund.id, stripeRefund, [])).status;
}

/** The cron job's part: every pending participant refund, oldest first, bounded per run. */
export async function settlePendingParticipantRefunds(db: Db, env: Pick<Bindings, 'STRIPE_SECRET_KEY'>, now: number, limit = 50): Promise<number> {
  const providers = providersAvailable(env as Bindings);
  if (!env.STRIPE_SECRET_KEY && !providers.wechat_pay && !providers.alipay) return 0;
  const pending = await db
    .select({ id: refunds.id })
    .from(refunds)
    .where(and(eq(refunds.status, 'pending'), isNotNull(refunds.participantId)))
    .orderBy(asc(refunds.createdAt))
    .limit(limit);
  let settled = 0;
  for (const { id } of pending) {
    if ((await settleRefund(db, env, id, now)) !== 'pending') settled += 1;
  }
  return settled;
}

/** Pending refunds of these participants (what a close or cancel just decided), to settle right away. */
export async function pendingRefundIdsOf(db: Db, participantIds: string[]): Promise<string[]> {
  const keys = participantIds.map(participantRefundKey);
  const ids: string[] = [];
  for (let i = 0; i < keys.length; i += 80) {
    const rows = await db
      .select({ id: refunds.id })
      .from(refunds)
      .where(and(inArray(refunds.idempotencyKey, keys.slice(i, i + 80)), eq(refunds.status, 'pending')));
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}
