import { and, desc, eq, lt, or, type SQL } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import type { Db } from '../db/client';
import { runBatch, type Statement } from '../db/batch';
import { notifications, purchaseApprovals, user, type ApprovalStatus } from '../db/schema';
import type { Actor, Bindings, Membership } from '../env';
import { loadMemberships } from '../accounts';
import { auditEntry } from '../lib/audit';
import { AppError } from '../lib/errors';
import { newId } from '../lib/ids';
import { decodeCursor, encodeCursor } from '../lib/pagination';
import { orderingMemberships } from '../orders';
import { guardFailure, transition } from '../db/guards';
import { placeOrder } from '../orders';
import type { OrderView } from '../orders';
import { approvalsQuery, findApproval, toApprovalView } from '../orders';
import { occurrenceDecidedStatement } from './standing-occurrences.store';
import type { ApprovalView } from './procurement.schemas';

/**
 * Deciding purchase approvals. Only an owner of the organisation decides. Approving places the stored
 * request as the purchaser who asked for it — prices recomputed and stock reserved now, credit checked
 * now — in one batch with the approval's guarded pending → approved transition, so approving twice
 * (or approving while someone rejects) places at most one order and the loser gets a 409.
 */

export type ApprovalContext = { db: Db; env: Bindings; now?: number };

const listCursor = z.tuple([z.number(), z.string()]);

/** An owner (or admin) sees every request of the organisation; a purchaser sees their own. */
export async function listApprovals(
  db: Db,
  organizationId: string,
  viewer: { membership: Membership | null; userId: string },
  query: { status?: ApprovalStatus; limit: number; cursor?: string },
): Promise<{ items: ApprovalView[]; nextCursor: string | null }> {
  const conditions: SQL[] = [eq(purchaseApprovals.organizationId, organizationId)];
  if (viewer.membership?.role === 'purchaser') conditions.push(eq(purchaseApprovals.requestedByUserId, viewer.userId));
  if (query.status) conditions.push(eq(purchaseApprovals.status, query.status));
  if (query.cursor) {
    const [createdAt, id] = decodeCursor(query.cursor, listCursor);
    conditions.push(or(lt(purchaseApprovals.createdAt, createdAt), and(eq(purchaseApprovals.createdAt, createdAt), lt(purchaseApprovals.id, id)))!);
  }
  const rows = await approvalsQuery(db)
    .where(and(...conditions))
    .orderBy(desc(purchaseApprovals.createdAt), desc(purchaseApprovals.id))
    .limit(query.limit + 1);
  const items = rows.slice(0, query.limit).map(toApprovalView);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > query.limit && last ? encodeCursor([last.createdAt, last.id]) : null };
}

/** One approval of the organisation, as the viewer may see it; another organisation's (or another purchaser's) is a 404. */
export async function getApproval(db: Db, organizationId: string, approvalId: string, viewer?: { membership: Membership | null; userId: string }): Promise<ApprovalView> {
  const approval = await findApproval(db, approvalId);
  const hidden = viewer?.membership?.role === 'purchaser' && approval?.requestedBy.userId !== viewer.userId;
  if (!approval || approval.organizationId !== organizationId || hidden) throw new AppError('not_found', `Approval ${approvalId} not found`);
  return approval;
}

function requirePending(approval: ApprovalView): void {
  if (approval.status !== 'pending') throw new AppError('invalid_state', `This request was already ${approval.status}`);
}

function alreadyDecided(error: unknown): boolean {
  return guardFailure(error) === 'purchase_approvals.status';
}

/** A person as an actor, while they still buy (owner or purchaser) for the organisation; null when they no longer do. */
export async function buyingActor(db: Db, userId: string, organizationId: string): Promise<Actor | null> {
  const person = await db.select({ id: user.id, name: user.name, email: user.email }).from(user).where(eq(user.id, userId)).get();
  if (!person) return null;
  const actor: Actor = { userId, email: person.email, name: person.name, isAdmin: false, sessionId: '', memberships: await loadMemberships(db, person.id) };
  return orderingMemberships(actor).some((m) => m.organizationId === organizationId) ? actor : null;
}

