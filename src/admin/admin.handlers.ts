import type { RouteHandler } from '@hono/zod-openapi';
import { requireAdmin } from '../accounts';
import type { AppEnv } from '../env';
import type * as routes from './admin.routes';
import { listAudit } from './audit.service';
import * as geography from './geography.service';


export const createDistrictHandler: RouteHandler<typeof routes.createDistrict, AppEnv> = async (c) => {
  const actor = requireAdmin(c);
  return c.json(await geography.createDistrict(c.var.db, actor, c.req.valid('json')), 201);
};

export const updateDistrictHandler: RouteHandler<typeof routes.updateDistrict, AppEnv> = async (c) => {
  const actor = requireAdmin(c);
  return c.json(await geography.updateDistrict(c.var.db, actor, c.req.valid('param').id, c.req.valid('json')), 200);
};

export const createCountyHandler: RouteHandler<typeof routes.createCounty, AppEnv> = async (c) => {
  const actor = requireAdmin(c);
  return c.json(await geography.createCounty(c.var.db, actor, c.req.valid('json')), 201);
};

export const updateCountyHandler: RouteHandler<typeof routes.updateCounty, AppEnv> = async (c) => {
  const actor = requireAdmin(c);
  return c.json(await geography.updateCounty(c.var.db, actor, c.req.valid('param').id, c.req.valid('json')), 200);
};

export const listAuditLogHandler: RouteHandler<typeof routes.listAuditLog, AppEnv> = async (c) => {
  requireAdmin(c);
  const { limit, cursor, ...filter } = c.req.valid('query');
  return c.json(await listAudit(c.var.db, filter, { limit, cursor }), 200);
};
