import { createRouter } from '../lib/router';
import * as handlers from './payments.handlers';
import * as routes from './payments.routes';

/** `/api/v1` payments: the Stripe webhook and the admin's confirmations, refunds and reconciliation list. */
export const paymentsApi = createRouter()
  .openapi(routes.stripeWebhook, handlers.stripeWebhook)
  .openapi(routes.wechatPayNotification, handlers.wechatPayNotification)
  .openapi(routes.alipayNotification, handlers.alipayNotification)
  .openapi(routes.confirmPayment, handlers.confirmPayment)
  .openapi(routes.refundOrder, handlers.refundOrder)
  .openapi(routes.listPayments, handlers.listPayments);