/** The purchaser who asked, as an actor, while they still buy for the organisation. */
async function requesterActor(db: Db, approval: ApprovalView): Promise<Actor> {
  const actor = await buyingActor(db, approval.requestedBy.userId, approval.organizationId);
  if (!actor) throw new AppError('invalid_state', 'The person who asked no longer buys for this organisation; reject the request instead');
  return actor;
}

function decisionNotice(db: Db, approval: ApprovalView, decision: 'approved' | 'rejected', at: number): Statement {
  return db.insert(notifications).values({
    id: newId('ntf'),
    userId: approval.requestedBy.userId,
    organizationId: approval.organizationId,
    kind: `approval.${decision}`,
    titleZh: decision === 'approved' ? '你的采购申请已批准，订单已提交' : '你的采购申请未获批准',
    titleEn: decision === 'approved' ? 'Your purchase was approved and ordered' : 'Your purchase request was rejected',
    payload: { approvalId: approval.id },
    createdAt: at,
  });
}

export async function approvePurchase(ctx: ApprovalContext, owner: Actor, organizationId: string, approvalId: string): Promise<{ approval: ApprovalView; order: OrderView }> {
  const now = ctx.now ?? Date.now();
  const approval = await getApproval(ctx.db, organizationId, approvalId);
  requirePending(approval);
  const requester = await requesterActor(ctx.db, approval);
  let placed: Awaited<ReturnType<typeof placeOrder>>;
  try {
    placed = await placeOrder({ db: ctx.db, env: ctx.env, actor: requester, now }, approval.request, {
      approved: {
        statements: (orderId) => [
          ctx.db
            .update(purchaseApprovals)
            .set({ status: transition(purchaseApprovals.status, ['pending'], 'approved'), orderId, decidedByUserId: owner.userId, decidedAt: now })
            .where(eq(purchaseApprovals.id, approval.id)),
          auditEntry(ctx.db, {
            actor: owner,
            action: 'approval.approve',
            entityType: 'purchase_approval',
            entityId: approval.id,
            organizationId,
            before: { status: 'pending', totalFen: approval.totalFen },
            after: { status: 'approved', orderId },
            at: now,
          }),
          decisionNotice(ctx.db, approval, 'approved', now),
          occurrenceDecidedStatement(ctx.db, approval.id, { orderId }, now),
        ],
      },
    });
  } catch (error) {
    if (alreadyDecided(error)) throw new AppError('invalid_state', 'This request was decided meanwhile');
    throw error;
  }
  if (!placed.view) throw new AppError('internal', 'An approved request was held for approval again');
  return { approval: (await findApproval(ctx.db, approval.id))!, order: placed.view };
}

export async function rejectPurchase(ctx: ApprovalContext, owner: Actor, organizationId: string, approvalId: string, reason: string): Promise<ApprovalView> {
  const now = ctx.now ?? Date.now();
  const approval = await getApproval(ctx.db, organizationId, approvalId);
  requirePending(approval);
  try {
    await runBatch(ctx.db, [
      ctx.db
        .update(purchaseApprovals)
        .set({ status: transition(purchaseApprovals.status, ['pending'], 'rejected'), decisionReason: reason, decidedByUserId: owner.userId, decidedAt: now })
        .where(eq(purchaseApprovals.id, approval.id)),
      auditEntry(ctx.db, {
        actor: owner,
        action: 'approval.reject',
        entityType: 'purchase_approval',
        entityId: approval.id,
        organizationId,
        before: { status: 'pending' },
        after: { status: 'rejected', reason },
        at: now,
      }),
      decisionNotice(ctx.db, approval, 'rejected', now),
      occurrenceDecidedStatement(ctx.db, approval.id, 'rejected', now),
    ]);
  } catch (error) {
    if (alreadyDecided(error)) throw new AppError('invalid_state', 'This request was decided meanwhile');
    throw error;
  }
  return (await findApproval(ctx.db, approval.id))!;
}
