import { and, asc, eq, gte, isNotNull, lte, or } from 'drizzle-orm';
import type { Db } from '../db/client';
import { runBatch, type Statement } from '../db/batch';
import { groupBuys, notifications, shipmentItems, shipments, type GroupBuyStatus } from '../db/schema';
import type { Actor, Bindings } from '../env';
import { auditEntry } from '../lib/audit';
import { AppError } from '../lib/errors';
import { newId } from '../lib/ids';
import { ACTIVE_STATUSES, afterWithdrawal, totalQuantity, withdrawStatements } from './group-buys.participants';
import { findGroupBuy, isCommitted, loadParticipations, organizationsByIds, type GroupBuyRow, type Participation } from './group-buys.queries';
import { bumpedVersion, insertRows, openGroupUnchanged, isGuardFailure } from './group-buys.statements';

export const CLOSE_REASONS = ['deadline', 'capacity', 'organizer'] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

export type Outcome = {
  status: Exclude<GroupBuyStatus, 'open'>;
  /** Participants that count: paid, or paying at pickup. */
  committed: Participation[];
  /** Unpaid Stripe participants: they leave the group at close, whatever the outcome. */
  unpaid: Participation[];
  participants: number;
  quantity: number;
};

/**
 * The thresholds rule: the group forms when it has at least one committed participant and meets
 * every threshold set (minParticipants and/or minQuantity), counting only committed participants.
 */
export function decideOutcome(group: Pick<GroupBuyRow, 'minParticipants' | 'minQuantity'>, active: Participation[]): Outcome {
  const committed = active.filter(isCommitted);
  const unpaid = active.filter((p) => !isCommitted(p));
  const participants = committed.length;
  const quantity = totalQuantity(committed);
  const forms =
    participants > 0 &&
    (group.minParticipants === null || participants >= group.minParticipants) &&
    (group.minQuantity === null || quantity >= group.minQuantity);
  return { status: forms ? 'succeeded' : 'failed', committed, unpaid, participants, quantity };
}

/** Capacity closes a group early once every place is taken and no taken place still awaits a live checkout. */
export function capacitySettled(group: GroupBuyRow, active: Participation[], now: number): boolean {
  if (group.capacity === null || group.participantsCount < group.capacity) return false;
  return active.every((p) => isCommitted(p) || (p.payment?.expiresAt ?? 0) <= now);
}

export type CloseResult = { closedNow: boolean; group: GroupBuyRow };

/**
 * Closes a group buy exactly once, whoever asks (cron at the deadline, capacity, organiser) and
 * however many ask at the same time. The batch is
 *   [guard: still open and unchanged since read, UPDATE group_buys SET status WHERE status = 'open', effects...]
 * so if another closer — or a join, cancel or payment — got in between, nothing applies and the
 * decision is taken again from fresh data (a second closer then finds the group closed and stops).
 * Stripe refunds are requested only after the batch has committed the decision.
 */
export async function closeGroupBuy(
  db: Db,
  env: Pick<Bindings, 'STRIPE_SECRET_KEY'>,
  groupBuyId: string,
  ctx: { now: number; reason: CloseReason; actor: Actor | null },
): Promise<CloseResult> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const group = await findGroupBuy(db, groupBuyId);
    if (!group) throw new AppError('not_found', `Group buy ${groupBuyId} not found`);
    if (group.status !== 'open') return { closedNow: false, group };
    if (ctx.reason === 'deadline' && group.closesAt > ctx.now) return { closedNow: false, group };
    const active = await loadParticipations(db, group.id, { statuses: ACTIVE_STATUSES });
    if (ctx.reason === 'capacity' && !capacitySettled(group, active, ctx.now)) return { closedNow: false, group };
    const outcome = decideOutcome(group, active);
    const withdrawn = outcome.status === 'succeeded' ? outcome.unpaid : active;
    try {
      await runBatch(db, await closeStatements(db, group, outcome, withdrawn, ctx));
    } catch (error) {
      if (isGuardFailure(error)) continue;
      throw error;
    }
    await afterWithdrawal(db, env, withdrawn, ctx.now);
    return { closedNow: true, group: (await findGroupBuy(db, group.id))! };
  }
  throw new AppError('conflict', 'The group buy kept changing while closing; the next attempt will close it');
}

