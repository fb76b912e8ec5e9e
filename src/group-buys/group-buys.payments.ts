/**
 * Group-buy payments as seen from the payments domain. The Stripe webhook endpoint (src/payments)
 * verifies and deduplicates events, finds the payment row and hands a participant's payment to
 * `participantPayments` (group-buys.subject.ts, registered in src/payments/subjects.ts), which runs
 * the builders below. They are plain functions, usable and tested without a signed event:
 *
 *   money arrived (checkout.session.completed with payment_status 'paid', async_payment_succeeded,
 *   an admin confirming a pay-at-pickup payment)
 *       → participantPaymentSucceeded(db, { paymentId, stripePaymentIntentId, paymentMethodType, details?, at })
 *   checkout ended without money (checkout.session.expired, async_payment_failed)
 *       → participantPaymentFailedOrExpired(db, { paymentId, at, outcome: 'expired' | 'failed' })
 *   refund events need nothing here: src/payments/refunds.ts settles the refund row and asks the
 *       subject only for its roll-up (refundSucceededStatements).
 *
 * Each returns a `ParticipantPaymentEffect`: `statements` for the effect batch (the webhook puts its
 * stripe_events insert first: `runBatch(db, [insertEvent, ...effect.statements])`), and
 * `afterCommit(env)` to call once that batch has committed (Stripe refunds for payments that arrive
 * after the participant lost their place; closing a full group whose last checkout just settled).
 * `afterCommit` is safe to skip — the cron job does the same work on its next run.
 *
 * The statements begin with guards on the state the function read. If the batch fails with
 * `isGuardFailure(error)` (group-buys.statements.ts) the participant changed in between (a close, a
 * cancel): call the function again and run the new statements (`applyParticipantPaymentEffect`
 * does exactly this loop, with the event insert as `prefix`). An empty `statements` means nothing
 * to do (unknown payment, or already applied): the event insert alone records the event.
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { runBatch, type Statement } from '../db/batch';
import { groupBuyParticipants, payments } from '../db/schema';
import type { Bindings } from '../env';
import { salesRollupStatements } from '../impact';
import { auditEntry } from '../lib/audit';
import { AppError } from '../lib/errors';
import { closeIfCapacityReached } from './group-buys.close';
import { afterWithdrawal, withdrawStatements } from './group-buys.participants';
import { loadParticipations, type Participation, type PaymentRow } from './group-buys.queries';
import { pendingRefundStatements } from './group-buys.refunds';
import { bumpGroup, bumpedVersion, decrementCounters, participantUnchanged, isGuardFailure, paymentUnchanged } from './group-buys.statements';

export type StripeEnv = Pick<Bindings, 'STRIPE_SECRET_KEY'>;

export type ParticipantPaymentEffect = {
  statements: Statement[];
  afterCommit: (env: StripeEnv) => Promise<void>;
  /** What the statements do: the participant is paid, or the money goes back (their place is gone). */
  outcome: 'applied' | 'refunded' | 'no_change';
};

const nothing: ParticipantPaymentEffect = { statements: [], afterCommit: async () => {}, outcome: 'no_change' };

async function participationOfPayment(db: Db, paymentId: string): Promise<Participation | null> {
  const [payment] = await db.select().from(payments).where(eq(payments.id, paymentId)).limit(1);
  if (!payment?.participantId) return null;
  const [row] = await db
    .select({ groupBuyId: groupBuyParticipants.groupBuyId })
    .from(groupBuyParticipants)
    .where(eq(groupBuyParticipants.id, payment.participantId))
    .limit(1);
  if (!row) return null;
  const [participation] = await loadParticipations(db, row.groupBuyId, { participantId: payment.participantId });
  return participation ?? null;
}


/**
 * Stripe took the money. A participant still waiting becomes `paid` (counted toward the
 * thresholds; the sale enters `sales_daily` in this batch). A participant who lost their place
 * meanwhile (dropped at close, cancelled, group failed) is refunded: the payment is recorded,
 * a pending refund inserted, and `afterCommit` sends it to Stripe.
 */
