import type { RouteHandler } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requireActor, requireCooperativeStaff } from '../accounts';
import type { AppEnv } from '../env';
import { AppError } from '../lib/errors';
import type * as routes from './products.routes';
import * as service from './products.service';

/**
 * The product behind `id` if the caller staffs its cooperative; otherwise 404, so a cooperative
 * learns nothing about another's products through this surface. Publishing needs a verified
 * cooperative; drafts may be prepared while verification is pending.
 */
export async function ownedProduct(c: Context<AppEnv>, id: string, options: { publishing?: boolean } = {}) {
  requireActor(c);
  const product = await c.var.db.query.products.findFirst({ where: (p, { eq }) => eq(p.id, id) });
  if (!product) throw new AppError('not_found', `Product ${id} not found`);
  requireCooperativeStaff(c, product.cooperativeId, { verified: options.publishing === true });
  return product;
}

export const create: RouteHandler<typeof routes.create, AppEnv> = async (c) => {
  const input = c.req.valid('json');
  requireCooperativeStaff(c, input.cooperativeId, { verified: input.status === 'published' });
  const product = await service.createProduct(c.var.db, c.var.actor, input);
  return c.json(service.portalProductView(product), 201);
};

export const update: RouteHandler<typeof routes.update, AppEnv> = async (c) => {
  const patch = c.req.valid('json');
  const product = await ownedProduct(c, c.req.valid('param').id, { publishing: patch.status === 'published' });
  return c.json(service.portalProductView(await service.updateProduct(c.var.db, product, patch)), 200);
};

export const publish: RouteHandler<typeof routes.publish, AppEnv> = async (c) => {
  const product = await ownedProduct(c, c.req.valid('param').id, { publishing: true });
  return c.json(service.portalProductView(await service.setProductStatus(c.var.db, product, 'published')), 200);
};

export const unpublish: RouteHandler<typeof routes.unpublish, AppEnv> = async (c) => {
  const product = await ownedProduct(c, c.req.valid('param').id);
  return c.json(service.portalProductView(await service.setProductStatus(c.var.db, product, 'unpublished')), 200);
};

export const adjustStock: RouteHandler<typeof routes.adjustStock, AppEnv> = async (c) => {
  const { delta, reason } = c.req.valid('json');
  const product = await ownedProduct(c, c.req.valid('param').id);
  const result = await service.adjustStock(c.var.db, c.var.actor, product, delta, reason);
  return c.json({ product: service.portalProductView(result.product), adjustment: result.adjustment }, 201);
};

export const stockHistory: RouteHandler<typeof routes.stockHistory, AppEnv> = async (c) => {
  const product = await ownedProduct(c, c.req.valid('param').id);
  return c.json({ items: await service.stockHistory(c.var.db, product.id) }, 200);
};

export const listForCooperative: RouteHandler<typeof routes.listForCooperative, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  requireCooperativeStaff(c, id);
  const page = await service.listCooperativeProducts(c.var.db, id, c.req.valid('query'));
  return c.json({ items: page.items.map(service.portalProductView), nextCursor: page.nextCursor }, 200);
};
