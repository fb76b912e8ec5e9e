import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { salesDaily } from '../db/schema';
import { shanghaiDay } from '../lib/time';

/** One cooperative's part of a sale (or refund), already summed per category. */
export type RollupLine = {
  cooperativeId: string;
  countyId: string;
  districtId: string | null;
  category: string;
  amountFen: number;
  units: number;
};

/**
 * Statements that add a paid sale (or subtract a refund) to `sales_daily`, to be put in the same
 * `db.batch` that marks the order or participant paid (or records the refund). Each call counts
 * one order per cooperative involved. The impact report reads only this table.
 */
export function salesRollupStatements(db: Db, input: { kind: 'sale' | 'refund'; at: number; lines: RollupLine[] }) {
  const day = shanghaiDay(input.at);
  const merged = new Map<string, RollupLine>();
  for (const line of input.lines) {
    const key = `${line.cooperativeId}|${line.category}`;
    const seen = merged.get(key);
    if (seen) {
      seen.amountFen += line.amountFen;
      seen.units += line.units;
    } else merged.set(key, { ...line });
  }
  const coopsCounted = new Set<string>();
  return [...merged.values()].map((line) => {
    const isSale = input.kind === 'sale';
    // An order counts once per cooperative, on its first category row.
    const orderIncrement = isSale && !coopsCounted.has(line.cooperativeId) ? 1 : 0;
    coopsCounted.add(line.cooperativeId);
    const row = {
      day,
      cooperativeId: line.cooperativeId,
      countyId: line.countyId,
      districtId: line.districtId ?? '',
      category: line.category,
      salesFen: isSale ? line.amountFen : 0,
      refundsFen: isSale ? 0 : line.amountFen,
      orders: orderIncrement,
      units: isSale ? line.units : 0,
    };
    return db
      .insert(salesDaily)
      .values(row)
      .onConflictDoUpdate({
        target: [salesDaily.day, salesDaily.cooperativeId, salesDaily.category],
        set: {
          salesFen: sql`${salesDaily.salesFen} + ${row.salesFen}`,
          refundsFen: sql`${salesDaily.refundsFen} + ${row.refundsFen}`,
          orders: sql`${salesDaily.orders} + ${row.orders}`,
          units: sql`${salesDaily.units} + ${row.units}`,
        },
      });
  });
}
