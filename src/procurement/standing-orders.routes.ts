import { createRoute, z } from '@hono/zod-openapi';
import { signedIn } from '../accounts';
import { errorResponses } from '../lib/errors';
import { cursorSchema, limitSchema, pageSchema } from '../lib/pagination';
import { organizationParams } from './procurement.schemas';
import {
  createStandingOrderSchema,
  demandQuerySchema,
  occurrenceParams,
  retrySchema,
  skipSchema,
  standingDemandSchema,
  standingOrderParams,
  standingOrderSchema,
} from './standing-orders.schemas';

const json = <T extends z.ZodTypeAny>(schema: T) => ({ 'application/json': { schema } });
const user = { security: [{ bearerAuth: [] }], middleware: signedIn };
const tags = ['Standing orders'];
const occurrence = standingOrderSchema.shape.occurrences.element;

export const list = createRoute({
  method: 'get',
  path: '/organizations/{id}/standing-orders',
  tags,
  ...user,
  summary: "The organisation's standing orders (定期供货), newest first",
  description: 'Any member reads them. Each carries its next scheduled days and the days already placed, skipped or waiting for the buyer.',
  request: { params: organizationParams, query: z.object({ limit: limitSchema, cursor: cursorSchema }) },
  responses: { 200: { description: 'A page of standing orders', content: json(pageSchema(standingOrderSchema)) }, ...errorResponses },
});

export const create = createRoute({
  method: 'post',
  path: '/organizations/{id}/standing-orders',
  tags,
  ...user,
  summary: 'Set up a standing order: lines, schedule, delivery, payment',
  description:
    'An owner or purchaser of the organisation. On each scheduled Shanghai day (weekly on the given ISO weekdays, or monthly on a day — the last day of a shorter month) the order is placed as the person who set it up, through the same rules as POST /orders: their per-order limit (above it, an approval request), the credit limit, stock. A day that cannot be placed, or whose prices rose beyond `priceTolerancePercent` over the prices of today, waits for the buyer with its reason.',
  request: { params: organizationParams, body: { required: true, content: json(createStandingOrderSchema) } },
  responses: { 201: { description: 'The standing order', content: json(standingOrderSchema) }, ...errorResponses },
});

export const get = createRoute({
  method: 'get',
  path: '/organizations/{id}/standing-orders/{standingOrderId}',
  tags,
  ...user,
  summary: 'One standing order with its upcoming and recent days',
  request: { params: standingOrderParams },
  responses: { 200: { description: 'The standing order', content: json(standingOrderSchema) }, ...errorResponses },
});

function statusRoute(change: 'pause' | 'resume' | 'end', summary: string) {
  return createRoute({
    method: 'post',
    path: `/organizations/{id}/standing-orders/{standingOrderId}/${change}`,
    tags,
    ...user,
    summary,
    request: { params: standingOrderParams },
    responses: { 200: { description: 'The standing order', content: json(standingOrderSchema) }, ...errorResponses },
  });
}

export const pause = statusRoute('pause', 'Pause: nothing is placed until resumed');
export const resume = statusRoute('resume', 'Resume from today: the paused days are not placed late');
export const end = statusRoute('end', 'End the standing order for good');

export const skip = createRoute({
  method: 'post',
  path: '/organizations/{id}/standing-orders/{standingOrderId}/skips',
  tags,
  ...user,
  summary: 'Skip one scheduled day not placed yet',
  description: 'A scheduled day from today on; 409 when that day was already skipped or placed.',
  request: { params: standingOrderParams, body: { required: true, content: json(skipSchema) } },
  responses: { 200: { description: 'The standing order', content: json(standingOrderSchema) }, ...errorResponses },
});

export const unskip = createRoute({
  method: 'delete',
  path: '/organizations/{id}/standing-orders/{standingOrderId}/skips/{date}',
  tags,
  ...user,
  summary: 'Undo the skip of a day still to come',
  request: { params: occurrenceParams },
  responses: { 200: { description: 'The standing order', content: json(standingOrderSchema) }, ...errorResponses },
});

export const retry = createRoute({
  method: 'post',
  path: '/organizations/{id}/standing-orders/{standingOrderId}/occurrences/{date}/retry',
  tags,
  ...user,
  summary: 'Try a day that failed again, now',
  description: 'Answers the day as it stands after the attempt: `placed`, `awaiting_approval`, or `failed` with the (new) reason. `acceptPriceChange` places it at the prices of now.',
  request: { params: occurrenceParams, body: { required: false, content: json(retrySchema) } },
  responses: { 200: { description: 'The day', content: json(occurrence) }, ...errorResponses },
});

export const dismiss = createRoute({
  method: 'post',
  path: '/organizations/{id}/standing-orders/{standingOrderId}/occurrences/{date}/dismiss',
  tags,
  ...user,
  summary: 'Let a day that failed go: it is not placed',
  request: { params: occurrenceParams },
  responses: { 200: { description: 'The day', content: json(occurrence) }, ...errorResponses },
});

export const demand = createRoute({
  method: 'get',
  path: '/cooperatives/{id}/standing-demand',
  tags,
  ...user,
  summary: "Quantities the cooperative's products are due in standing orders, by day",
  description: "The cooperative's staff (and admins). Active standing orders only, days not yet placed or skipped, buyers not named.",
  request: { params: organizationParams, query: demandQuerySchema },
  responses: { 200: { description: 'Upcoming quantities', content: json(standingDemandSchema) }, ...errorResponses },
});
