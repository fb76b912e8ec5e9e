import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { salesDaily, salesMonthly } from '../db/schema';
import { salesDailyRowsSql } from './sales-events';

/**
 * `sales_daily` recomputed from scratch out of orders, order lines, group-buy participants' items,
 * payments and refunds, by the same definition the rollup applies event by event
 * (./sales-events.ts). The report can read it in place of the table (`source: 'recompute'`),
 * which is how tests prove the rollup agrees, and the admin's rebuild writes it back.
 */
export function recomputedSalesDailySql() {
  return salesDailyRowsSql({ kind: 'all' });
}

export type SalesDailyRow = {
  day: string;
  cooperativeId: string;
  countyId: string;
  districtId: string;
  category: string;
  salesFen: number;
  refundsFen: number;
  orders: number;
  categoryOrders: number;
  units: number;
};

const ROW_FIELDS = sql.raw(`day, cooperative_id AS cooperativeId, county_id AS countyId, district_id AS districtId, category,
  sales_fen AS salesFen, refunds_fen AS refundsFen, orders, category_orders AS categoryOrders, units`);

/** Every recomputed row, ordered by its key: for comparing with the table. */
export async function recomputedSalesDaily(db: Db): Promise<SalesDailyRow[]> {
  return db.all<SalesDailyRow>(
    sql`SELECT ${ROW_FIELDS} FROM (${recomputedSalesDailySql()}) ORDER BY day, cooperativeId, category`,
  );
}

/** Every row of the maintained table, ordered by its key. */
export async function storedSalesDaily(db: Db): Promise<SalesDailyRow[]> {
  return db.all<SalesDailyRow>(sql`SELECT ${ROW_FIELDS} FROM sales_daily ORDER BY day, cooperativeId, category`);
}

/**
 * Statements replacing `sales_daily` with the recomputation, for one all-or-nothing batch (so a
 * payment landing meanwhile is either in the source rows or applied after, never lost).
 * `sales_monthly` is emptied first; the triggers on `sales_daily` refill it from the inserted rows.
 */
export function rebuildSalesDailyStatements(db: Db) {
  return [db.delete(salesMonthly), db.delete(salesDaily), db.insert(salesDaily).select(recomputedSalesDailySql())];
}

/** `sales_monthly` as stored, and as `sales_daily` summed by month: the two must be equal. */
export async function monthlyAgreement(db: Db) {
  const [stored, summed] = await db.batch([
    db.all(sql`SELECT month, cooperative_id, county_id, district_id, category, sales_fen, refunds_fen, orders, category_orders, units
      FROM sales_monthly WHERE sales_fen <> 0 OR refunds_fen <> 0 OR orders <> 0 OR category_orders <> 0 OR units <> 0 ORDER BY 1, 2, 5`),
    db.all(sql`SELECT substr(day, 1, 7) AS month, cooperative_id, MAX(county_id) AS county_id, MAX(district_id) AS district_id, category,
        SUM(sales_fen) AS sales_fen, SUM(refunds_fen) AS refunds_fen, SUM(orders) AS orders, SUM(category_orders) AS category_orders, SUM(units) AS units
      FROM sales_daily GROUP BY 1, 2, 5
      HAVING SUM(sales_fen) <> 0 OR SUM(refunds_fen) <> 0 OR SUM(orders) <> 0 OR SUM(category_orders) <> 0 OR SUM(units) <> 0 ORDER BY 1, 2, 5`),
  ]);
  return { stored, summed };
}
