import { and, desc, eq, inArray, lt, or, type SQL } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import type { Db } from '../db/client';
import { orders, payments, refunds, type PaymentMethod, type PaymentStatus } from '../db/schema';
import type { Actor } from '../env';
import { auditEntry } from '../lib/audit';
import { AppError } from '../lib/errors';
import { newId } from '../lib/ids';
import { decodeCursor, encodeCursor } from '../lib/pagination';
import { claimIdempotency, idempotent } from '../lib/idempotency';
import { refundPayment } from './refunds';
import { subjectOf, type PaymentContext, type PaymentRow, type RefundRow } from './subjects';

/** Admin work on payments: confirming money received outside Stripe, refunds, the reconciliation list. */

export async function confirmOfflinePayment(ctx: PaymentContext, actor: Actor, paymentId: string, bankReference: string): Promise<PaymentRow> {
  const payment = await ctx.db.select().from(payments).where(eq(payments.id, paymentId)).get();
  if (!payment) throw new AppError('not_found', 'Payment not found');
  if (payment.method === 'stripe') throw new AppError('invalid_state', 'Card, Alipay and WeChat Pay payments are confirmed by Stripe, not by hand');
  if (payment.status !== 'pending') throw new AppError('invalid_state', `This payment is already ${payment.status}`);
  const outcome = await subjectOf(payment).moneyArrived(ctx, payment, {
    details: { bankReference, confirmedByUserId: actor.userId },
    from: ['pending'],
    lead: [],
    trail: [
      auditEntry(ctx.db, {
        actor,
        action: 'payment.confirm',
        entityType: 'payment',
        entityId: payment.id,
        before: { status: payment.status },
        after: { status: 'succeeded', bankReference, orderId: payment.orderId, participantId: payment.participantId },
        at: ctx.now,
      }),
    ],
    actor,
  });
  if (outcome === 'already_applied') throw new AppError('invalid_state', 'This payment was confirmed meanwhile');
  return (await ctx.db.select().from(payments).where(eq(payments.id, paymentId)).get())!;
}

export type RefundOrderInput = { amountFen?: number; reason: string };

/** Refund (part of) an order's payment; `Idempotency-Key` makes a retried request return the same refund. */
export async function refundOrder(
  ctx: PaymentContext,
  actor: Actor,
  orderId: string,
  input: RefundOrderInput,
  idempotencyKey?: string,
): Promise<{ refund: RefundRow; replayed: boolean }> {
  const claim = await claimIdempotency('orders.refund', actor, idempotencyKey, { orderId, ...input });
  return idempotent<{ refund: RefundRow; replayed: boolean }>(ctx.db, claim, {
    replay: async (record) => ({ refund: (await ctx.db.select().from(refunds).where(eq(refunds.id, record.resourceId)).get())!, replayed: true }),
    run: async (record) => {
      const order = await ctx.db.select({ id: orders.id }).from(orders).where(eq(orders.id, orderId)).get();
      if (!order) throw new AppError('not_found', 'Order not found');
      // The order's latest payment, as the order page shows it.
      const payment = await ctx.db.select().from(payments).where(eq(payments.orderId, orderId)).orderBy(desc(payments.createdAt)).get();
      if (!payment || payment.status !== 'succeeded') throw new AppError('invalid_state', 'Nothing has been paid for this order, so there is nothing to refund');
      const refundId = newId('rfd');
      const alongside = record({ resourceId: refundId, status: 201, body: { refundId }, at: ctx.now });
      const refund = await refundPayment(ctx, subjectOf(payment), payment, { ...input, actor, refundId, alongside });
      return { refund, replayed: false };
    },
  });
}

export const adminPaymentSchema = z
  .object({
    id: z.string(),
    orderId: z.string().nullable(),
    participantId: z.string().nullable(),
    method: z.string(),
    status: z.string(),
    amountFen: z.number().int(),
    refundedFen: z.number().int(),
    bankReference: z.string().nullable(),
    createdAt: z.number().int(),
    paidAt: z.number().int().nullable(),
    orderStatus: z.string().nullable(),
    contactName: z.string().nullable(),
    contactPhone: z.string().nullable(),
    invoiceDueAt: z.number().int().nullable(),
  })
  .openapi('AdminPayment');

export type AdminPayment = z.infer<typeof adminPaymentSchema>;

const cursorShape = z.tuple([z.number(), z.string()]);

/** Payments for reconciliation, newest first: by default those waiting for an admin (invoice, pay at pickup). */
export async function listPayments(
  db: Db,
  query: { status?: PaymentStatus; methods?: PaymentMethod[]; limit: number; cursor?: string },
): Promise<{ items: AdminPayment[]; nextCursor: string | null }> {
  const conditions: SQL[] = [];
  if (query.status) conditions.push(eq(payments.status, query.status));
  if (query.methods?.length) conditions.push(inArray(payments.method, query.methods));
  if (query.cursor) {
    const [createdAt, id] = decodeCursor(query.cursor, cursorShape);
    conditions.push(or(lt(payments.createdAt, createdAt), and(eq(payments.createdAt, createdAt), lt(payments.id, id)))!);
  }
  const rows = await db
    .select({
      payment: payments,
      orderStatus: orders.status,
      contactName: orders.contactName,
      contactPhone: orders.contactPhone,
      invoiceDueAt: orders.invoiceDueAt,
    })
    .from(payments)
    .leftJoin(orders, eq(orders.id, payments.orderId))
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(payments.createdAt), desc(payments.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      id: r.payment.id,
      orderId: r.payment.orderId,
      participantId: r.payment.participantId,
      method: r.payment.method,
      status: r.payment.status,
      amountFen: r.payment.amountFen,
      refundedFen: r.payment.refundedFen,
      bankReference: r.payment.bankReference,
      createdAt: r.payment.createdAt,
      paidAt: r.payment.paidAt,
      orderStatus: r.orderStatus,
      contactName: r.contactName,
      contactPhone: r.contactPhone,
      invoiceDueAt: r.invoiceDueAt,
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.payment.createdAt, last.payment.id]) : null,
  };
}
