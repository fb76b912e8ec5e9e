import { and, asc, desc, eq, inArray, isNotNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import type { Db } from '../db/client';
import { runBatch } from '../db/batch';
import { auditLog, notifications, organization, orders, type InvoiceStatus } from '../db/schema';
import type { Actor } from '../env';
import { membershipOf } from '../accounts';
import type { Job } from '../lib/jobs';
import { auditEntry } from '../lib/audit';
import { AppError } from '../lib/errors';
import { newId } from '../lib/ids';
import { decodeCursor, encodeCursor } from '../lib/pagination';
import { guardFailure } from '../db/guards';
import type { InvoiceView } from './procurement.schemas';

/**
 * Invoice terms after the order: the organisation's invoices (its orders on terms and their state),
 * the cron job that marks unpaid ones overdue, and fapiao (发票) requests. The bank transfer itself is
 * recorded by an admin through the payments confirm route, which sets `invoiceStatus` to `paid`.
 */

const invoiceColumns = {
  orderId: orders.id,
  status: orders.status,
  invoiceStatus: orders.invoiceStatus,
  totalFen: orders.totalFen,
  refundedFen: orders.refundedFen,
  createdAt: orders.createdAt,
  invoiceDueAt: orders.invoiceDueAt,
  paidAt: orders.paidAt,
  fapiaoRequestedAt: orders.fapiaoRequestedAt,
};

const listCursor = z.tuple([z.number(), z.string()]);

/** Invoices of the organisation, newest first; `status` narrows to open, overdue or paid ones. */
export async function listInvoices(
  db: Db,
  organizationId: string,
  query: { status?: InvoiceStatus; limit: number; cursor?: string },
): Promise<{ items: InvoiceView[]; nextCursor: string | null }> {
  const conditions: SQL[] = [eq(orders.organizationId, organizationId), query.status ? eq(orders.invoiceStatus, query.status) : isNotNull(orders.invoiceStatus)];
  if (query.cursor) {
    const [createdAt, id] = decodeCursor(query.cursor, listCursor);
    conditions.push(or(lt(orders.createdAt, createdAt), and(eq(orders.createdAt, createdAt), lt(orders.id, id)))!);
  }
  const rows = await db
    .select(invoiceColumns)
    .from(orders)
    .where(and(...conditions))
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(query.limit + 1);
  const items = rows.slice(0, query.limit) as InvoiceView[];
  const last = items.at(-1);
  return { items, nextCursor: rows.length > query.limit && last ? encodeCursor([last.createdAt, last.orderId]) : null };
}

/** Open and overdue invoices, the soonest due first (dashboard). */
export async function unpaidInvoices(db: Db, organizationId: string, limit = 20): Promise<InvoiceView[]> {
  const rows = await db
    .select(invoiceColumns)
    .from(orders)
    .where(and(eq(orders.organizationId, organizationId), inArray(orders.invoiceStatus, ['open', 'overdue'])))
    .orderBy(asc(orders.invoiceDueAt), asc(orders.id))
    .limit(limit);
  return rows as InvoiceView[];
}

/**
 * Marks invoices past their due date `overdue`, with a notice to the organisation and an audit row
 * per invoice. Notices, audit rows and the update select the same rows inside one batch (one
 * transaction), so a second or concurrent run finds nothing left to mark and changes nothing; a
 * transfer confirmed meanwhile has made the invoice `paid`, which this never touches.
 */
export const markOverdueInvoices: Job = {
  name: 'invoices.mark-overdue',
  async run(db, _env, now) {
    const due = sql`${orders.invoiceStatus} = 'open' AND ${orders.invoiceDueAt} < ${now}`;
    const text = (value: string, name: string) => sql<string>`${value}`.as(name);
    const randomId = (prefix: string) => sql<string>`${prefix} || lower(hex(randomblob(10)))`.as('id');
    const [, , updated] = await runBatch(db, [
      // INSERT … SELECT: every column of the table, in its order.
      db.insert(notifications).select((qb) =>
        qb
          .select({
            id: randomId('ntf_'),
            organizationId: orders.organizationId,
            userId: sql<null>`NULL`.as('user_id'),
            phone: sql<null>`NULL`.as('phone'),
            kind: text('invoice.overdue', 'kind'),
            titleZh: text('发票已逾期，请尽快转账', 'title_zh'),
            titleEn: text('An invoice is overdue; please transfer the amount', 'title_en'),
            payload: sql<string>`json_object('orderId', ${orders.id}, 'invoiceDueAt', ${orders.invoiceDueAt}, 'totalFen', ${orders.totalFen})`.as('payload'),
            readAt: sql<null>`NULL`.as('read_at'),
            createdAt: sql<number>`${now}`.as('created_at'),
          })
          .from(orders)
          .where(due),
      ),
      db.insert(auditLog).select((qb) =>
        qb
          .select({
            id: randomId('aud_'),
            actorUserId: sql<null>`NULL`.as('actor_user_id'),
            actorLabel: text('system', 'actor_label'),
            action: text('invoice.overdue', 'action'),
            entityType: text('order', 'entity_type'),
            entityId: orders.id,
            organizationId: orders.organizationId,
            before: sql<string>`json_object('invoiceStatus', 'open')`.as('before'),
            after: sql<string>`json_object('invoiceStatus', 'overdue', 'invoiceDueAt', ${orders.invoiceDueAt})`.as('after'),
            createdAt: sql<number>`${now}`.as('created_at'),
          })
          .from(orders)
          .where(due),
      ),
      db.update(orders).set({ invoiceStatus: 'overdue', updatedAt: now }).where(due),
    ]);
    return (updated as D1Result).meta.changes;
  },
};

export type FapiaoInput = { title: string; taxId: string; email?: string };

/**
 * A member of the buyer organisation asks the platform for the fapiao of an order. Once only: a tax
 * document issued twice for one sale is a real problem, so a second request is a 409 (the platform
 * corrects a wrong title by hand). Guarded in the database, so two requests at once store one.
 */
export async function requestFapiao(db: Db, actor: Actor, orderId: string, input: FapiaoInput, now = Date.now()) {
  const order = await db
    .select({ id: orders.id, organizationId: orders.organizationId, status: orders.status, fapiaoRequestedAt: orders.fapiaoRequestedAt, totalFen: orders.totalFen })
    .from(orders)
    .where(eq(orders.id, orderId))
    .get();
  if (!order || !order.organizationId || (!membershipOf(actor, order.organizationId) && !actor.isAdmin)) throw new AppError('not_found', 'Order not found');
  if (order.status === 'cancelled' || order.status === 'refunded') throw new AppError('invalid_state', `This order is ${order.status}; there is nothing to invoice`);
  if (order.fapiaoRequestedAt !== null) throw alreadyRequested(order.fapiaoRequestedAt);
  const platform = await db.select({ id: organization.id }).from(organization).where(eq(organization.kind, 'platform')).get();
  const fapiao = { orderId, title: input.title, taxId: input.taxId, email: input.email ?? null, requestedAt: now };
  try {
    await runBatch(db, [
      db
        .update(orders)
        .set({
          fapiaoTitle: input.title,
          fapiaoTaxId: input.taxId,
          fapiaoRequestedAt: now,
          // NULL (refused: NOT NULL) when a request got there first.
          updatedAt: sql`CASE WHEN ${orders.fapiaoRequestedAt} IS NULL THEN ${now} ELSE NULL END`,
        })
        .where(eq(orders.id, orderId)),
      db.insert(notifications).values({
        id: newId('ntf'),
        organizationId: platform?.id ?? null,
        kind: 'fapiao.requested',
        titleZh: `订单 ${orderId} 申请开具发票`,
        titleEn: `Fapiao requested for order ${orderId}`,
        payload: { ...fapiao, buyerOrganizationId: order.organizationId, totalFen: order.totalFen },
        createdAt: now,
      }),
      auditEntry(db, { actor, action: 'order.fapiao_request', entityType: 'order', entityId: orderId, organizationId: order.organizationId, after: fapiao, at: now }),
    ]);
  } catch (error) {
    if (guardFailure(error) === 'orders.updated_at') {
      const current = await db.select({ at: orders.fapiaoRequestedAt }).from(orders).where(eq(orders.id, orderId)).get();
      throw alreadyRequested(current?.at ?? now);
    }
    throw error;
  }
  return fapiao;
}

function alreadyRequested(at: number): AppError {
  return new AppError('conflict', 'A fapiao was already requested for this order; contact the platform to correct it', { extensions: { fapiaoRequestedAt: at } });
}
