import type { RouteHandler } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requireActor, requireAdmin, requireCooperativeStaff } from '../accounts';
import { csvResponse, toCsv } from '../lib/csv';
import type { AppEnv } from '../env';
import { createRouter } from '../lib/router';
import * as routes from './settlements.routes';
import * as settings from './settings.service';
import * as service from './settlements.service';

/** A statement the caller may read: admins all, cooperative staff their own; others 404. */
export async function readableSettlement(c: Context<AppEnv>, id: string) {
  const actor = requireActor(c);
  const settlement = await service.getSettlement(c.var.db, id);
  if (!actor.isAdmin) requireCooperativeStaff(c, settlement.cooperativeId);
  return settlement;
}

const generate: RouteHandler<typeof routes.generate, AppEnv> = async (c) => {
  const actor = requireAdmin(c);
  const result = await service.generateSettlements(c.var.db, actor, c.req.valid('json'));
  return c.json({ items: result.created, skippedCooperativeIds: result.skippedCooperativeIds }, 201);
};

const markPaid: RouteHandler<typeof routes.markPaid, AppEnv> = async (c) => {
  const actor = requireAdmin(c);
  return c.json(await service.markPaid(c.var.db, actor, c.req.valid('param').id, c.req.valid('json').bankReference), 200);
};

const list: RouteHandler<typeof routes.list, AppEnv> = async (c) => {
  const query = c.req.valid('query');
  if (query.cooperativeId) requireCooperativeStaff(c, query.cooperativeId);
  else requireAdmin(c);
  return c.json(await service.listSettlements(c.var.db, query), 200);
};

const get: RouteHandler<typeof routes.get, AppEnv> = async (c) => {
  const raw = c.req.valid('param').id;
  const wantsCsv = raw.endsWith('.csv') || (c.req.header('accept') ?? '').includes('text/csv');
  const settlement = await readableSettlement(c, raw.replace(/\.csv$/, ''));
  const lines = await service.linesOf(c.var.db, settlement.id);
  if (wantsCsv) return csvResponse(toCsv(service.statementCsvRows(settlement, lines)), `settlement-${settlement.id}.csv`) as never;
  return c.json({ ...settlement, lines: lines.map(({ settlementId: _s, ...line }) => ({ ...line, kind: line.kind as 'sale' })) }, 200);
};

const getSettings: RouteHandler<typeof routes.getSettings, AppEnv> = async (c) => {
  requireAdmin(c);
  return c.json(await settings.getSettings(c.var.db), 200);
};

const updateSettings: RouteHandler<typeof routes.updateSettings, AppEnv> = async (c) => {
  const actor = requireAdmin(c);
  return c.json(await settings.updateSettings(c.var.db, actor, c.req.valid('json')), 200);
};

export const settlementsApi = createRouter()
  .openapi(routes.generate, generate)
  .openapi(routes.markPaid, markPaid)
  .openapi(routes.list, list)
  .openapi(routes.get, get)
  .openapi(routes.getSettings, getSettings)
  .openapi(routes.updateSettings, updateSettings);
