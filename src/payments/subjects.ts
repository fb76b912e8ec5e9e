import type Stripe from 'stripe';
import type { Db } from '../db/client';
import type { Statement } from '../db/batch';
import type { payments, PaymentStatus, refunds } from '../db/schema';
import type { Actor, Bindings } from '../env';
import { AppError } from '../lib/errors';

/**
 * A payment row pays for a *subject*: an order, or a group-buy participant. Webhooks, admin
 * confirmation, the expiry job and refunds find the payment, then hand the subject-specific effects
 * (order paid, stock, shipments, roll-up) to its subject. The subjects live in their domains
 * (orders/order-payments.ts, group-buys/group-buys.subject.ts); the composition root registers them,
 * so payments imports neither.
 */

export type PaymentRow = typeof payments.$inferSelect;
export type RefundRow = typeof refunds.$inferSelect;

export type PaymentContext = { db: Db; env: Bindings; stripe: Stripe | null; now: number };

export type MoneyArrival = {
  /** Columns recorded on the payment row with the success (Stripe ids, bank reference, who confirmed). */
  details: Partial<Pick<PaymentRow, 'stripePaymentIntentId' | 'stripeCheckoutSessionId' | 'stripePaymentMethodType' | 'bankReference' | 'confirmedByUserId'>>;
  /** Payment states it may succeed from. Stripe money can arrive for a checkout we had given up on; an admin confirms only pending ones. */
  from: readonly PaymentStatus[];
  /** Statements that must open the batch (a webhook's event-id insert). */
  lead: Statement[];
  /** Statements that close the batch (the audit row of an admin confirmation). */
  trail: Statement[];
  /** Who recorded it, when a person did (refunds issued automatically are attributed to them). */
  actor: Actor | null;
};

export type PaymentOutcome =
  /** The effect was applied now. */
  | 'applied'
  /** It had been applied before (another event, the return page, a retry). */
  | 'already_applied'
  /** Nothing to do in the subject's current state (e.g. expiry of a paid order). */
  | 'no_change'
  /** Money arrived after the subject was cancelled, and it was restored. */
  | 'revived'
  /** Money arrived after the subject was cancelled and could not be restored: refunded in full. */
  | 'refunded';

export interface PaymentSubject {
  moneyArrived(ctx: PaymentContext, payment: PaymentRow, arrival: MoneyArrival): Promise<PaymentOutcome>;
  /** The checkout can no longer take money: it expired, or its asynchronous payment failed. */
  checkoutAbandoned(ctx: PaymentContext, payment: PaymentRow, reason: 'expired' | 'failed', lead: Statement[]): Promise<PaymentOutcome>;
  /** Subject effects of a refund that succeeded (after the refund row's own transition): roll-up, refunded status. */
  refundSucceededStatements(ctx: PaymentContext, payment: PaymentRow, refund: RefundRow): Promise<Statement[]>;
}

const paymentSubjects: { order?: PaymentSubject; participant?: PaymentSubject } = {};

/** Called by the composition root (src/compose.ts) before any request or job runs. */
export function registerPaymentSubjects(subjects: { order: PaymentSubject; participant: PaymentSubject }) {
  Object.assign(paymentSubjects, subjects);
}

/** The registered subject of one kind, for a domain that settles its own refunds through payments. */
export function registeredSubject(kind: 'order' | 'participant'): PaymentSubject {
  const subject = paymentSubjects[kind];
  if (!subject) throw new AppError('internal', `No payment subject registered for ${kind}`);
  return subject;
}

export function subjectOf(payment: PaymentRow): PaymentSubject {
  if (payment.orderId && paymentSubjects.order) return paymentSubjects.order;
  if (payment.participantId && paymentSubjects.participant) return paymentSubjects.participant;
  // Surfaces as a 500 so Stripe keeps retrying the event until a handler exists for it.
  throw new AppError('internal', `No payment handler for payment ${payment.id}`);
}
