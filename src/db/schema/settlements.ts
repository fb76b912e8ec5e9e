import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { organization } from './accounts';

export const SETTLEMENT_STATUSES = ['issued', 'paid'] as const;
export type SettlementStatus = (typeof SETTLEMENT_STATUSES)[number];

/** What the platform owes one cooperative for one period. */
export const settlements = sqliteTable(
  'settlements',
  {
    id: text().primaryKey(),
    cooperativeId: text()
      .notNull()
      .references(() => organization.id),
    /** Inclusive start, exclusive end, ms epoch. */
    periodStart: integer().notNull(),
    periodEnd: integer().notNull(),
    grossFen: integer().notNull(),
    refundsFen: integer().notNull(),
    feeFen: integer().notNull(),
    commissionFen: integer().notNull(),
    netFen: integer().notNull(),
    feeRateBp: integer().notNull(),
    commissionRateBp: integer().notNull(),
    status: text({ enum: SETTLEMENT_STATUSES }).notNull().default('issued'),
    bankReference: text(),
    paidAt: integer(),
    createdByUserId: text(),
    createdAt: integer().notNull(),
  },
  (t) => [
    uniqueIndex('settlements_coop_period_idx').on(t.cooperativeId, t.periodStart, t.periodEnd),
    index('settlements_status_idx').on(t.status, t.createdAt),
  ],
);

/** Each fen of a statement traced to the shipment, refund or commission behind it. */
export const settlementLines = sqliteTable(
  'settlement_lines',
  {
    id: text().primaryKey(),
    settlementId: text()
      .notNull()
      .references(() => settlements.id, { onDelete: 'cascade' }),
    /** 'sale' | 'refund' | 'fee' | 'commission' */
    kind: text().notNull(),
    shipmentId: text(),
    refundId: text(),
    /** For commissions: the showroom organisation that is paid. */
    beneficiaryOrganizationId: text(),
    amountFen: integer().notNull(),
    description: text().notNull(),
  },
  (t) => [
    index('settlement_lines_settlement_idx').on(t.settlementId),
    index('settlement_lines_shipment_idx').on(t.shipmentId),
    index('settlement_lines_refund_idx').on(t.refundId),
  ],
);

/** Platform-wide settings the admin changes (fee rate, commission rate, receipt days). */
export const platformSettings = sqliteTable('platform_settings', {
  key: text().primaryKey(),
  value: text().notNull(),
  updatedAt: integer().notNull(),
});