async function closeStatements(
  db: Db,
  group: GroupBuyRow,
  outcome: Outcome,
  withdrawn: Participation[],
  ctx: { now: number; reason: CloseReason; actor: Actor | null },
): Promise<Statement[]> {
  const statements: Statement[] = [
    openGroupUnchanged(db, group),
    db
      .update(groupBuys)
      .set({
        status: outcome.status,
        closedAt: ctx.now,
        closedReason: ctx.reason,
        // The final tally: the committed participants and units that decided the outcome.
        participantsCount: outcome.participants,
        quantityTotal: outcome.quantity,
        updatedAt: bumpedVersion(groupBuys.updatedAt, ctx.now),
      })
      .where(and(eq(groupBuys.id, group.id), eq(groupBuys.status, 'open'))),
    ...withdrawn.flatMap((p) =>
      withdrawStatements(db, p, { now: ctx.now, actor: ctx.actor, refundReason: 'group_failed' }),
    ),
  ];
  const [pickup] = await organizationsByIds(db, [group.pickupOrganizationId]);
  const shipmentIds: string[] = [];
  if (outcome.status === 'succeeded') {
    for (const shipment of consolidate(outcome.committed)) {
      const shipmentId = newId('shp');
      shipmentIds.push(shipmentId);
      statements.push(
        db.insert(shipments).values({
          id: shipmentId,
          groupBuyId: group.id,
          cooperativeId: shipment.cooperativeId,
          status: 'pending',
          released: true,
          deliveryMethod: 'pickup',
          pickupOrganizationId: group.pickupOrganizationId,
          recipient: pickup?.name ?? null,
          recipientPhone: pickup?.contactPhone ?? null,
          shipDistrictId: pickup?.districtId ?? null,
          shipStreet: pickup?.pickupAddress ?? null,
          subtotalFen: shipment.items.reduce((sum, i) => sum + i.lineTotalFen, 0),
          createdAt: ctx.now,
          updatedAt: ctx.now,
        }),
        ...insertRows(
          db,
          shipmentItems,
          shipment.items.map((item) => ({ id: newId('shi'), shipmentId, ...item })),
        ),
      );
    }
  }
  statements.push(
    ...insertRows(db, notifications, closeNotifications(group, outcome, pickup?.name ?? '', pickup?.nameEn ?? pickup?.name ?? '', shipmentIds, ctx.now)),
    auditEntry(db, {
      actor: ctx.actor,
      action: 'group_buy.close',
      entityType: 'group_buy',
      entityId: group.id,
      organizationId: group.organizerOrganizationId,
      before: { status: group.status, participantsCount: group.participantsCount, quantityTotal: group.quantityTotal },
      after: {
        status: outcome.status,
        reason: ctx.reason,
        committedParticipants: outcome.participants,
        committedQuantity: outcome.quantity,
        withdrawn: withdrawn.map((p) => p.id),
        shipments: shipmentIds,
      },
      at: ctx.now,
    }),
  );
  return statements;
}

type ConsolidatedShipment = {
  cooperativeId: string;
  items: { productId: string; sku: string; nameZh: string; nameEn: string; quantity: number; unitPriceFen: number; lineTotalFen: number }[];
};

/** One shipment per cooperative, each product's quantity summed over all committed participants. */
export function consolidate(committed: Participation[]): ConsolidatedShipment[] {
  const byCoop = new Map<string, Map<string, ConsolidatedShipment['items'][number]>>();
  for (const line of committed.flatMap((p) => p.lines)) {
    const items = byCoop.get(line.cooperativeId) ?? new Map();
    byCoop.set(line.cooperativeId, items);
    const item = items.get(line.productId);
    if (item) {
      item.quantity += line.quantity;
      item.lineTotalFen += line.lineTotalFen;
    } else {
      items.set(line.productId, {
        productId: line.productId,
        sku: line.sku,
        nameZh: line.nameZh,
        nameEn: line.nameEn,
        quantity: line.quantity,
        unitPriceFen: line.unitPriceFen,
        lineTotalFen: line.lineTotalFen,
      });
    }
  }
  return [...byCoop].map(([cooperativeId, items]) => ({ cooperativeId, items: [...items.values()] }));
}

