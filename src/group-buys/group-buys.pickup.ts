import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { runBatch, type Statement } from '../db/batch';
import { groupBuyParticipantItems, groupBuyParticipants, payments } from '../db/schema';
import type { Actor } from '../env';
import { salesRollupStatements } from '../impact';
import { auditEntry } from '../lib/audit';
import { AppError, type FieldError } from '../lib/errors';
import { loadParticipations, requireGroupBuy, type GroupBuyRow, type Participation } from './group-buys.queries';
import { bumpedVersion, participantUnchanged, isGuardFailure } from './group-buys.statements';
import { isPickupCodeShaped, normalizePickupCode } from './pickup-code';

/** The participant behind a code at the desk of a formed group (404 for a code nobody holds). */
export async function findByPickupCode(db: Db, group: GroupBuyRow, rawCode: string): Promise<Participation> {
  if (group.status !== 'succeeded') {
    throw new AppError('invalid_state', group.status === 'open' ? 'The group buy has not closed yet' : 'The group buy did not form: nothing to pick up', {
      extensions: { groupBuyStatus: group.status },
    });
  }
  const code = normalizePickupCode(rawCode);
  const [p] = isPickupCodeShaped(code) ? await loadParticipations(db, group.id, { pickupCode: code }) : [];
  if (!p) throw new AppError('not_found', `No participant of this group buy has pickup code ${code}`);
  return p;
}

/** Units still to hand over per product. */
export function remainingToPickUp(p: Participation): Map<string, number> {
  return new Map(p.lines.map((l) => [l.productId, l.quantity - l.pickedUpQuantity]));
}

/**
 * The pickup desk hands over goods: all that is left, or the listed quantities (partial pickup
 * leaves the rest open). A pay-at-pickup participant pays at the first pickup, for everything —
 * the payment is confirmed and the sale enters `sales_daily` in the same batch. The batch is
 * guarded on the participant being unchanged, and CHECK picked_up <= quantity refuses a double
 * hand-over, so two clerks entering the same code at once cannot both succeed.
 */
export async function recordPickup(
  db: Db,
  input: { groupBuyId: string; pickupCode: string; items?: { productId: string; quantity: number }[] },
  ctx: { now: number; actor: Actor },
): Promise<Participation> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const group = await requireGroupBuy(db, input.groupBuyId);
    const p = await findByPickupCode(db, group, input.pickupCode);
    if (p.status === 'picked_up') {
      throw new AppError('conflict', `Pickup code ${p.pickupCode} has already been used: everything was handed over`, {
        extensions: { pickedUpAt: p.pickedUpAt === null ? null : new Date(p.pickedUpAt).toISOString() },
      });
    }
    if (p.status !== 'paid' && p.status !== 'pending_payment') {
      throw new AppError('conflict', `This participation was ${p.status}: nothing to hand over`, { extensions: { participantStatus: p.status } });
    }
    const handOver = quantitiesToHandOver(p, input.items);
    const remainingAfter = [...remainingToPickUp(p)].reduce((sum, [productId, left]) => sum + left - (handOver.get(productId) ?? 0), 0);
    const complete = remainingAfter === 0;
    const paysNow = p.status === 'pending_payment' && p.paymentMethod === 'pay_at_pickup';
    const statements: Statement[] = [
      participantUnchanged(db, p),
      ...[...handOver].map(([productId, quantity]) =>
        db
          .update(groupBuyParticipantItems)
          .set({ pickedUpQuantity: sql`${groupBuyParticipantItems.pickedUpQuantity} + ${quantity}` })
          .where(and(eq(groupBuyParticipantItems.participantId, p.id), eq(groupBuyParticipantItems.productId, productId))),
      ),
      db
        .update(groupBuyParticipants)
        .set({
          status: complete ? 'picked_up' : 'paid',
          pickedUpAt: complete ? ctx.now : null,
          paidAt: paysNow ? ctx.now : p.paidAt,
          updatedAt: bumpedVersion(groupBuyParticipants.updatedAt, ctx.now),
        })
        .where(eq(groupBuyParticipants.id, p.id)),
      auditEntry(db, {
        actor: ctx.actor,
        action: 'group_buy.pickup',
        entityType: 'group_buy_participant',
        entityId: p.id,
        organizationId: group.pickupOrganizationId,
        before: { status: p.status },
        after: { status: complete ? 'picked_up' : 'paid', handedOver: Object.fromEntries(handOver), paidAtDesk: paysNow },
        at: ctx.now,
      }),
    ];
    if (paysNow && p.payment) {
      statements.push(
        db
          .update(payments)
          .set({ status: 'succeeded', paidAt: ctx.now, confirmedByUserId: ctx.actor.userId, updatedAt: ctx.now })
          .where(and(eq(payments.id, p.payment.id), eq(payments.status, 'pending'))),
        ...salesRollupStatements(db, { kind: 'sale', paymentId: p.payment.id }),
      );
    }
    try {
      await runBatch(db, statements);
    } catch (error) {
      if (isGuardFailure(error)) continue; // another clerk got there first: look again
      throw error;
    }
    const [after] = await loadParticipations(db, group.id, { participantId: p.id });
    return after!;
  }
  throw new AppError('conflict', 'This pickup code is being handled at another desk; please look again');
}

function quantitiesToHandOver(p: Participation, requested: { productId: string; quantity: number }[] | undefined): Map<string, number> {
  const remaining = remainingToPickUp(p);
  if (!requested) return new Map([...remaining].filter(([, left]) => left > 0));
  const errors: FieldError[] = [];
  const handOver = new Map<string, number>();
  requested.forEach((line, index) => {
    const left = remaining.get(line.productId);
    if (left === undefined) errors.push({ path: `body.items.${index}.productId`, message: `Participant did not order ${line.productId}` });
    else if (handOver.has(line.productId)) errors.push({ path: `body.items.${index}.productId`, message: `${line.productId} is listed twice` });
    else if (line.quantity > left) errors.push({ path: `body.items.${index}.quantity`, message: `Only ${left} left to hand over` });
    else if (line.quantity > 0) handOver.set(line.productId, line.quantity);
  });
  if (errors.length > 0) throw new AppError('unprocessable', errors.map((e) => e.message).join('; '), { errors });
  if (handOver.size === 0) throw new AppError('unprocessable', 'Nothing to hand over', { errors: [{ path: 'body.items', message: 'Hand over at least one unit' }] });
  return handOver;
}

/** The pickup list: everyone with goods to collect or already served, by pickup code, keyset-paginated. */
export async function pickupList(db: Db, groupBuyId: string, page: { limit: number; afterCode?: string }) {
  const conditions = [
    eq(groupBuyParticipants.groupBuyId, groupBuyId),
    inArray(groupBuyParticipants.status, ['pending_payment', 'paid', 'picked_up']),
  ];
  if (page.afterCode) conditions.push(gt(groupBuyParticipants.pickupCode, page.afterCode));
  const ids = await db
    .select({ id: groupBuyParticipants.id })
    .from(groupBuyParticipants)
    .where(and(...conditions))
    .orderBy(asc(groupBuyParticipants.pickupCode))
    .limit(page.limit + 1);
  const rows = await loadParticipations(db, groupBuyId, { ids: ids.slice(0, page.limit).map((r) => r.id) });
  rows.sort((a, b) => (a.pickupCode < b.pickupCode ? -1 : 1));
  return { rows, hasMore: ids.length > page.limit };
}
