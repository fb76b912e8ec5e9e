import type { RouteConfig, RouteHandler } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../env';
import { buyerOrganization } from './buyer';
import type * as routes from './orders.routes';
import { cancelOrder, getOrder, listOrders, placeOrder, type OrderContext } from './orders.service';
import { quoteItems } from '../pricing';

type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

export function orderContext(c: Context<AppEnv>): OrderContext {
  return { db: c.var.db, env: c.env, actor: c.var.actor };
}

export const create: Handler<typeof routes.create> = async (c) => {
  const placed = await placeOrder(orderContext(c), c.req.valid('json'), {
    idempotencyKey: c.req.valid('header')['idempotency-key'],
  });
  if (placed.replayed) c.header('Idempotent-Replayed', 'true');
  if (placed.approval) {
    // Above the purchaser's per-order limit: nothing is ordered until an owner approves.
    c.header('Location', `/api/v1/organizations/${placed.approval.organizationId}/approvals/${placed.approval.id}`);
    return c.json(placed.approval, 202);
  }
  c.header('Location', `/api/v1/orders/${placed.view.id}`);
  return c.json(placed.view, 201);
};

export const list: Handler<typeof routes.list> = async (c) => {
  return c.json(await listOrders(orderContext(c), c.req.valid('query')), 200);
};

export const get: Handler<typeof routes.get> = async (c) => {
  return c.json(await getOrder(orderContext(c), c.req.valid('param').id, c.req.valid('query').token), 200);
};

export const cancel: Handler<typeof routes.cancel> = async (c) => {
  return c.json(await cancelOrder(orderContext(c), c.req.valid('param').id, c.req.valid('query').token), 200);
};

export const quote: Handler<typeof routes.quote> = async (c) => {
  const body = c.req.valid('json');
  const ctx = orderContext(c);
  const buyer = body.organizationId ? await buyerOrganization(ctx.db, ctx.actor, body.organizationId) : null;
  const q = await quoteItems(ctx.db, { items: body.items, delivery: body.deliveryMethod, organizationId: buyer?.id ?? null });
  return c.json(
    {
      lines: q.lines.map((l) => ({
        productId: l.productId,
        sku: l.sku,
        nameZh: l.nameZh,
        nameEn: l.nameEn,
        cooperativeId: l.cooperativeId,
        quantity: l.quantity,
        unitPriceFen: l.unitPriceFen,
        listUnitPriceFen: l.listUnitPriceFen,
        lineTotalFen: l.lineTotalFen,
        priceSource: l.priceSource,
        stock: l.stock,
      })),
      cooperatives: q.groups.map((g) => ({
        cooperativeId: g.cooperativeId,
        cooperativeName: g.cooperativeName,
        subtotalFen: g.subtotalFen,
        shippingFen: g.shippingFen,
        freeShippingAboveFen: g.freeShippingAboveFen,
        productIds: g.lines.map((l) => l.productId),
      })),
      subtotalFen: q.subtotalFen,
      shippingFen: q.shippingFen,
      totalFen: q.totalFen,
      problems: q.problems.map((p) => ({ path: p.path, productId: p.productId, rule: p.rule, message: p.message })),
      shortages: q.shortages.map((s) => ({ productId: s.productId, requested: s.requested, available: s.available })),
    },
    200,
  );
};
