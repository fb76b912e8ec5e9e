import type { RouteHandler } from '@hono/zod-openapi';
import { requireCooperativeStaff } from '../accounts';
import type { AppEnv } from '../env';
import { createRouter } from '../lib/router';
import { csvResponse, decodeUtf8 } from '../lib/csv';
import * as photoHandlers from './photos.handlers';
import * as photoRoutes from './photos.routes';
import { MAX_IMPORT_ROWS, exportProducts, importProducts } from './product-csv';
import * as csvRoutes from './product-csv.routes';
import { readLimited } from './photos.service';
import * as productHandlers from './products.handlers';
import * as productRoutes from './products.routes';

/** A full import of long bilingual rows fits well inside this. */
const MAX_IMPORT_BYTES = 2 * 1024 * 1024 + MAX_IMPORT_ROWS;

const importHandler: RouteHandler<typeof csvRoutes.importProducts, AppEnv> = async (c) => {
  const { cooperativeId, dryRun } = c.req.valid('query');
  requireCooperativeStaff(c, cooperativeId);
  const bytes = await readLimited(c.req.raw.body, MAX_IMPORT_BYTES);
  const report = await importProducts(c.var.db, c.var.actor, { cooperativeId, csv: decodeUtf8(bytes), dryRun: dryRun === 'true' });
  return c.json(report, 200);
};

const exportHandler: RouteHandler<typeof csvRoutes.exportProducts, AppEnv> = async (c) => {
  const { cooperativeId, headers } = c.req.valid('query');
  requireCooperativeStaff(c, cooperativeId);
  return csvResponse(await exportProducts(c.var.db, cooperativeId, headers), `products-${cooperativeId}.csv`) as never;
};

/**
 * The cooperative portal's API: products, photos and CSV. Mount before the catalog's router so
 * `GET /products/export` is not taken for a product id.
 */
export const cooperativesApi = createRouter()
  .openapi(csvRoutes.importProducts, importHandler)
  .openapi(csvRoutes.exportProducts, exportHandler)
  .openapi(productRoutes.create, productHandlers.create)
  .openapi(productRoutes.update, productHandlers.update)
  .openapi(productRoutes.publish, productHandlers.publish)
  .openapi(productRoutes.unpublish, productHandlers.unpublish)
  .openapi(productRoutes.adjustStock, productHandlers.adjustStock)
  .openapi(productRoutes.stockHistory, productHandlers.stockHistory)
  .openapi(productRoutes.listForCooperative, productHandlers.listForCooperative)
  .openapi(photoRoutes.upload, photoHandlers.upload)
  .openapi(photoRoutes.list, photoHandlers.list)
  .openapi(photoRoutes.reorder, photoHandlers.reorder)
  .openapi(photoRoutes.remove, photoHandlers.remove);
