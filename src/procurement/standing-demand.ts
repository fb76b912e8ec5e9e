import { and, eq, gte, inArray, lte } from 'drizzle-orm';
import type { Db } from '../db/client';
import { products, standingOrderLines, standingOrderOccurrences, standingOrders } from '../db/schema';
import { shanghaiDay } from '../lib/time';
import { addDays, occurrencesBetween } from './standing-schedule';
import type { StandingDemand } from './standing-orders.schemas';

/**
 * What a cooperative's buyers' standing orders will ask of it in the coming days: per day and product,
 * the quantities still to be placed (active standing orders only; skipped, placed or failed days are
 * not counted again). Buyers are not named — a cooperative plans its harvest and stock from this, and
 * sees who ordered once an order is placed.
 */
export async function standingDemand(db: Db, cooperativeId: string, options: { days: number; now?: number }): Promise<StandingDemand> {
  const from = shanghaiDay(options.now ?? Date.now());
  const to = addDays(from, options.days - 1);
  const lines = await db
    .select({
      standingOrderId: standingOrders.id,
      cadence: standingOrders.cadence,
      weekdays: standingOrders.weekdays,
      monthDay: standingOrders.monthDay,
      placeFrom: standingOrders.placeFrom,
      startDate: standingOrders.startDate,
      endDate: standingOrders.endDate,
      productId: products.id,
      sku: products.sku,
      nameZh: products.nameZh,
      nameEn: products.nameEn,
      quantity: standingOrderLines.quantity,
    })
    .from(standingOrderLines)
    .innerJoin(products, eq(products.id, standingOrderLines.productId))
    .innerJoin(standingOrders, eq(standingOrders.id, standingOrderLines.standingOrderId))
    .where(and(eq(products.cooperativeId, cooperativeId), eq(standingOrders.status, 'active'), lte(standingOrders.startDate, to)));
  const ids = [...new Set(lines.map((l) => l.standingOrderId))];
  const taken = ids.length
    ? await db
        .select({ standingOrderId: standingOrderOccurrences.standingOrderId, day: standingOrderOccurrences.occurrenceDate })
        .from(standingOrderOccurrences)
        .where(and(inArray(standingOrderOccurrences.standingOrderId, ids), gte(standingOrderOccurrences.occurrenceDate, from), lte(standingOrderOccurrences.occurrenceDate, to)))
    : [];
  const takenDays = new Set(taken.map((t) => `${t.standingOrderId}|${t.day}`));
  const byDayProduct = new Map<string, StandingDemand['items'][number]>();
  for (const line of lines) {
    const start = line.placeFrom > from ? line.placeFrom : from;
    const end = line.endDate && line.endDate < to ? line.endDate : to;
    for (const day of occurrencesBetween(line, start, end)) {
      if (takenDays.has(`${line.standingOrderId}|${day}`)) continue;
      const key = `${day}|${line.productId}`;
      const item = byDayProduct.get(key) ?? { date: day, productId: line.productId, sku: line.sku, nameZh: line.nameZh, nameEn: line.nameEn, quantity: 0 };
      item.quantity += line.quantity;
      byDayProduct.set(key, item);
    }
  }
  const items = [...byDayProduct.values()].sort((a, b) => (a.date === b.date ? a.sku.localeCompare(b.sku) : a.date < b.date ? -1 : 1));
  const totals = new Map<string, StandingDemand['totals'][number]>();
  for (const item of items) {
    const total = totals.get(item.productId) ?? { productId: item.productId, sku: item.sku, nameZh: item.nameZh, nameEn: item.nameEn, quantity: 0 };
    total.quantity += item.quantity;
    totals.set(item.productId, total);
  }
  return { cooperativeId, from, to, items, totals: [...totals.values()].sort((a, b) => a.sku.localeCompare(b.sku)) };
}
