import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { standingOrderOccurrences } from '../db/schema';

/**
 * A standing-order day that went to approval follows the owner's decision, in the decision's own batch:
 * approved → placed with the order; rejected → dismissed (the owner chose not to order it). Requests
 * that are not a standing order's day match no row.
 */
export function occurrenceDecidedStatement(db: Db, approvalId: string, decision: { orderId: string } | 'rejected', at: number) {
  return db
    .update(standingOrderOccurrences)
    .set(decision === 'rejected' ? { status: 'dismissed', updatedAt: at } : { status: 'placed', orderId: decision.orderId, updatedAt: at })
    .where(and(eq(standingOrderOccurrences.approvalId, approvalId), eq(standingOrderOccurrences.status, 'awaiting_approval')));
}
