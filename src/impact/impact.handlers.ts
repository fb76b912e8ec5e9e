import type { RouteHandler } from '@hono/zod-openapi';
import { accepts } from 'hono/accepts';
import { requireAdmin } from '../accounts';
import type { AppEnv } from '../env';
import type { getImpact, rebuildImpact } from './impact.routes';
import { rebuildSalesDaily } from './rebuild';
import { impactCsv, impactCsvFilename } from './report-csv';
import { impactReport } from './report';

export const getImpactHandler: RouteHandler<typeof getImpact, AppEnv> = async (c) => {
  const { format, ...filter } = c.req.valid('query');
  const report = await impactReport(c.var.db, filter);
  const wantsCsv =
    format === 'csv' ||
    (format === undefined && accepts(c, { header: 'Accept', supports: ['application/json', 'text/csv'], default: 'application/json' }) === 'text/csv');
  c.header('vary', 'Accept');
  if (wantsCsv) {
    c.header('content-disposition', `attachment; filename="${impactCsvFilename(report.filter)}"`);
    return c.body(impactCsv(report), 200, { 'content-type': 'text/csv; charset=utf-8' });
  }
  return c.json(report, 200);
};

export const rebuildImpactHandler: RouteHandler<typeof rebuildImpact, AppEnv> = async (c) => {
  const actor = requireAdmin(c);
  return c.json(await rebuildSalesDaily(c.var.db, actor), 200);
};
