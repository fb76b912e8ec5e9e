/** The public module of payments: Stripe access, Checkout, refunds and the payment-subject contract. Everything else in the folder is private. */
export { CHECKOUT_WINDOW_MS, SESSION_EXPAND, arrivalFromSession, closeCheckoutSession } from './checkout';
export { paymentsApi } from './payments.index';
export { paymentsPages } from './payments.pages';
export { applyStripeRefund, refundPayment, settleProviderRefund, settleRefund } from './refunds';
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

// WeChat Pay and Alipay called directly (one provider interface), beside Stripe.
export { alipayGatewayOrigin, closeProviderPayment, PAYMENT_FORM_ORIGINS, isProviderMethod, payChannelFor, payPageUrl, paysOnline, syncProviderPayment } from './online';
export { PROVIDER_NAMES, type PayChannel, type ProviderName } from './providers/provider';
export { providersAvailable } from './providers/registry';
export { OnlineMethodOptions } from './online.views';
export { queryUnnotifiedPayments } from './online.jobs';
export { reconcileStatements } from './reconciliation';
