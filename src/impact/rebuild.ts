import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { runBatch } from '../db/batch';
import type { Actor } from '../env';
import { auditEntry } from '../lib/audit';
import { rebuildSalesDailyStatements } from './recompute';

export type RollupSummary = { rows: number; salesFen: number; refundsFen: number };

const SUMMARY_COLUMNS = sql.raw(`count(*) AS rows, coalesce(sum(sales_fen), 0) AS salesFen, coalesce(sum(refunds_fen), 0) AS refundsFen`);

/**
 * Replaces `sales_daily` with the from-scratch recomputation in one batch, audited with the table's
 * summary before and after (the "after" is computed inside the batch, from the rebuilt table).
 */
export async function rebuildSalesDaily(db: Db, actor: Actor): Promise<{ before: RollupSummary; after: RollupSummary }> {
  const [before] = await db.all<RollupSummary>(sql`SELECT ${SUMMARY_COLUMNS} FROM sales_daily`);
  await runBatch(db, [
    ...rebuildSalesDailyStatements(db),
    auditEntry(db, {
      actor,
      action: 'impact.rebuild',
      entityType: 'sales_daily',
      entityId: 'sales_daily',
      before,
      after: sql`(SELECT json_object('rows', count(*), 'salesFen', coalesce(sum(sales_fen), 0), 'refundsFen', coalesce(sum(refunds_fen), 0)) FROM sales_daily)`,
    }),
  ]);
  const [after] = await db.all<RollupSummary>(sql`SELECT ${SUMMARY_COLUMNS} FROM sales_daily`);
  return { before: before!, after: after! };
}
