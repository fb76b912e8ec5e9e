import { eq } from 'drizzle-orm';
import { runBatch, type Statement } from '../db/batch';
import { payments } from '../db/schema';
import { salesRollupStatements } from '../impact';
import { AppError } from '../lib/errors';
import type { PaymentSubject } from '../payments';
import { applyParticipantPaymentEffect, participantPaymentFailedOrExpired, participantPaymentSucceeded } from './group-buys.payments';

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

  /** Called after the refund row turned succeeded: the impact rollup shares it over the participant's goods. */
  async refundSucceededStatements(ctx, _payment, refund): Promise<Statement[]> {
    return salesRollupStatements(ctx.db, { kind: 'refund', refundId: refund.id });
  },
};
