import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * WeChat Pay and Alipay notifications already applied (`<provider>:<their id>`); the insert is the
 * first statement of each effect batch, so a redelivered notification rolls its batch back.
 */
export const providerNotifications = sqliteTable('provider_notifications', {
  id: text().primaryKey(),
  provider: text().notNull(),
  kind: text().notNull(),
  receivedAt: integer().notNull(),
});

/** One provider's statement of one day, read once (the reconciliation job's record of its work). */
export const reconciliationRuns = sqliteTable('reconciliation_runs', {
  /** `<provider>:<YYYY-MM-DD>` (Beijing date of the statement). */
  id: text().primaryKey(),
  provider: text().notNull(),
  statementDate: text().notNull(),
  lines: integer().notNull(),
  differences: integer().notNull(),
  ranAt: integer().notNull(),
});

export const RECONCILIATION_KINDS = ['missing_here', 'missing_there', 'amount', 'status'] as const;
export type ReconciliationKind = (typeof RECONCILIATION_KINDS)[number];

/**
 * A payment or refund on which the provider's statement and our books disagree: money they took that
 * we did not record (`missing_here`), money we recorded that they do not list (`missing_there`), a
 * different amount, or a different state.
 */
export const reconciliationDifferences = sqliteTable(
  'reconciliation_differences',
  {
    /** `<run id>:<out_trade_no or out_refund_no>:<kind>`: a re-run records nothing twice. */
    id: text().primaryKey(),
    runId: text().notNull(),
    provider: text().notNull(),
    statementDate: text().notNull(),
    kind: text({ enum: RECONCILIATION_KINDS }).notNull(),
    /** Our payment id (= out_trade_no) or refund id (= out_refund_no). */
    reference: text().notNull(),
    oursFen: integer(),
    theirsFen: integer(),
    ourStatus: text(),
    theirStatus: text(),
    detectedAt: integer().notNull(),
  },
  (t) => [index('reconciliation_differences_detected_idx').on(t.detectedAt)],
);
