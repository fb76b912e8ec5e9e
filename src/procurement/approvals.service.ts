import { and, desc, eq, lt, or, sql, type SQL } from 'drizzle-orm';
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
import { quoteItems, type QuoteItem } from '../pricing';

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
  if (approval.status !== 'pending') {
    throw new AppError('invalid_state', `This request was already ${approval.status}`, { errors: [{ path: 'approvalId', rule: 'approval_decided', message: `Already ${approval.status}` }] });
  }
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

/**
 * The pending → `to` transition (or pending → pending for a change), refused (the batch rolls back) unless the
 * request is still at `revision`: an owner never approves a version the purchaser changed after it was read,
 * and two changes at once do not both land.
 */
function decideRevision(to: 'pending' | 'approved' | 'withdrawn', revision: number) {
  return sql`CASE WHEN ${purchaseApprovals.status} = 'pending' AND ${purchaseApprovals.revision} = ${revision} THEN ${to} ELSE NULL END`;
}

function requireRevision(approval: ApprovalView, expected: number | undefined): void {
  if (expected !== undefined && expected !== approval.revision) {
    throw new AppError('invalid_state', 'The purchaser changed this request since you looked at it; look again before deciding', {
      errors: [{ path: 'body.revision', rule: 'approval_revised', message: 'The request was changed meanwhile' }],
    });
  }
}

