import { eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/client';
import type { Statement } from '../db/batch';
import { notifications, purchaseApprovals, user } from '../db/schema';
import type { Actor } from '../env';
import { auditEntry } from '../lib/audit';
import { newId } from '../lib/ids';
import type { CreateOrderInput } from './orders.schemas';
import type { ApprovalView } from './approvals.schemas';

/**
 * Purchase approvals (采购审批), the storage side: a purchaser's order above their per-order limit is
 * not placed but stored here, whole, until an owner decides (approvals.service.ts). The orders service
 * calls `approvalRequestStatements` instead of writing the order, in the batch that would have.
 */

export type ApprovalRow = typeof purchaseApprovals.$inferSelect;

const requester = alias(user, 'requester');
const decider = alias(user, 'decider');

export function approvalsQuery(db: Db) {
  return db
    .select({ approval: purchaseApprovals, requesterName: requester.name, deciderName: decider.name })
    .from(purchaseApprovals)
    .leftJoin(requester, eq(requester.id, purchaseApprovals.requestedByUserId))
    .leftJoin(decider, eq(decider.id, purchaseApprovals.decidedByUserId));
}

export function toApprovalView(row: { approval: ApprovalRow; requesterName: string | null; deciderName: string | null }): ApprovalView {
  const a = row.approval;
  return {
    id: a.id,
    organizationId: a.organizationId,
    status: a.status,
    requestedBy: { userId: a.requestedByUserId, name: row.requesterName ?? '' },
    totalFen: a.totalFen,
    request: a.request as CreateOrderInput,
    revision: a.revision,
    revisedAt: a.revisedAt,
    decidedBy: a.decidedByUserId ? { userId: a.decidedByUserId, name: row.deciderName ?? '' } : null,
    decisionReason: a.decisionReason,
    orderId: a.orderId,
    createdAt: a.createdAt,
    decidedAt: a.decidedAt,
  };
}

export async function findApproval(db: Db, id: string): Promise<ApprovalView | null> {
  const row = await approvalsQuery(db).where(eq(purchaseApprovals.id, id)).get();
  return row ? toApprovalView(row) : null;
}

/** The approval request row, its audit entry and a notice to the organisation's owners. */
export function approvalRequestStatements(
  db: Db,
  input: { actor: Actor; organizationId: string; request: CreateOrderInput; totalFen: number; now: number },
): { view: ApprovalView; statements: Statement[] } {
  const row: ApprovalRow = {
    id: newId('apr'),
    organizationId: input.organizationId,
    requestedByUserId: input.actor.userId,
    request: input.request,
    totalFen: input.totalFen,
    status: 'pending',
    revision: 0,
    revisedAt: null,
    decidedByUserId: null,
    decisionReason: null,
    orderId: null,
    createdAt: input.now,
    decidedAt: null,
  };
  return {
    view: toApprovalView({ approval: row, requesterName: input.actor.name, deciderName: null }),
    statements: [
      db.insert(purchaseApprovals).values(row),
      auditEntry(db, {
        actor: input.actor,
        action: 'approval.request',
        entityType: 'purchase_approval',
        entityId: row.id,
        organizationId: row.organizationId,
        after: { totalFen: row.totalFen, items: input.request.items.length, paymentMethod: input.request.paymentMethod },
        at: input.now,
      }),
      db.insert(notifications).values({
        id: newId('ntf'),
        organizationId: row.organizationId,
        kind: 'approval.requested',
        titleZh: `${input.actor.name} 提交了一笔待审批的采购`,
        titleEn: `${input.actor.name} asks for approval of a purchase`,
        payload: { approvalId: row.id, totalFen: row.totalFen },
        createdAt: input.now,
      }),
    ],
  };
}
