import type { RouteConfig, RouteHandler } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { isBuyerKind, requireActor, requireAdmin, requireBuyerPurchaser } from '../accounts';
import type { Db } from '../db/client';
import { organization } from '../db/schema';
import type { AppEnv } from '../env';
import { csvResponse, decodeUtf8 } from '../lib/csv';
import { AppError } from '../lib/errors';
import { createRouter } from '../lib/router';
import { approvePurchase, getApproval, listApprovals, rejectPurchase, revisePurchaseRequest, withdrawPurchaseRequest } from './approvals.service';
import { parseBulkCsv } from './bulk-csv';
import { placeBulk, previewBulk } from './bulk.service';
import { consumption, consumptionCsv, currentShanghaiYear } from './consumption';
import { creditPosition } from '../orders';
import { listInvoices, requestFapiao } from './invoices.service';
import { requireApprovalDecider, requireApprovalReader, requireBuyerMember } from './policy';
import * as priceLists from './price-lists.service';
import type { BulkRequest } from './procurement.schemas';
import * as routes from './procurement.routes';
import { standingOrdersApi } from './standing-orders.api';

/** `/api/v1` procurement: price lists (admin), bulk orders, approvals, invoices and fapiao, consumption. */

type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

/** A buyer organisation the caller may read (members; admins), or 404. */
async function readableBuyer(c: Context<AppEnv>, organizationId: string): Promise<{ id: string; name: string }> {
  requireBuyerMember(c, organizationId);
  const org = await c.var.db.select({ id: organization.id, name: organization.name, kind: organization.kind }).from(organization).where(eq(organization.id, organizationId)).get();
  if (!org || !isBuyerKind(org.kind)) throw new AppError('not_found', `Organisation ${organizationId} not found`);
  return org;
}

// ----- price lists -----

const listPriceLists: Handler<typeof routes.listPriceLists> = async (c) => c.json(await priceLists.listPriceListEntries(c.var.db, c.req.valid('query')), 200);

const createPriceList: Handler<typeof routes.createPriceList> = async (c) => {
  const entry = await priceLists.createPriceListEntry(c.var.db, requireAdmin(c), c.req.valid('json'));
  c.header('Location', `/api/v1/admin/price-lists/${entry.id}`);
  return c.json(entry, 201);
};

const getPriceList: Handler<typeof routes.getPriceList> = async (c) => c.json(await priceLists.getPriceListEntry(c.var.db, c.req.valid('param').id), 200);

const updatePriceList: Handler<typeof routes.updatePriceList> = async (c) =>
  c.json(await priceLists.updatePriceListEntry(c.var.db, requireAdmin(c), c.req.valid('param').id, c.req.valid('json')), 200);

const deletePriceList: Handler<typeof routes.deletePriceList> = async (c) => {
  await priceLists.deletePriceListEntry(c.var.db, requireAdmin(c), c.req.valid('param').id);
  return c.body(null, 204);
};

// ----- bulk orders -----

/** The CSV upload limit: 5,000 lines of SKU and quantity take a small fraction of it. */
const MAX_CSV_BYTES = 1024 * 1024;

async function readBulkRequest(c: Context<AppEnv>, query: { organizationId?: string; deliveryMethod?: BulkRequest['deliveryMethod'] }, body: Partial<BulkRequest>): Promise<BulkRequest> {
  const contentType = c.req.header('content-type') ?? '';
  if (!/^text\/csv\b/i.test(contentType)) {
    if (!body.organizationId || body.csv === undefined) {
      throw new AppError('validation_failed', 'Send JSON { organizationId, csv, … } or the file as text/csv with ?organizationId=', {
        errors: [{ path: 'body', message: 'A JSON body with organizationId and csv, or a text/csv body' }],
      });
    }
    return body as BulkRequest;
  }
  if (!query.organizationId) {
    throw new AppError('validation_failed', 'Invalid query.organizationId', { errors: [{ path: 'query.organizationId', message: 'Required with a text/csv body' }] });
  }
  if (Number(c.req.header('content-length') ?? 0) > MAX_CSV_BYTES) throw new AppError('payload_too_large', 'The file is larger than 1 MiB; split it');
  const bytes = await c.req.arrayBuffer();
  if (bytes.byteLength > MAX_CSV_BYTES) throw new AppError('payload_too_large', 'The file is larger than 1 MiB; split it');
  return { organizationId: query.organizationId, csv: decodeUtf8(bytes), deliveryMethod: query.deliveryMethod };
}