export async function participantPaymentSucceeded(
  db: Db,
  input: {
    paymentId: string;
    stripePaymentIntentId: string | null;
    paymentMethodType: string | null;
    /** Further columns the payments domain records with the success (checkout session, who confirmed). */
    details?: Partial<Pick<PaymentRow, 'stripeCheckoutSessionId' | 'providerTradeNo' | 'bankReference' | 'confirmedByUserId'>>;
    at: number;
  },
): Promise<ParticipantPaymentEffect> {
  const p = await participationOfPayment(db, input.paymentId);
  const payment = p?.payment;
  if (!p || !payment || payment.id !== input.paymentId || payment.status === 'succeeded') return nothing;
  const statements: Statement[] = [
    paymentUnchanged(db, payment.id, payment.status),
    participantUnchanged(db, p),
    db
      .update(payments)
      .set({
        ...input.details,
        status: 'succeeded',
        stripePaymentIntentId: input.stripePaymentIntentId,
        stripePaymentMethodType: input.paymentMethodType,
        paidAt: input.at,
        updatedAt: input.at,
      })
      .where(eq(payments.id, payment.id)),
    // After the payment turned succeeded: the rollup reads it (and the participant's lines) from the database.
    ...salesRollupStatements(db, { kind: 'sale', paymentId: payment.id }),
    auditEntry(db, {
      actor: null,
      action: 'group_buy.payment_succeeded',
      entityType: 'payment',
      entityId: payment.id,
      before: { status: payment.status, participantStatus: p.status },
      after: { status: 'succeeded', stripePaymentIntentId: input.stripePaymentIntentId, amountFen: payment.amountFen },
      at: input.at,
    }),
  ];
  if (p.status === 'pending_payment') {
    statements.push(
      db
        .update(groupBuyParticipants)
        .set({ status: 'paid', paidAt: input.at, updatedAt: bumpedVersion(groupBuyParticipants.updatedAt, input.at) })
        .where(eq(groupBuyParticipants.id, p.id)),
      // A payment changes what a close would decide: a close that read before it must decide again.
      bumpGroup(db, p.groupBuyId, input.at),
    );
    return {
      statements,
      afterCommit: async (env) => closeIfCapacityReached(db, env, p.groupBuyId, { now: Date.now(), actor: null }),
      outcome: 'applied',
    };
  }
  // The place is gone: keep the money's trail, give it back.
  statements.push(
    db
      .update(groupBuyParticipants)
      .set({ status: 'refunded', updatedAt: bumpedVersion(groupBuyParticipants.updatedAt, input.at) })
      .where(eq(groupBuyParticipants.id, p.id)),
    ...pendingRefundStatements(db, { payment, participantId: p.id, reason: 'late_payment', actor: null, now: input.at }),
  );
  return { statements, afterCommit: async (env) => afterWithdrawal(db, env, [p], Date.now()), outcome: 'refunded' };
}

/**
 * The checkout ended without money (expired, or an asynchronous method failed): the payment is
 * closed and a participant still waiting loses their place — stock, caps and counters released.
 */
export async function participantPaymentFailedOrExpired(
  db: Db,
  input: { paymentId: string; at: number; outcome?: 'failed' | 'expired' },
): Promise<ParticipantPaymentEffect> {
  const p = await participationOfPayment(db, input.paymentId);
  const payment = p?.payment;
  // Already succeeded, or already closed by a cancel or a close: nothing left to undo.
  if (!p || !payment || payment.id !== input.paymentId || payment.status !== 'pending') return nothing;
  const statements: Statement[] = [paymentUnchanged(db, payment.id, payment.status), participantUnchanged(db, p)];
  if (p.status === 'pending_payment') {
    statements.push(
      ...withdrawStatements(db, p, { now: input.at, actor: null, refundReason: 'participant_cancelled' }),
      decrementCounters(db, p.groupBuyId, 1, p.quantity, input.at),
    );
  }
  statements.push(
    db
      .update(payments)
      .set({ status: input.outcome === 'failed' ? 'failed' : 'cancelled', updatedAt: input.at })
      .where(eq(payments.id, payment.id)),
    auditEntry(db, {
      actor: null,
      action: input.outcome === 'failed' ? 'group_buy.payment_failed' : 'group_buy.payment_expired',
      entityType: 'payment',
      entityId: payment.id,
      before: { status: payment.status, participantStatus: p.status },
      after: { status: input.outcome === 'failed' ? 'failed' : 'cancelled' },
      at: input.at,
    }),
  );
  return {
    statements,
    // A released place may have been the one a full group waited on.
    afterCommit: async (env) => closeIfCapacityReached(db, env, p.groupBuyId, { now: Date.now(), actor: null }),
    outcome: 'applied',
  };
}

/**
 * The loop the webhook runs: build, batch with `prefix` (its stripe_events insert) in front, decide
 * again if a guard saw a concurrent change, then the after-commit work. A duplicate event's prefix
 * fails on its unique key: that error propagates so the caller answers 200 as for any duplicate.
 */
export async function applyParticipantPaymentEffect(
  db: Db,
  env: StripeEnv,
  build: () => Promise<ParticipantPaymentEffect>,
  prefix: Statement[] = [],
  /** Statements closing the batch when there is an effect (an admin confirmation's audit row). */
  trail: Statement[] = [],
): Promise<ParticipantPaymentEffect['outcome']> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const effect = await build();
    try {
      await runBatch(db, [...prefix, ...effect.statements, ...(effect.statements.length > 0 ? trail : [])]);
    } catch (error) {
      if (isGuardFailure(error)) continue;
      throw error;
    }
    await effect.afterCommit(env);
    return effect.outcome;
  }
  throw new AppError('conflict', 'The group buy kept changing while recording this payment; it will be retried');
}
