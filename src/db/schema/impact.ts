import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Paid sales net of refunds rolled up per day × cooperative × category, maintained in the same
 * D1 batches that make a sale paid or refund it, so the impact report never scans orders.
 * What counts, and when, is defined once in src/impact/sales-events.ts.
 */
export const salesDaily = sqliteTable(
  'sales_daily',
  {
    /** 'YYYY-MM-DD' in Asia/Shanghai. */
    day: text().notNull(),
    cooperativeId: text().notNull(),
    countyId: text().notNull(),
    /** The county's current paired district ('' for counties Shanghai supports as a whole). */
    districtId: text().notNull().default(''),
    category: text().notNull(),
    /** Goods sold (order lines / group-buy items), shipping excluded. */
    salesFen: integer().notNull().default(0),
    /** The goods share of refunds issued that day. */
    refundsFen: integer().notNull().default(0),
    /** Cooperative orders: each paid order counts once per cooperative (on one of its category rows). */
    orders: integer().notNull().default(0),
    /** Orders that bought this category from this cooperative: each paid order counts once per row. */
    categoryOrders: integer().notNull().default(0),
    units: integer().notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.day, t.cooperativeId, t.category] }),
    index('sales_daily_county_idx').on(t.countyId, t.day),
    index('sales_daily_district_idx').on(t.districtId, t.day),
  ],
);

/**
 * `sales_daily` summed per month, kept in step with it by triggers (migration
 * 0004_impact_triggers.sql) on every insert, update and delete, so whatever writes the daily
 * rollup — a payment, a refund, a county move, a rebuild — the monthly one follows. The report reads
 * whole months here and only the partial months at the ends of a range from `sales_daily`.
 */
export const salesMonthly = sqliteTable(
  'sales_monthly',
  {
    /** 'YYYY-MM' in Asia/Shanghai. */
    month: text().notNull(),
    cooperativeId: text().notNull(),
    countyId: text().notNull(),
    districtId: text().notNull().default(''),
    category: text().notNull(),
    salesFen: integer().notNull().default(0),
    refundsFen: integer().notNull().default(0),
    orders: integer().notNull().default(0),
    categoryOrders: integer().notNull().default(0),
    units: integer().notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.month, t.cooperativeId, t.category] }),
    index('sales_monthly_county_idx').on(t.countyId, t.month),
    index('sales_monthly_district_idx').on(t.districtId, t.month),
  ],
);

/**
 * One row whose `version` changes (to a new random value) whenever anything the impact report
 * reads changes: any write to `sales_daily` (and so `sales_monthly`), to a cooperative's households,
 * or to districts and counties. Triggers set it (migration 0004); the report caches per version.
 */
export const impactState = sqliteTable('impact_state', {
  id: integer().primaryKey(),
  version: integer().notNull(),
});