const bulkOrder: Handler<typeof routes.bulkOrder> = async (c) => {
  const actor = requireActor(c);
  const query = c.req.valid('query');
  const request = await readBulkRequest(c, query, c.req.valid('json') as Partial<BulkRequest>);
  if (/^text\/csv\b/i.test(c.req.header('content-type') ?? '') && query.mode === 'place') {
    throw new AppError('validation_failed', 'Placing needs delivery, contact and paymentMethod: send JSON { organizationId, csv, delivery, contact, paymentMethod }', {
      errors: [{ path: 'body', message: 'Use a JSON body to place the order' }],
    });
  }
  requireBuyerPurchaser(c, request.organizationId);
  const lines = parseBulkCsv(request.csv);
  if (query.mode === 'preview') {
    const deliveryMethod = request.deliveryMethod ?? request.delivery?.method ?? 'ship';
    return c.json((await previewBulk(c.var.db, { organizationId: request.organizationId, lines, deliveryMethod })).report, 200);
  }
  const placed = await placeBulk(
    { db: c.var.db, env: c.env, actor },
    {
      organizationId: request.organizationId,
      lines,
      fields: { delivery: request.delivery, contact: request.contact, paymentMethod: request.paymentMethod },
      idempotencyKey: c.req.valid('header')['idempotency-key'],
      request,
    },
  );
  if (placed.replayed) c.header('Idempotent-Replayed', 'true');
  const body = { order: placed.order, approval: placed.approval, report: placed.report };
  if (placed.approval) return c.json(body, 202);
  c.header('Location', `/api/v1/orders/${placed.order!.id}`);
  return c.json(body, 201);
};

// ----- approvals -----

const listApprovalsHandler: Handler<typeof routes.listApprovals> = async (c) => {
  const { id } = c.req.valid('param');
  return c.json(await listApprovals(c.var.db, id, requireApprovalReader(c, id), c.req.valid('query')), 200);
};

const getApprovalHandler: Handler<typeof routes.getApproval> = async (c) => {
  const { id, approvalId } = c.req.valid('param');
  return c.json(await getApproval(c.var.db, id, approvalId, requireApprovalReader(c, id)), 200);
};

const approve: Handler<typeof routes.approve> = async (c) => {
  const { id, approvalId } = c.req.valid('param');
  requireApprovalDecider(c, id);
  const body = (c.req.valid('json') as { revision?: number } | undefined) ?? {};
  return c.json(await approvePurchase({ db: c.var.db, env: c.env }, requireActor(c), id, approvalId, body.revision), 200);
};

const revise: Handler<typeof routes.revise> = async (c) => {
  const { id, approvalId } = c.req.valid('param');
  const { membership } = requireApprovalReader(c, id);
  return c.json(await revisePurchaseRequest({ db: c.var.db, env: c.env }, requireActor(c), membership, id, approvalId, c.req.valid('json').items), 200);
};

const withdraw: Handler<typeof routes.withdraw> = async (c) => {
  const { id, approvalId } = c.req.valid('param');
  const { membership } = requireApprovalReader(c, id);
  return c.json(await withdrawPurchaseRequest({ db: c.var.db, env: c.env }, requireActor(c), membership, id, approvalId), 200);
};

const reject: Handler<typeof routes.reject> = async (c) => {
  const { id, approvalId } = c.req.valid('param');
  requireApprovalDecider(c, id);
  return c.json(await rejectPurchase({ db: c.var.db, env: c.env }, requireActor(c), id, approvalId, c.req.valid('json').reason), 200);
};

// ----- invoices, credit, fapiao -----

const listInvoicesHandler: Handler<typeof routes.listInvoices> = async (c) => {
  const { id } = c.req.valid('param');
  await readableBuyer(c, id);
  return c.json(await listInvoices(c.var.db, id, c.req.valid('query')), 200);
};

const credit: Handler<typeof routes.credit> = async (c) => {
  const { id } = c.req.valid('param');
  await readableBuyer(c, id);
  return c.json(await creditPosition(c.var.db, id), 200);
};

const fapiao: Handler<typeof routes.requestFapiao> = async (c) =>
  c.json(await requestFapiao(c.var.db, requireActor(c), c.req.valid('param').id, c.req.valid('json')), 201);

// ----- consumption -----

export async function consumptionFor(db: Db, organizationId: string, year?: number) {
  return consumption(db, organizationId, year ?? currentShanghaiYear());
}

const consumptionHandler: Handler<typeof routes.consumption> = async (c) => {
  const { id } = c.req.valid('param');
  const { year, format } = c.req.valid('query');
  const org = await readableBuyer(c, id);
  const view = await consumptionFor(c.var.db, id, year);
  const wantsCsv = format === 'csv' || (format === undefined && (c.req.header('accept') ?? '').includes('text/csv'));
  if (wantsCsv) return csvResponse(consumptionCsv(view, org.name), `consumption-${id}-${view.year}.csv`) as never;
  return c.json(view, 200);
};

export const procurementApi = createRouter()
  .openapi(routes.listPriceLists, listPriceLists)
  .openapi(routes.createPriceList, createPriceList)
  .openapi(routes.getPriceList, getPriceList)
  .openapi(routes.updatePriceList, updatePriceList)
  .openapi(routes.deletePriceList, deletePriceList)
  .openapi(routes.bulkOrder, bulkOrder)
  .openapi(routes.listApprovals, listApprovalsHandler)
  .openapi(routes.getApproval, getApprovalHandler)
  .openapi(routes.approve, approve)
  .openapi(routes.reject, reject)
  .openapi(routes.revise, revise)
  .openapi(routes.withdraw, withdraw)
  .openapi(routes.listInvoices, listInvoicesHandler)
  .openapi(routes.credit, credit)
  .openapi(routes.requestFapiao, fapiao)
  .openapi(routes.consumption, consumptionHandler)
  .route('/', standingOrdersApi);
