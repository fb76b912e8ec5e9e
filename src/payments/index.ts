/** The public module of payments: Stripe access, Checkout, refunds and the payment-subject contract. Everything else in the folder is private. */
export { CHECKOUT_WINDOW_MS, SESSION_EXPAND, arrivalFromSession, closeCheckoutSession } from './checkout';
export { paymentsApi } from './payments.index';
export { paymentsPages } from './payments.pages';
export { applyStripeRefund, refundPayment, settleRefund } from './refunds';
export { getStripe, stripeConfigured } from './stripe';
export {
  registerPaymentSubjects,
  registeredSubject,
  subjectOf,
  type MoneyArrival,
  type PaymentContext,
  type PaymentOutcome,
  type PaymentRow,
  type PaymentSubject,
  type RefundRow,
} from './subjects';
