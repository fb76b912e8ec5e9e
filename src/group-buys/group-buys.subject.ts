import { eq } from 'drizzle-orm';
import { runBatch, type Statement } from '../db/batch';
import { groupBuyParticipants, payments } from '../db/schema';
import { salesRollupStatements } from '../impact/rollup';
import { AppError } from '../lib/errors';
import type { PaymentSubject } from '../payments/subjects';
import { applyParticipantPaymentEffect, participantPaymentFailedOrExpired, participantPaymentSucceeded } from './group-buys.payments';
import { loadParticipations, rollupLinesOf } from './group-buys.queries';

/**
 * A group-buy participant as a payment subject of the payments domain (src/payments/subjects.ts):
 * its webhook, admin confirmation and refund settlement call these, which run the group-buy
 * builders of group-buys.payments.ts in the batch that starts with the caller's `lead` (the
 * webhook's stripe_events insert) and decide again when a guard saw a concurrent change.
 */
export const participantPayments: PaymentSubject = {
  async moneyArrived(ctx, payment, arrival) {
    const [current] = await ctx.db.select().from(payments).where(eq(payments.id, payment.id)).limit(1);
    if (current?.status === 'succeeded') {
      await runBatch(ctx.db, arrival.lead);
      return 'already_applied';
    }
    if (!current || !arrival.from.includes(current.status)) {
      throw new AppError('invalid_state', `This payment is ${current?.status ?? 'unknown'}; it cannot be recorded as received`);
    }
    const { stripePaymentIntentId, stripePaymentMethodType, ...details } = arrival.details;
    const outcome = await applyParticipantPaymentEffect(
      ctx.db,
      ctx.env,
      () =>
        participantPaymentSucceeded(ctx.db, {
          paymentId: payment.id,
          stripePaymentIntentId: stripePaymentIntentId ?? current.stripePaymentIntentId,
          paymentMethodType: stripePaymentMethodType ?? current.stripePaymentMethodType,
          details,
          at: ctx.now,
        }),
      arrival.lead,
      arrival.trail,
    );
    return outcome === 'no_change' ? 'already_applied' : outcome;
  },

  async checkoutAbandoned(ctx, payment, reason, lead) {
    const outcome = await applyParticipantPaymentEffect(
      ctx.db,
      ctx.env,
      () => participantPaymentFailedOrExpired(ctx.db, { paymentId: payment.id, at: ctx.now, outcome: reason }),
      lead,
    );
    return outcome === 'applied' ? 'applied' : 'no_change';
  },

  /** The refund's share of each line goes out of `sales_daily` (participants are refunded whole, so usually all of it). */
  async refundSucceededStatements(ctx, payment, refund): Promise<Statement[]> {
    if (!payment.participantId) return [];
    const [row] = await ctx.db
      .select({ groupBuyId: groupBuyParticipants.groupBuyId })
      .from(groupBuyParticipants)
      .where(eq(groupBuyParticipants.id, payment.participantId))
      .limit(1);
    const [participation] = row ? await loadParticipations(ctx.db, row.groupBuyId, { participantId: payment.participantId }) : [];
    if (!participation || payment.amountFen <= 0) return [];
    const lines = rollupLinesOf(participation.lines).map((line) => ({
      ...line,
      amountFen: Math.floor((line.amountFen * refund.amountFen) / payment.amountFen),
    }));
    const rounding = refund.amountFen - lines.reduce((sum, l) => sum + l.amountFen, 0);
    if (lines[0]) lines[0].amountFen += rounding;
    return salesRollupStatements(ctx.db, { kind: 'refund', at: ctx.now, lines: lines.filter((l) => l.amountFen > 0) });
  },
};
