/**
 * The payments domain's public face for the rest of the app: WeChat Pay and Alipay called directly
 * (one provider interface), beside Stripe. Other domains import from here, never from a file inside.
 */
export { alipayGatewayOrigin, closeProviderPayment, PAYMENT_FORM_ORIGINS, isProviderMethod, payChannelFor, payPageUrl, paysOnline, syncProviderPayment } from './online';
export { PROVIDER_NAMES, type PayChannel, type ProviderName } from './providers/provider';
export { providersAvailable } from './providers/registry';
export { OnlineMethodOptions } from './online.views';
export { queryUnnotifiedPayments } from './online.jobs';
export { reconcileStatements } from './reconciliation';
