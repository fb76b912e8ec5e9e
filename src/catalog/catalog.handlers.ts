import type { RouteHandler } from '@hono/zod-openapi';
import type { AppEnv } from '../env';
import type * as routes from './catalog.routes';
import * as catalog from './catalog.service';

/** Thin handlers: zod has already validated the input; the service applies the rules. */
export const listDistricts: RouteHandler<routes.ListDistrictsRoute, AppEnv> = async (c) => {
  const { limit, cursor } = c.req.valid('query');
  return c.json(await catalog.listDistricts(c.var.db, { limit, cursor }), 200);
};

export const listCounties: RouteHandler<routes.ListCountiesRoute, AppEnv> = async (c) => {
  const { district, pairingKind, limit, cursor } = c.req.valid('query');
  return c.json(await catalog.listCounties(c.var.db, { district, pairingKind }, { limit, cursor }), 200);
};

export const getCounty: RouteHandler<routes.GetCountyRoute, AppEnv> = async (c) => {
  return c.json(await catalog.getCounty(c.var.db, c.req.valid('param').id), 200);
};

export const listProducts: RouteHandler<routes.ListProductsRoute, AppEnv> = async (c) => {
  const { limit, cursor, ...filters } = c.req.valid('query');
  return c.json(await catalog.listProducts(c.var.db, filters, { limit, cursor }), 200);
};

export const getProduct: RouteHandler<routes.GetProductRoute, AppEnv> = async (c) => {
  return c.json(await catalog.getProduct(c.var.db, c.req.valid('param').id), 200);
};

export const getCooperative: RouteHandler<routes.GetCooperativeRoute, AppEnv> = async (c) => {
  return c.json(await catalog.getCooperative(c.var.db, c.req.valid('param').id), 200);
};
