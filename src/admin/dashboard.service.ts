import { and, asc, count, desc, eq, gte, inArray, lt, or, sum } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/client';
import { groupBuys, organization, orders, payments, shipments } from '../db/schema';
import { DAY_MS, shanghaiDay, startOfShanghaiDay } from '../lib/time';

/** Shipments not shipped this long after their order, or not delivered this long after shipping, are late. */
export const LATE_TO_SHIP_MS = 2 * DAY_MS;
export const LATE_TO_DELIVER_MS = 7 * DAY_MS;
const LIST_SIZE = 10;

/**
 * What needs the admin's attention now: today's orders (Shanghai day), offline payments waiting for
 * confirmation, overdue invoices, group buys closing today and late shipments. Counts plus the first
 * few of each, read in one batch through the tables' status indexes.
 */
export async function adminDashboard(db: Db, now = Date.now()) {
  const today = startOfShanghaiDay(shanghaiDay(now));
  const tomorrow = today + DAY_MS;
  const buyer = alias(organization, 'buyer');
  const cooperative = alias(organization, 'cooperative');

  const todaysOrders = and(gte(orders.createdAt, today), lt(orders.createdAt, tomorrow));
  const awaiting = and(eq(payments.status, 'pending'), inArray(payments.method, ['invoice', 'pay_at_pickup']));
  const overdue = eq(orders.invoiceStatus, 'overdue');
  const closingToday = and(eq(groupBuys.status, 'open'), gte(groupBuys.closesAt, today), lt(groupBuys.closesAt, tomorrow));
  const late = and(
    eq(shipments.released, true),
    or(
      and(inArray(shipments.status, ['pending', 'accepted']), lt(shipments.createdAt, now - LATE_TO_SHIP_MS)),
      and(eq(shipments.status, 'shipped'), lt(shipments.shippedAt, now - LATE_TO_DELIVER_MS)),
    ),
  );

  const [orderTotals, orderList, paymentCount, paymentList, overdueCount, overdueList, closingList, lateCount, lateList] = await db.batch([
    db.select({ count: count(), totalFen: sum(orders.totalFen) }).from(orders).where(todaysOrders),
    db
      .select({ id: orders.id, status: orders.status, paymentMethod: orders.paymentMethod, totalFen: orders.totalFen, contactName: orders.contactName, createdAt: orders.createdAt })
      .from(orders)
      .where(todaysOrders)
      .orderBy(desc(orders.createdAt))
      .limit(LIST_SIZE),
    db.select({ count: count() }).from(payments).where(awaiting),
    db
      .select({ id: payments.id, method: payments.method, amountFen: payments.amountFen, orderId: payments.orderId, participantId: payments.participantId, createdAt: payments.createdAt })
      .from(payments)
      .where(awaiting)
      .orderBy(asc(payments.createdAt))
      .limit(LIST_SIZE),
    db.select({ count: count() }).from(orders).where(overdue),
    db
      .select({ id: orders.id, totalFen: orders.totalFen, invoiceDueAt: orders.invoiceDueAt, organizationName: buyer.name })
      .from(orders)
      .leftJoin(buyer, eq(buyer.id, orders.organizationId))
      .where(overdue)
      .orderBy(asc(orders.invoiceDueAt))
      .limit(LIST_SIZE),
    db
      .select({ id: groupBuys.id, shortCode: groupBuys.shortCode, title: groupBuys.title, closesAt: groupBuys.closesAt, participantsCount: groupBuys.participantsCount })
      .from(groupBuys)
      .where(closingToday)
      .orderBy(asc(groupBuys.closesAt)),
    db.select({ count: count() }).from(shipments).where(late),
    db
      .select({ id: shipments.id, orderId: shipments.orderId, groupBuyId: shipments.groupBuyId, status: shipments.status, createdAt: shipments.createdAt, shippedAt: shipments.shippedAt, cooperativeName: cooperative.name })
      .from(shipments)
      .leftJoin(cooperative, eq(cooperative.id, shipments.cooperativeId))
      .where(late)
      .orderBy(asc(shipments.createdAt))
      .limit(LIST_SIZE),
  ]);

  return {
    today: shanghaiDay(now),
    todaysOrders: { count: orderTotals[0]?.count ?? 0, totalFen: Number(orderTotals[0]?.totalFen ?? 0), items: orderList },
    paymentsAwaiting: { count: paymentCount[0]?.count ?? 0, items: paymentList },
    overdueInvoices: { count: overdueCount[0]?.count ?? 0, items: overdueList },
    groupBuysClosingToday: { count: closingList.length, items: closingList },
    lateShipments: { count: lateCount[0]?.count ?? 0, items: lateList },
  };
}

export type AdminDashboard = Awaited<ReturnType<typeof adminDashboard>>;
