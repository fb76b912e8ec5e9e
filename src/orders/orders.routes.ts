import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, problemSchema } from '../lib/errors';
import { cursorSchema, limitSchema, pageSchema } from '../lib/pagination';
import { approvalSchema } from './approvals.schemas';
import { idempotencyKeySchema } from '../lib/idempotency';
import { createOrderSchema, orderSchema, orderSummarySchema, quoteRequestSchema, quoteResponseSchema } from './orders.schemas';

const tags = ['Orders'];
const problem = { 'application/problem+json': { schema: problemSchema } };

const idParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' }, example: 'ord_4f9k2m8x1p0q7r3s5t6v' }) });
const tokenQuery = z.object({
  token: z.string().max(64).optional().openapi({ param: { name: 'token', in: 'query' }, description: 'Guest access token returned when the order was placed' }),
});

export const create = createRoute({
  method: 'post',
  path: '/orders',
  tags,
  summary: 'Place an order',
  description:
    'Prices (tiers; the organisation’s negotiated prices while valid), shipping and totals are computed on the server. One shipment per cooperative. Invoice orders must fit the organisation’s remaining credit (a 422 names `availableCreditFen`). Stock is reserved in the same database batch; a shortage is a 409 naming `productId` and `available`. For `stripe`, `payment.checkoutUrl` is the Stripe Checkout page (card, Alipay, WeChat Pay).',
  request: {
    headers: z.object({ 'idempotency-key': idempotencyKeySchema }),
    body: { required: true, content: { 'application/json': { schema: createOrderSchema } } },
  },
  responses: {
    201: { description: 'The order (a replay of the same Idempotency-Key returns the same order)', content: { 'application/json': { schema: orderSchema } } },
    202: {
      description: "A purchaser's order above their per-order limit: not placed, but waiting for an owner's approval (`Location` names it)",
      content: { 'application/json': { schema: approvalSchema } },
    },
    ...errorResponses,
    502: { description: 'Stripe could not be reached; the order is held (see `orderUrl`)', content: problem },
  },
});

export const list = createRoute({
  method: 'get',
  path: '/orders',
  tags,
  summary: 'My orders, or my organisation’s orders',
  request: {
    query: z.object({
      organizationId: z.string().max(64).optional().openapi({ param: { name: 'organizationId', in: 'query' } }),
      limit: limitSchema,
      cursor: cursorSchema,
    }),
  },
  responses: {
    200: { description: 'Newest first', content: { 'application/json': { schema: pageSchema(orderSummarySchema) } } },
    ...errorResponses,
  },
});

export const get = createRoute({
  method: 'get',
  path: '/orders/{id}',
  tags,
  summary: 'One order',
  description: 'For the buyer, a guest with `?token=`, members of the buyer organisation and admins. Cooperatives see only their own shipments and lines.',
  request: { params: idParam, query: tokenQuery },
  responses: {
    200: { description: 'The order', content: { 'application/json': { schema: orderSchema } } },
    ...errorResponses,
  },
});

export const cancel = createRoute({
  method: 'post',
  path: '/orders/{id}/cancel',
  tags,
  summary: 'Cancel an unpaid order',
  description: 'Before payment only; the stock is returned at once. Cancelling twice, after payment, or once a cooperative accepted it is a 409.',
  request: { params: idParam, query: tokenQuery },
  responses: {
    200: { description: 'The cancelled order', content: { 'application/json': { schema: orderSchema } } },
    ...errorResponses,
  },
});

export const quote = createRoute({
  method: 'post',
  path: '/quotes',
  tags,
  summary: 'Price a list of items',
  description: 'The same pricing as checkout (tiers, negotiated prices, shipping per cooperative), with a problem per line that cannot be ordered as asked. Nothing is reserved.',
  request: { body: { required: true, content: { 'application/json': { schema: quoteRequestSchema } } } },
  responses: {
    200: { description: 'The quote', content: { 'application/json': { schema: quoteResponseSchema } } },
    ...errorResponses,
  },
});
