import { createRoute, z } from '@hono/zod-openapi';
import { PAYMENT_METHODS, PAYMENT_STATUSES, REFUND_STATUSES } from '../db/schema';
import { errorResponses, problemSchema } from '../lib/errors';
import { cursorSchema, limitSchema, pageSchema } from '../lib/pagination';
import { idempotencyKeySchema } from '../lib/idempotency';
import { adminPaymentSchema } from './payments.service';

const problem = { 'application/problem+json': { schema: problemSchema } };
const idParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) });

export const paymentSchema = z
  .object({
    id: z.string(),
    orderId: z.string().nullable(),
    participantId: z.string().nullable(),
    method: z.enum(PAYMENT_METHODS),
    status: z.enum(PAYMENT_STATUSES),
    amountFen: z.number().int(),
    refundedFen: z.number().int(),
    paidAt: z.number().int().nullable(),
    bankReference: z.string().nullable(),
  })
  .openapi('Payment');

export const refundSchema = z
  .object({
    id: z.string(),
    paymentId: z.string(),
    orderId: z.string().nullable(),
    amountFen: z.number().int(),
    reason: z.string(),
    status: z.enum(REFUND_STATUSES),
    createdAt: z.number().int(),
  })
  .openapi('Refund');

export const stripeWebhook = createRoute({
  method: 'post',
  path: '/webhooks/stripe',
  tags: ['Payments'],
  summary: 'Stripe events',
  description:
    'Signed by Stripe (`Stripe-Signature`, verified on the raw body). Handles checkout.session.completed / async_payment_succeeded / async_payment_failed / expired, charge.refunded and refund.created / updated / failed. A redelivered event is answered 200 with `result: "duplicate"` and changes nothing.',
  request: { headers: z.object({ 'stripe-signature': z.string().max(1000).optional() }) },
  responses: {
    200: {
      description: 'Received',
      content: { 'application/json': { schema: z.object({ received: z.literal(true), result: z.string() }) } },
    },
    400: { description: 'Bad signature or payload', content: problem },
    404: { description: 'Stripe is not configured on this site', content: problem },
  },
});

export const confirmPayment = createRoute({
  method: 'post',
  path: '/admin/payments/{id}/confirm',
  tags: ['Admin'],
  summary: 'Record an invoice or pay-at-pickup payment as received',
  description: 'Admins only; audited. The order becomes paid (the invoice `paid`) and its sale is counted. Confirming twice is a 409.',
  request: {
    params: idParam,
    body: {
      required: true,
      content: { 'application/json': { schema: z.object({ bankReference: z.string().trim().min(1).max(100).openapi({ example: 'ICBC 2026-11-20 #88231' }) }) } },
    },
  },
  responses: {
    200: { description: 'The confirmed payment', content: { 'application/json': { schema: paymentSchema } } },
    ...errorResponses,
  },
});

export const refundOrder = createRoute({
  method: 'post',
  path: '/admin/orders/{id}/refunds',
  tags: ['Admin'],
  summary: 'Refund an order, fully or partly',
  description:
    'Admins only; audited. Through Stripe when Stripe took the money (our idempotency key per refund), otherwise recorded as refunded by hand. Never more than was paid. Without `amountFen`, the rest of the payment is refunded.',
  request: {
    params: idParam,
    headers: z.object({ 'idempotency-key': idempotencyKeySchema }),
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({
            amountFen: z.number().int().min(1).max(1_000_000_000).optional(),
            reason: z.string().trim().min(1).max(500),
          }),
        },
      },
    },
  },
  responses: {
    201: { description: 'The refund (`pending` until Stripe confirms it)', content: { 'application/json': { schema: refundSchema } } },
    ...errorResponses,
    502: { description: 'Stripe refused or did not confirm the refund', content: problem },
  },
});

export const listPayments = createRoute({
  method: 'get',
  path: '/admin/payments',
  tags: ['Admin'],
  summary: 'Payments to reconcile',
  description: 'Admins only. Defaults to pending invoice and pay-at-pickup payments.',
  request: {
    query: z.object({
      status: z.enum(PAYMENT_STATUSES).default('pending').openapi({ param: { name: 'status', in: 'query' } }),
      method: z.enum(PAYMENT_METHODS).optional().openapi({ param: { name: 'method', in: 'query' } }),
      limit: limitSchema,
      cursor: cursorSchema,
    }),
  },
  responses: {
    200: { description: 'Newest first', content: { 'application/json': { schema: pageSchema(adminPaymentSchema) } } },
    ...errorResponses,
  },
});
