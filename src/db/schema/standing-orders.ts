import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { organization } from './accounts';
import { products } from './catalog';
import { PAYMENT_METHODS } from './orders';

/**
 * Standing orders (定期供货): an institution's order placed again on a schedule. Each scheduled day
 * (Asia/Shanghai) becomes at most one occurrence row; the unique (standing order, day) key is what
 * makes a skip stick and a placement happen once.
 */

export const STANDING_ORDER_STATUSES = ['active', 'paused', 'ended'] as const;
export type StandingOrderStatus = (typeof STANDING_ORDER_STATUSES)[number];

export const STANDING_CADENCES = ['weekly', 'monthly'] as const;
export type StandingCadence = (typeof STANDING_CADENCES)[number];

export const standingOrders = sqliteTable(
  'standing_orders',
  {
    id: text().primaryKey(),
    organizationId: text()
      .notNull()
      .references(() => organization.id, { onDelete: 'cascade' }),
    /** The purchaser (or owner) the occurrences are placed as: their per-order limit applies. */
    createdByUserId: text().notNull(),
    title: text().notNull(),
    status: text({ enum: STANDING_ORDER_STATUSES }).notNull().default('active'),
    cadence: text({ enum: STANDING_CADENCES }).notNull(),
    /** Weekly: ISO weekdays 1 (Monday) … 7 (Sunday), as a JSON array. */
    weekdays: text({ mode: 'json' }).$type<number[]>(),
    /** Monthly: day of the month 1…31; a shorter month uses its last day. */
    monthDay: integer(),
    /** Shanghai calendar days 'YYYY-MM-DD'; end inclusive, null = open-ended. */
    startDate: text().notNull(),
    endDate: text(),
    /** The first day the job may place: the start, or the day it was resumed (no catch-up of a pause). */
    placeFrom: text().notNull(),
    /** The order's delivery and contact exactly as POST /orders takes them. */
    delivery: text({ mode: 'json' }).notNull(),
    contact: text({ mode: 'json' }).notNull(),
    paymentMethod: text({ enum: PAYMENT_METHODS }).notNull(),
    /** How far (percent) a unit price may rise above the line's reference price before an occurrence waits. */
    priceTolerancePercent: integer().notNull().default(0),
    createdAt: integer().notNull(),
    updatedAt: integer().notNull(),
  },
  (t) => [
    check(
      'standing_orders_schedule_shape',
      sql`(${t.cadence} = 'weekly' AND ${t.weekdays} IS NOT NULL AND ${t.monthDay} IS NULL) OR (${t.cadence} = 'monthly' AND ${t.monthDay} BETWEEN 1 AND 31 AND ${t.weekdays} IS NULL)`,
    ),
    check('standing_orders_tolerance_range', sql`${t.priceTolerancePercent} BETWEEN 0 AND 100`),
    check('standing_orders_dates_ordered', sql`${t.endDate} IS NULL OR ${t.endDate} >= ${t.startDate}`),
    index('standing_orders_org_idx').on(t.organizationId, t.createdAt),
    index('standing_orders_status_idx').on(t.status, t.placeFrom),
  ],
);

export const standingOrderLines = sqliteTable(
  'standing_order_lines',
  {
    id: text().primaryKey(),
    standingOrderId: text()
      .notNull()
      .references(() => standingOrders.id, { onDelete: 'cascade' }),
    productId: text()
      .notNull()
      .references(() => products.id),
    quantity: integer().notNull(),
    /** The unit price when the buyer set the line up: the base of the price tolerance. */
    referenceUnitPriceFen: integer().notNull(),
    position: integer().notNull(),
  },
  (t) => [
    check('standing_order_lines_quantity_positive', sql`${t.quantity} > 0`),
    uniqueIndex('standing_order_lines_product_uq').on(t.standingOrderId, t.productId),
    index('standing_order_lines_product_idx').on(t.productId),
  ],
);

export const OCCURRENCE_STATUSES = ['placed', 'awaiting_approval', 'failed', 'skipped', 'dismissed'] as const;
export type OccurrenceStatus = (typeof OCCURRENCE_STATUSES)[number];

/** Why an occurrence was not placed; each is worded for the buyer by its rule. */
export const OCCURRENCE_FAILURE_RULES = ['short_stock', 'price_tolerance', 'credit', 'unavailable', 'purchaser_gone', 'payment_method'] as const;
export type OccurrenceFailureRule = (typeof OCCURRENCE_FAILURE_RULES)[number];

export const standingOrderOccurrences = sqliteTable(
  'standing_order_occurrences',
  {
    id: text().primaryKey(),
    standingOrderId: text()
      .notNull()
      .references(() => standingOrders.id, { onDelete: 'cascade' }),
    occurrenceDate: text().notNull(),
    status: text({ enum: OCCURRENCE_STATUSES }).notNull(),
    orderId: text(),
    approvalId: text(),
    failureRule: text({ enum: OCCURRENCE_FAILURE_RULES }),
    failureDetail: text(),
    createdAt: integer().notNull(),
    updatedAt: integer().notNull(),
  },
  (t) => [
    uniqueIndex('standing_order_occurrences_day_uq').on(t.standingOrderId, t.occurrenceDate),
    check('standing_order_occurrences_failure_has_rule', sql`${t.status} <> 'failed' OR ${t.failureRule} IS NOT NULL`),
  ],
);