export async function approvePurchase(
  ctx: ApprovalContext,
  owner: Actor,
  organizationId: string,
  approvalId: string,
  expectedRevision?: number,
): Promise<{ approval: ApprovalView; order: OrderView }> {
  const now = ctx.now ?? Date.now();
  const approval = await getApproval(ctx.db, organizationId, approvalId);
  requirePending(approval);
  requireRevision(approval, expectedRevision);
  const requester = await requesterActor(ctx.db, approval);
  let placed: Awaited<ReturnType<typeof placeOrder>>;
  try {
    placed = await placeOrder({ db: ctx.db, env: ctx.env, actor: requester, now }, approval.request, {
      approved: {
        statements: (orderId) => [
          ctx.db
            .update(purchaseApprovals)
            .set({ status: decideRevision('approved', approval.revision), orderId, decidedByUserId: owner.userId, decidedAt: now })
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
    if (alreadyDecided(error)) throw new AppError('invalid_state', 'This request was decided or changed meanwhile', { errors: [{ path: 'approvalId', rule: 'approval_changed', message: 'Decided or changed meanwhile' }] });
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

/**
 * The purchaser's own pending request: a 404 outside the organisation or to another purchaser, a 403 (rule
 * not_requester) to an owner or admin who can see it but did not ask (they decide, not edit), a 409 once decided.
 */
async function ownPendingRequest(db: Db, purchaser: Actor, membership: Membership | null, organizationId: string, approvalId: string): Promise<ApprovalView> {
  // Another purchaser's request stays hidden (404), as when they read it.
  const approval = await getApproval(db, organizationId, approvalId, { membership, userId: purchaser.userId });
  if (approval.requestedBy.userId !== purchaser.userId) {
    throw new AppError('forbidden', 'Only the purchaser who made this request can change or withdraw it', {
      errors: [{ path: 'approvalId', rule: 'not_requester', message: 'Not your request' }],
    });
  }
  requirePending(approval);
  return approval;
}

function changedMeanwhile(): AppError {
  return new AppError('invalid_state', 'This request was decided or changed meanwhile', { errors: [{ path: 'approvalId', rule: 'approval_changed', message: 'Decided or changed meanwhile' }] });
}

/**
 * The purchaser changes the lines of a request still waiting: priced again now by the ordinary rules (MOQ,
 * step, on sale; a refusal writes nothing), the total recomputed, the revision bumped, the change audited with
 * both versions (what the owner's page shows) and the owners told. It still waits for an owner.
 */
export async function revisePurchaseRequest(
  ctx: ApprovalContext,
  purchaser: Actor,
  membership: Membership | null,
  organizationId: string,
  approvalId: string,
  items: QuoteItem[],
): Promise<ApprovalView> {
  const now = ctx.now ?? Date.now();
  const approval = await ownPendingRequest(ctx.db, purchaser, membership, organizationId, approvalId);
  const quote = await quoteItems(ctx.db, { items, delivery: approval.request.delivery.method, organizationId }, { at: now });
  if (quote.problems.length) {
    throw new AppError('unprocessable', quote.problems.length === 1 ? quote.problems[0]!.message : 'Some items cannot be ordered as asked', {
      errors: quote.problems.map((p) => ({ path: `body.${p.path}`, rule: p.rule, message: p.message })),
    });
  }
  const request = { ...approval.request, items: items.map(({ productId, quantity }) => ({ productId, quantity })) };
  try {
    await runBatch(ctx.db, [
      ctx.db
        .update(purchaseApprovals)
        .set({ request, totalFen: quote.totalFen, revision: approval.revision + 1, revisedAt: now, status: decideRevision('pending', approval.revision) })
        .where(eq(purchaseApprovals.id, approval.id)),
      auditEntry(ctx.db, {
        actor: purchaser,
        action: 'approval.revise',
        entityType: 'purchase_approval',
        entityId: approval.id,
        organizationId,
        before: { revision: approval.revision, items: approval.request.items, totalFen: approval.totalFen },
        after: { revision: approval.revision + 1, items: request.items, totalFen: quote.totalFen },
        at: now,
      }),
      ownersNotice(ctx.db, approval, 'revised', now),
    ]);
  } catch (error) {
    if (alreadyDecided(error)) throw changedMeanwhile();
    throw error;
  }
  return (await findApproval(ctx.db, approval.id))!;
}

/** The purchaser takes back a request still waiting; a standing-order occurrence behind it is dismissed. */
export async function withdrawPurchaseRequest(ctx: ApprovalContext, purchaser: Actor, membership: Membership | null, organizationId: string, approvalId: string): Promise<ApprovalView> {
  const now = ctx.now ?? Date.now();
  const approval = await ownPendingRequest(ctx.db, purchaser, membership, organizationId, approvalId);
  try {
    await runBatch(ctx.db, [
      ctx.db
        .update(purchaseApprovals)
        .set({ status: decideRevision('withdrawn', approval.revision), decidedAt: now })
        .where(eq(purchaseApprovals.id, approval.id)),
      auditEntry(ctx.db, {
        actor: purchaser,
        action: 'approval.withdraw',
        entityType: 'purchase_approval',
        entityId: approval.id,
        organizationId,
        before: { status: 'pending', revision: approval.revision },
        after: { status: 'withdrawn' },
        at: now,
      }),
      ownersNotice(ctx.db, approval, 'withdrawn', now),
      occurrenceDecidedStatement(ctx.db, approval.id, 'rejected', now),
    ]);
  } catch (error) {
    if (alreadyDecided(error)) throw changedMeanwhile();
    throw error;
  }
  return (await findApproval(ctx.db, approval.id))!;
}

/** Told to the organisation's owners (an organisation message: no user id), like the request itself. */
function ownersNotice(db: Db, approval: ApprovalView, change: 'revised' | 'withdrawn', at: number): Statement {
  return db.insert(notifications).values({
    id: newId('ntf'),
    organizationId: approval.organizationId,
    kind: `approval.${change}`,
    titleZh: change === 'revised' ? `${approval.requestedBy.name} 修改了采购申请` : `${approval.requestedBy.name} 撤回了采购申请`,
    titleEn: change === 'revised' ? `${approval.requestedBy.name} changed a purchase request` : `${approval.requestedBy.name} withdrew a purchase request`,
    payload: { approvalId: approval.id },
    createdAt: at,
  });
}
