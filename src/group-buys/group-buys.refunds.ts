import type Stripe from 'stripe';
import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { runBatch, type Statement } from '../db/batch';
import { guard, isGuardFailure } from '../db/guard';
import { groupBuyParticipants, payments, refunds } from '../db/schema';
import { salesRollupStatements } from '../impact/rollup';
import type { Actor } from '../env';
import { auditEntry } from '../lib/audit';
import { newId } from '../lib/ids';
import { loadParticipations, rollupLinesOf, type PaymentRow } from './group-buys.queries';

/**
 * Refunds of group-buy participants, in two steps so a crash between them loses nothing:
 *  1. the batch that decides the refund (cancel, failed group, late payment) inserts a `pending`
 *     refund whose idempotency key is `gb-refund:<participantId>` — unique, so no second refund of
 *     the same participant can ever be recorded;
 *  2. after that batch commits, `settleRefund` asks Stripe for the refund with that same key (a
 *     retry, by the cron job or anyone, gets the same Stripe refund back) and records the outcome
 *     in a batch guarded on the refund still being pending: the `sales_daily` refund rollup and
 *     `payments.refunded_fen` move exactly once.
 */
export function participantRefundKey(participantId: string): string {
  return `gb-refund:${participantId}`;
}

export type RefundReason = 'participant_cancelled' | 'group_failed' | 'late_payment';

/** The pending refund of a participant's whole payment; a second call for the same participant inserts nothing. */
export function pendingRefundStatement(
  db: Db,
  input: { payment: Pick<PaymentRow, 'id' | 'amountFen'>; participantId: string; reason: RefundReason; actor: Actor | null; now: number },
) {
  return db
    .insert(refunds)
    .values({
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
    })
    .onConflictDoNothing({ target: refunds.idempotencyKey });
}

type RefundRow = typeof refunds.$inferSelect;
export type RefundOutcome = 'succeeded' | 'failed';

/**
 * Statements recording Stripe's final answer on a refund: guarded on the refund still being
 * pending, so two settlers (the close and the cron job, or a webhook) apply it once.
 */
export async function refundOutcomeStatements(
  db: Db,
  refund: RefundRow,
  outcome: RefundOutcome,
  stripeRefundId: string | null,
  at: number,
): Promise<Statement[]> {
  const statements: Statement[] = [
    guard(db, 'refund_not_pending', sql`EXISTS (SELECT 1 FROM refunds WHERE id = ${refund.id} AND status = 'pending')`),
    db
      .update(refunds)
      .set({ status: outcome, stripeRefundId: stripeRefundId ?? refund.stripeRefundId, updatedAt: at })
      .where(eq(refunds.id, refund.id)),
    auditEntry(db, {
      actor: null,
      action: outcome === 'succeeded' ? 'group_buy.refund_succeeded' : 'group_buy.refund_failed',
      entityType: 'refund',
      entityId: refund.id,
      before: { status: refund.status },
      after: { status: outcome, stripeRefundId, participantId: refund.participantId, amountFen: refund.amountFen },
      at,
    }),
  ];
  if (outcome === 'succeeded') {
    statements.push(
      // The CHECK refunded_fen <= amount_fen is a second line of defence against refunding twice.
      db
        .update(payments)
        .set({ refundedFen: sql`${payments.refundedFen} + ${refund.amountFen}`, updatedAt: at })
        .where(eq(payments.id, refund.paymentId)),
    );
    const lines = await participantLines(db, refund.participantId);
    statements.push(...salesRollupStatements(db, { kind: 'refund', at, lines: rollupLinesOf(lines) }));
  }
  return statements;
}

async function participantLines(db: Db, participantId: string | null) {
  if (!participantId) return [];
  const [row] = await db
    .select({ groupBuyId: groupBuyParticipants.groupBuyId })
    .from(groupBuyParticipants)
    .where(eq(groupBuyParticipants.id, participantId))
    .limit(1);
  if (!row) return [];
  const [participation] = await loadParticipations(db, row.groupBuyId, { participantId });
  return participation?.lines ?? [];
}

function outcomeOf(status: string | null): RefundOutcome | null {
  if (status === 'succeeded') return 'succeeded';
  if (status === 'failed' || status === 'canceled') return 'failed';
  return null; // pending, requires_action: Stripe will tell us later (webhook or the next cron run)
}

/**
 * Pushes one pending refund through Stripe and records the outcome. Safe to call any number of
 * times, concurrently: Stripe answers the same idempotency key with the same refund, and the
 * outcome batch is guarded. Returns the refund's status afterwards.
 */
export async function settleRefund(db: Db, stripe: Stripe | null, refundId: string, now: number): Promise<RefundRow['status']> {
  const [refund] = await db.select().from(refunds).where(eq(refunds.id, refundId)).limit(1);
  if (!refund) return 'failed';
  if (refund.status !== 'pending' || !stripe) return refund.status;
  const [payment] = await db.select().from(payments).where(eq(payments.id, refund.paymentId)).limit(1);
  if (!payment?.stripePaymentIntentId) {
    console.error(`refund ${refund.id}: payment ${refund.paymentId} has no Stripe payment intent`);
    return refund.status;
  }
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
    // Left pending: the cron job retries with the same idempotency key.
    console.error(`refund ${refund.id}: Stripe refused or was unreachable`, error);
    return refund.status;
  }
  const outcome = outcomeOf(stripeRefund.status);
  if (!outcome) {
    await db
      .update(refunds)
      .set({ stripeRefundId: stripeRefund.id, updatedAt: now })
      .where(and(eq(refunds.id, refund.id), eq(refunds.status, 'pending')));
    return 'pending';
  }
  try {
    await runBatch(db, await refundOutcomeStatements(db, refund, outcome, stripeRefund.id, now));
  } catch (error) {
    if (!isGuardFailure(error)) throw error;
    // Someone else recorded the outcome first.
  }
  const [after] = await db.select({ status: refunds.status }).from(refunds).where(eq(refunds.id, refund.id)).limit(1);
  return after?.status ?? outcome;
}

/** The cron job's part: every pending participant refund, oldest first, bounded per run. */
export async function settlePendingParticipantRefunds(db: Db, stripe: Stripe | null, now: number, limit = 50): Promise<number> {
  if (!stripe) return 0;
  const pending = await db
    .select({ id: refunds.id })
    .from(refunds)
    .where(and(eq(refunds.status, 'pending'), isNotNull(refunds.participantId)))
    .orderBy(asc(refunds.createdAt))
    .limit(limit);
  let settled = 0;
  for (const { id } of pending) {
    if ((await settleRefund(db, stripe, id, now)) !== 'pending') settled += 1;
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
