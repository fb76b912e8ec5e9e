import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Paid sales net of refunds rolled up per day × cooperative × category, maintained in the same
 * D1 batches that make a sale paid or refund it, so the impact report never scans orders.
 */
export const salesDaily = sqliteTable(
  'sales_daily',
  {
    /** 'YYYY-MM-DD' in Asia/Shanghai. */
    day: text().notNull(),
    cooperativeId: text().notNull(),
    countyId: text().notNull(),
    districtId: text().notNull().default(''),
    category: text().notNull(),
    salesFen: integer().notNull().default(0),
    refundsFen: integer().notNull().default(0),
    orders: integer().notNull().default(0),
    units: integer().notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.day, t.cooperativeId, t.category] }),
    index('sales_daily_county_idx').on(t.countyId, t.day),
    index('sales_daily_district_idx').on(t.districtId, t.day),
  ],
);
