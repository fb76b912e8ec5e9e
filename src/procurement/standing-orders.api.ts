import type { RouteConfig, RouteHandler } from '@hono/zod-openapi';
import { requireActor, requireBuyerPurchaser, requireCooperativeStaff } from '../accounts';
import type { Context } from 'hono';
import type { AppEnv } from '../env';
import { createRouter } from '../lib/router';
import { requireBuyerMember } from './policy';
import { standingDemand } from './standing-demand';
import * as service from './standing-orders.service';
import * as routes from './standing-orders.routes';

/**
 * `/api/v1` standing orders. Members read them; owners and purchasers change them (any of the
 * organisation's, not only their own: the supply plan is the organisation's). Cooperatives read demand.
 */

type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

const ctx = (c: Context<AppEnv>) => ({ db: c.var.db, env: c.env });

const list: Handler<typeof routes.list> = async (c) => {
  const { id } = c.req.valid('param');
  requireBuyerMember(c, id);
  return c.json(await service.listStandingOrders(ctx(c), id, c.req.valid('query')), 200);
};

const create: Handler<typeof routes.create> = async (c) => {
  const { id } = c.req.valid('param');
  requireBuyerPurchaser(c, id);
  const view = await service.createStandingOrder(ctx(c), requireActor(c), id, c.req.valid('json'));
  c.header('Location', `/api/v1/organizations/${id}/standing-orders/${view.id}`);
  return c.json(view, 201);
};

const get: Handler<typeof routes.get> = async (c) => {
  const { id, standingOrderId } = c.req.valid('param');
  requireBuyerMember(c, id);
  return c.json(await service.getStandingOrder(ctx(c), id, standingOrderId), 200);
};

function statusHandler(change: service.StatusChange): Handler<typeof routes.pause> {
  return async (c) => {
    const { id, standingOrderId } = c.req.valid('param');
    requireBuyerPurchaser(c, id);
    return c.json(await service.changeStandingOrderStatus(ctx(c), requireActor(c), id, standingOrderId, change), 200);
  };
}

const skip: Handler<typeof routes.skip> = async (c) => {
  const { id, standingOrderId } = c.req.valid('param');
  requireBuyerPurchaser(c, id);
  return c.json(await service.skipOccurrence(ctx(c), requireActor(c), id, standingOrderId, c.req.valid('json').date), 200);
};

const unskip: Handler<typeof routes.unskip> = async (c) => {
  const { id, standingOrderId, date } = c.req.valid('param');
  requireBuyerPurchaser(c, id);
  return c.json(await service.unskipOccurrence(ctx(c), requireActor(c), id, standingOrderId, date), 200);
};

const retry: Handler<typeof routes.retry> = async (c) => {
  const { id, standingOrderId, date } = c.req.valid('param');
  requireBuyerPurchaser(c, id);
  const body = (c.req.valid('json') as { acceptPriceChange?: boolean } | undefined) ?? {};
  return c.json(await service.retryOccurrence(ctx(c), requireActor(c), id, standingOrderId, date, { acceptPriceChange: body.acceptPriceChange ?? false }), 200);
};

const dismiss: Handler<typeof routes.dismiss> = async (c) => {
  const { id, standingOrderId, date } = c.req.valid('param');
  requireBuyerPurchaser(c, id);
  return c.json(await service.dismissOccurrence(ctx(c), requireActor(c), id, standingOrderId, date), 200);
};

const demand: Handler<typeof routes.demand> = async (c) => {
  const { id } = c.req.valid('param');
  requireCooperativeStaff(c, id);
  return c.json(await standingDemand(c.var.db, id, { days: c.req.valid('query').days }), 200);
};

export const standingOrdersApi = createRouter()
  .openapi(routes.list, list)
  .openapi(routes.create, create)
  .openapi(routes.get, get)
  .openapi(routes.pause, statusHandler('pause'))
  .openapi(routes.resume, statusHandler('resume'))
  .openapi(routes.end, statusHandler('end'))
  .openapi(routes.skip, skip)
  .openapi(routes.unskip, unskip)
  .openapi(routes.retry, retry)
  .openapi(routes.dismiss, dismiss)
  .openapi(routes.demand, demand);
