import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { products, shipments } from '../db/schema';
import { shanghaiMonth, startOfShanghaiDay } from '../lib/time';
import { itemsOf, shipmentView } from '../fulfilment';

/** Published products at or below this many units (or three minimum orders) count as running low. */
export const LOW_STOCK_UNITS = 10;

/**
 * What a cooperative clerk needs on opening the portal: shipments waiting to be accepted or
 * shipped (oldest first), this month's delivered sales and new orders, and products running low.
 */
export async function cooperativeDashboard(db: Db, cooperativeId: string, now = Date.now()) {
  const monthStart = startOfShanghaiDay(`${shanghaiMonth(now)}-01`);
  const [toShip, month, lowStock] = await Promise.all([
    db
      .select()
      .from(shipments)
      .where(and(eq(shipments.cooperativeId, cooperativeId), eq(shipments.released, true), inArray(shipments.status, ['pending', 'accepted'])))
      .orderBy(asc(shipments.createdAt))
      .limit(20),
    db
      .select({
        deliveredFen: sql<number>`coalesce(sum(CASE WHEN ${shipments.status} = 'delivered' AND ${shipments.deliveredAt} >= ${monthStart} THEN ${shipments.subtotalFen} + ${shipments.shippingFen} ELSE 0 END), 0)`,
        delivered: sql<number>`coalesce(sum(CASE WHEN ${shipments.status} = 'delivered' AND ${shipments.deliveredAt} >= ${monthStart} THEN 1 ELSE 0 END), 0)`,
        receivedFen: sql<number>`coalesce(sum(CASE WHEN ${shipments.createdAt} >= ${monthStart} AND ${shipments.status} <> 'cancelled' THEN ${shipments.subtotalFen} + ${shipments.shippingFen} ELSE 0 END), 0)`,
        received: sql<number>`coalesce(sum(CASE WHEN ${shipments.createdAt} >= ${monthStart} AND ${shipments.status} <> 'cancelled' THEN 1 ELSE 0 END), 0)`,
      })
      .from(shipments)
      .where(
        and(
          eq(shipments.cooperativeId, cooperativeId),
          eq(shipments.released, true),
          sql`(${shipments.createdAt} >= ${monthStart} OR ${shipments.deliveredAt} >= ${monthStart})`,
        ),
      ),
    db
      .select()
      .from(products)
      .where(
        and(
          eq(products.cooperativeId, cooperativeId),
          eq(products.status, 'published'),
          sql`${products.stock} <= max(${LOW_STOCK_UNITS}, ${products.minOrderQuantity} * 3)`,
        ),
      )
      .orderBy(asc(products.stock))
      .limit(10),
  ]);
  const items = await itemsOf(db, toShip.map((s) => s.id));
  const pendingCount = toShip.filter((s) => s.status === 'pending').length;
  return {
    month: shanghaiMonth(now),
    toShip: toShip.map((s) => shipmentView(s, items.get(s.id) ?? [])),
    pendingCount,
    acceptedCount: toShip.length - pendingCount,
    sales: month[0] ?? { deliveredFen: 0, delivered: 0, receivedFen: 0, received: 0 },
    lowStock,
  };
}
