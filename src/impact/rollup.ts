import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { salesDaily } from '../db/schema';
import { salesDailyRowsSql } from './sales-events';

/** The write that makes money arrive (a payment turned succeeded) or leave (a refund turned succeeded). */
export type RollupEvent = { kind: 'sale'; paymentId: string } | { kind: 'refund'; refundId: string };

/**
 * Statements that add a paid sale (or subtract a refund) to `sales_daily`, to put in the same
 * `db.batch` **after** the statement that marks the payment `succeeded` with its `paidAt` (or the
 * refund `succeeded`). They read the order lines, payment and refunds from the database, so the
 * caller passes only the id and the figures follow the one definition in ./sales-events.ts; a
 * payment that is not the order's first succeeded one (a duplicate) adds nothing.
 *
 * Call once per payment or refund that becomes succeeded: the statements add, they are not idempotent
 * (the batch's own guard, e.g. the Stripe event id insert or a conditional status update, is).
 *
 * @example
 * await runBatch(db, [
 *   db.update(payments).set({ status: 'succeeded', paidAt: now, updatedAt: now }).where(eq(payments.id, id)),
 *   db.update(orders).set({ status: 'paid', paidAt: now, updatedAt: now }).where(eq(orders.id, orderId)),
 *   ...salesRollupStatements(db, { kind: 'sale', paymentId: id }),
 * ]);
 */
export function salesRollupStatements(db: Db, event: RollupEvent) {
  return [
    db
      .insert(salesDaily)
      .select(salesDailyRowsSql(event))
      .onConflictDoUpdate({
        target: [salesDaily.day, salesDaily.cooperativeId, salesDaily.category],
        set: {
          salesFen: sql`${salesDaily.salesFen} + excluded.sales_fen`,
          refundsFen: sql`${salesDaily.refundsFen} + excluded.refunds_fen`,
          orders: sql`${salesDaily.orders} + excluded.orders`,
          categoryOrders: sql`${salesDaily.categoryOrders} + excluded.category_orders`,
          units: sql`${salesDaily.units} + excluded.units`,
          countyId: sql`excluded.county_id`,
          districtId: sql`excluded.district_id`,
        },
      }),
  ];
}
