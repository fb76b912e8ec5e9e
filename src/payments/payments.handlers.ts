import type { RouteConfig, RouteHandler } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requireAdmin } from '../accounts';
import type { AppEnv } from '../env';
import { AppError } from '../lib/errors';
import { confirmOfflinePayment, listPayments as listPaymentsService, refundOrder as refundOrderService } from './payments.service';
import type * as routes from './payments.routes';
import { getStripe } from './stripe';
import type { PaymentContext, PaymentRow, RefundRow } from './subjects';
import { handleStripeEvent, verifyStripeEvent } from './webhooks';

type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

export function paymentContext(c: Context<AppEnv>): PaymentContext {
  return { db: c.var.db, env: c.env, stripe: getStripe(c.env), now: Date.now() };
}

export function paymentView(p: PaymentRow) {
  return {
    id: p.id,
    orderId: p.orderId,
    participantId: p.participantId,
    method: p.method,
    status: p.status,
    amountFen: p.amountFen,
    refundedFen: p.refundedFen,
    paidAt: p.paidAt,
    bankReference: p.bankReference,
  };
}

export function refundView(r: RefundRow) {
  return { id: r.id, paymentId: r.paymentId, orderId: r.orderId, amountFen: r.amountFen, reason: r.reason, status: r.status, createdAt: r.createdAt };
}

export const stripeWebhook: Handler<typeof routes.stripeWebhook> = async (c) => {
  const secret = c.env.STRIPE_WEBHOOK_SECRET;
  if (!secret || !c.env.STRIPE_SECRET_KEY) throw new AppError('not_found', 'Stripe is not configured on this site');
  // The signature covers the exact bytes Stripe sent: verify the raw text, never re-serialised JSON.
  const event = await verifyStripeEvent(await c.req.text(), c.req.header('stripe-signature'), secret);
  const result = await handleStripeEvent(paymentContext(c), event);
  return c.json({ received: true as const, result }, 200);
};

export const confirmPayment: Handler<typeof routes.confirmPayment> = async (c) => {
  const actor = requireAdmin(c);
  const payment = await confirmOfflinePayment(paymentContext(c), actor, c.req.valid('param').id, c.req.valid('json').bankReference);
  return c.json(paymentView(payment), 200);
};

export const refundOrder: Handler<typeof routes.refundOrder> = async (c) => {
  const actor = requireAdmin(c);
  const { refund, replayed } = await refundOrderService(
    paymentContext(c),
    actor,
    c.req.valid('param').id,
    c.req.valid('json'),
    c.req.valid('header')['idempotency-key'],
  );
  if (replayed) c.header('Idempotent-Replayed', 'true');
  return c.json(refundView(refund), 201);
};

export const listPayments: Handler<typeof routes.listPayments> = async (c) => {
  requireAdmin(c);
  const query = c.req.valid('query');
  const page = await listPaymentsService(c.var.db, {
    status: query.status,
    methods: query.method ? [query.method] : ['invoice', 'pay_at_pickup'],
    limit: query.limit,
    cursor: query.cursor,
  });
  return c.json(page, 200);
};
