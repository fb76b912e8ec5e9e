import { createRoute, z } from '@hono/zod-openapi';
import { PRODUCT_STATUSES } from '../db/schema';
import { errorResponses } from '../lib/errors';
import { cursorSchema, limitSchema, pageSchema } from '../lib/pagination';
import {
  createProductSchema,
  portalProductSchema,
  stockAdjustmentSchema,
  stockAdjustmentViewSchema,
  updateProductSchema,
} from './products.schemas';

const tags = ['Cooperative portal'];
const idParam = z.object({ id: z.string().min(1).max(80).openapi({ param: { name: 'id', in: 'path' }, example: 'prd_xw_ham_001' }) });
const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });

export const create = createRoute({
  method: 'post',
  path: '/products',
  tags,
  summary: 'Create a product for a cooperative the caller staffs',
  description: 'Drafts may be prepared while the cooperative awaits verification; publishing requires a verified cooperative.',
  request: { body: { content: { 'application/json': { schema: createProductSchema } }, required: true } },
  responses: { 201: json(portalProductSchema, 'The product'), ...errorResponses },
});

export const update = createRoute({
  method: 'patch',
  path: '/products/{id}',
  tags,
  summary: "Edit one of the caller's cooperative's products",
  request: { params: idParam, body: { content: { 'application/json': { schema: updateProductSchema } }, required: true } },
  responses: { 200: json(portalProductSchema, 'The product'), ...errorResponses },
});

export const publish = createRoute({
  method: 'post',
  path: '/products/{id}/publish',
  tags,
  summary: 'Publish a product (verified cooperatives only)',
  request: { params: idParam },
  responses: { 200: json(portalProductSchema, 'The product'), ...errorResponses },
});

export const unpublish = createRoute({
  method: 'post',
  path: '/products/{id}/unpublish',
  tags,
  summary: 'Take a product off the catalog',
  request: { params: idParam },
  responses: { 200: json(portalProductSchema, 'The product'), ...errorResponses },
});

export const adjustStock = createRoute({
  method: 'post',
  path: '/products/{id}/stock-adjustments',
  tags,
  summary: 'Move stock up or down with a reason (kept as history)',
  request: { params: idParam, body: { content: { 'application/json': { schema: stockAdjustmentSchema } }, required: true } },
  responses: {
    201: json(z.object({ product: portalProductSchema, adjustment: stockAdjustmentViewSchema }), 'The product after the change and the history row'),
    ...errorResponses,
  },
});

export const stockHistory = createRoute({
  method: 'get',
  path: '/products/{id}/stock-adjustments',
  tags,
  summary: 'Recent stock adjustments of a product',
  request: { params: idParam },
  responses: { 200: json(z.object({ items: z.array(stockAdjustmentViewSchema) }), 'Newest first'), ...errorResponses },
});

export const listForCooperative = createRoute({
  method: 'get',
  path: '/cooperatives/{id}/products',
  tags,
  summary: "A cooperative's products in every status (its staff only)",
  request: {
    params: idParam,
    query: z.object({ status: z.enum(PRODUCT_STATUSES).optional(), limit: limitSchema, cursor: cursorSchema }),
  },
  responses: { 200: json(pageSchema(portalProductSchema), 'A page of products'), ...errorResponses },
});
