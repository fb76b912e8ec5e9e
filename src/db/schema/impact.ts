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