function closeNotifications(
  group: GroupBuyRow,
  outcome: Outcome,
  pickupName: string,
  pickupNameEn: string,
  shipmentIds: string[],
  now: number,
): (typeof notifications.$inferInsert)[] {
  const base = { createdAt: now };
  const formed = outcome.status === 'succeeded';
  const rows: (typeof notifications.$inferInsert)[] = [
    {
      ...base,
      id: newId('ntf'),
      organizationId: group.organizerOrganizationId,
      kind: formed ? 'group_buy.succeeded' : 'group_buy.failed',
      titleZh: formed ? `团购「${group.title}」已成团（${outcome.participants} 人）` : `团购「${group.title}」未成团`,
      titleEn: formed ? `Group buy "${group.title}" formed (${outcome.participants} participants)` : `Group buy "${group.title}" did not form`,
      payload: { groupBuyId: group.id, participants: outcome.participants, quantity: outcome.quantity },
    },
  ];
  if (formed) {
    const coops = consolidate(outcome.committed);
    coops.forEach((shipment, index) =>
      rows.push({
        ...base,
        id: newId('ntf'),
        organizationId: shipment.cooperativeId,
        kind: 'group_buy.shipment',
        titleZh: `团购「${group.title}」已成团：请备货并发往自提点 ${pickupName}`,
        titleEn: `Group buy "${group.title}" formed: please ship to the pickup point ${pickupNameEn}`,
        payload: { groupBuyId: group.id, shipmentId: shipmentIds[index], items: shipment.items.map((i) => ({ productId: i.productId, quantity: i.quantity })) },
      }),
    );
  }
  for (const p of outcome.committed) {
    rows.push({
      ...base,
      id: newId('ntf'),
      userId: p.userId,
      phone: p.phone,
      kind: formed ? 'group_buy.participant_formed' : 'group_buy.participant_failed',
      titleZh: formed
        ? `「${group.title}」已成团，到货后凭提货码 ${p.pickupCode} 到 ${pickupName} 提货`
        : `「${group.title}」未成团${p.status === 'paid' ? '，货款将原路退回' : ''}`,
      titleEn: formed
        ? `"${group.title}" formed: collect with pickup code ${p.pickupCode} at ${pickupNameEn} once it arrives`
        : `"${group.title}" did not form${p.status === 'paid' ? '; your payment is being refunded' : ''}`,
      // What the SMS template needs (src/messages/templates.ts).
      payload: { groupBuyId: group.id, participantId: p.id, title: group.title, pickupCode: p.pickupCode, pickup: pickupName, refunded: p.status === 'paid' },
    });
  }
  for (const p of outcome.unpaid) {
    rows.push({
      ...base,
      id: newId('ntf'),
      userId: p.userId,
      phone: p.phone,
      kind: 'group_buy.participant_dropped',
      titleZh: `「${group.title}」已截止，您未完成付款，名额已取消`,
      titleEn: `"${group.title}" has closed and your place was released because it was not paid`,
      payload: { groupBuyId: group.id, participantId: p.id, title: group.title },
    });
  }
  return rows;
}

/** Open groups the cron job must look at: past their deadline, or full (capacity close waits for live checkouts). */
export async function groupsToClose(db: Db, now: number, limit = 25) {
  return db
    .select({ id: groupBuys.id, closesAt: groupBuys.closesAt })
    .from(groupBuys)
    .where(
      and(
        eq(groupBuys.status, 'open'),
        or(lte(groupBuys.closesAt, now), and(isNotNull(groupBuys.capacity), gte(groupBuys.participantsCount, groupBuys.capacity))),
      ),
    )
    .orderBy(asc(groupBuys.closesAt))
    .limit(limit);
}

export async function closeIfCapacityReached(db: Db, env: Pick<Bindings, 'STRIPE_SECRET_KEY'>, groupBuyId: string, ctx: { now: number; actor: Actor | null }) {
  const group = await findGroupBuy(db, groupBuyId);
  if (!group || group.status !== 'open' || group.capacity === null || group.participantsCount < group.capacity) return;
  await closeGroupBuy(db, env, groupBuyId, { ...ctx, reason: 'capacity' });
}
