import { and, desc, eq, gte, inArray, lt, or, sql } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import type { Db } from '../db/client';
import { isConstraintError, runBatch, type Statement } from '../db/batch';
import {
  groupBuyParticipantItems,
  groupBuyParticipants,
  organization,
  products,
  refunds,
  settlementLines,
  settlements,
  shipments,
  type SettlementStatus,
  notifications,
} from '../db/schema';
import type { Actor } from '../env';
import { auditEntry } from '../lib/audit';
import { AppError } from '../lib/errors';
import { newId } from '../lib/ids';
import { applyRateBp, formatFen } from '../lib/money';
import { decodeCursor, encodeCursor } from '../lib/pagination';
import { shanghaiDay } from '../lib/time';
import { allocate } from './allocate';
import { getSettings } from './settings.service';

/**
 * Settlement statements: what the platform owes each cooperative for a period.
 *
 * - sale: each delivered shipment (subtotal + shipping), in the period of its `deliveredAt`, once ever.
 * - refund: each refund that succeeded in the period (its `updatedAt`). Refunds carry no shipment, so
 *   an order's refund is split over the order's non-cancelled shipments in proportion to their totals
 *   (largest remainder, exact to the fen); a group-buy participant's refund over the cooperatives of
 *   the items they bought. Refunds of orders whose shipments were all cancelled never reached a
 *   cooperative's gross and are not charged to one.
 * - fee: platformFeeRateBp of the statement's gross.
 * - commission: pickupCommissionRateBp of each group-buy shipment delivered to a showroom, payable to
 *   that showroom.
 *
 * Lines are signed (sale +, everything else −), so a statement's lines add up to its net.
 */
export type SettlementRow = typeof settlements.$inferSelect;
export type SettlementLineRow = typeof settlementLines.$inferSelect;

type Allocation = { cooperativeId: string; shipmentId: string; refundId: string; amountFen: number; description: string };
type CoopActivity = { sales: (typeof shipments.$inferSelect & { pickupKind: string | null; pickupName: string | null })[]; refunds: Allocation[] };

const shipmentTotal = (s: { subtotalFen: number; shippingFen: number }) => s.subtotalFen + s.shippingFen;

/** Delivered shipments in the period that no statement has counted yet, with their pickup point's kind. */
async function unsettledSales(db: Db, periodStart: number, periodEnd: number) {
  return db
    .select({ shipment: shipments, pickupKind: organization.kind, pickupName: organization.name })
    .from(shipments)
    .leftJoin(organization, eq(organization.id, shipments.pickupOrganizationId))
    .where(
      and(
        eq(shipments.status, 'delivered'),
        eq(shipments.released, true),
        gte(shipments.deliveredAt, periodStart),
        lt(shipments.deliveredAt, periodEnd),
        sql`NOT EXISTS (SELECT 1 FROM ${settlementLines} WHERE ${settlementLines.kind} = 'sale' AND ${settlementLines.shipmentId} = ${shipments.id})`,
      ),
    );
}

/** Each refund succeeded in the period, split onto the shipments it takes money back from. */
async function refundAllocations(db: Db, periodStart: number, periodEnd: number): Promise<Allocation[]> {
  const rows = await db
    .select()
    .from(refunds)
    .where(and(eq(refunds.status, 'succeeded'), gte(refunds.updatedAt, periodStart), lt(refunds.updatedAt, periodEnd)));
  if (rows.length === 0) return [];
  const allocations: Allocation[] = [];

  const orderIds = [...new Set(rows.map((r) => r.orderId).filter((id): id is string => !!id))];
  const orderShipments = new Map<string, (typeof shipments.$inferSelect)[]>();
  for (let i = 0; i < orderIds.length; i += 90) {
    const found = await db.select().from(shipments).where(and(inArray(shipments.orderId, orderIds.slice(i, i + 90)), sql`${shipments.status} <> 'cancelled'`));
    for (const s of found) orderShipments.set(s.orderId!, [...(orderShipments.get(s.orderId!) ?? []), s]);
  }

  const participantIds = [...new Set(rows.filter((r) => !r.orderId && r.participantId).map((r) => r.participantId!))];
  // Per participant: what they bought from each cooperative, and that cooperative's shipment for the group buy.
  const participantShares = new Map<string, { cooperativeId: string; shipmentId: string; amountFen: number }[]>();
  for (let i = 0; i < participantIds.length; i += 90) {
    const found = await db
      .select({
        participantId: groupBuyParticipantItems.participantId,
        cooperativeId: products.cooperativeId,
        amountFen: sql<number>`sum(${groupBuyParticipantItems.lineTotalFen})`,
        shipmentId: sql<string | null>`(SELECT ${shipments.id} FROM ${shipments} WHERE ${shipments.groupBuyId} = ${groupBuyParticipants.groupBuyId} AND ${shipments.cooperativeId} = ${products.cooperativeId} AND ${shipments.status} <> 'cancelled' LIMIT 1)`,
      })
      .from(groupBuyParticipantItems)
      .innerJoin(groupBuyParticipants, eq(groupBuyParticipants.id, groupBuyParticipantItems.participantId))
      .innerJoin(products, eq(products.id, groupBuyParticipantItems.productId))
      .where(inArray(groupBuyParticipantItems.participantId, participantIds.slice(i, i + 90)))
      .groupBy(groupBuyParticipantItems.participantId, products.cooperativeId)
      .orderBy(groupBuyParticipantItems.participantId, products.cooperativeId);
    for (const row of found) {
      if (!row.shipmentId) continue;
      const list = participantShares.get(row.participantId) ?? [];
      list.push({ cooperativeId: row.cooperativeId, shipmentId: row.shipmentId, amountFen: row.amountFen });
      participantShares.set(row.participantId, list);
    }
  }

  for (const refund of rows) {
    const targets = refund.orderId
      ? (orderShipments.get(refund.orderId) ?? [])
          .sort((a, b) => a.id.localeCompare(b.id))
          .map((s) => ({ cooperativeId: s.cooperativeId, shipmentId: s.id, weight: shipmentTotal(s) }))
      : (participantShares.get(refund.participantId ?? '') ?? []).map((s) => ({ cooperativeId: s.cooperativeId, shipmentId: s.shipmentId, weight: s.amountFen }));
    const weighted = targets.filter((t) => t.weight > 0);
    if (weighted.length === 0) continue;
    const parts = allocate(refund.amountFen, weighted.map((t) => t.weight));
    const source = refund.orderId ? `order ${refund.orderId}` : `group-buy participant ${refund.participantId}`;
    weighted.forEach((t, i) => {
      if (parts[i]! === 0) return;
      allocations.push({
        cooperativeId: t.cooperativeId,
        shipmentId: t.shipmentId,
        refundId: refund.id,
        amountFen: parts[i]!,
        description: `Refund ${refund.id} of ${source}${weighted.length > 1 ? ` (share of ${formatFen(refund.amountFen)})` : ''}`,
      });
    });
  }

  // A refund share already charged in an earlier statement (an overlapping period) is not charged again.
  const refundIds = [...new Set(allocations.map((a) => a.refundId))];
  const charged = new Set<string>();
  for (let i = 0; i < refundIds.length; i += 90) {
    const found = await db
      .select({ refundId: settlementLines.refundId, shipmentId: settlementLines.shipmentId })
      .from(settlementLines)
      .where(and(eq(settlementLines.kind, 'refund'), inArray(settlementLines.refundId, refundIds.slice(i, i + 90))));
    for (const row of found) charged.add(`${row.refundId}|${row.shipmentId}`);
  }
  return allocations.filter((a) => !charged.has(`${a.refundId}|${a.shipmentId}`));
}

/** `skippedCooperativeIds`: cooperatives that already had a statement for exactly this period. */
export type GenerateResult = { created: SettlementRow[]; skippedCooperativeIds: string[] };

/**
 * One statement per cooperative with unsettled activity in [periodStart, periodEnd). The period must
 * have ended, so nothing can still be delivered or refunded inside it. A cooperative that already has
 * a statement for exactly this period is skipped; all new statements are written in one batch.
 */
export async function generateSettlements(db: Db, actor: Actor | null, period: { periodStart: number; periodEnd: number }, now = Date.now()): Promise<GenerateResult> {
  const { periodStart, periodEnd } = period;
  if (periodEnd <= periodStart) {
    throw new AppError('validation_failed', 'Invalid body.periodEnd', { errors: [{ path: 'body.periodEnd', message: 'The period must end after it starts' }] });
  }
  if (periodEnd > now) {
    throw new AppError('validation_failed', 'Invalid body.periodEnd', { errors: [{ path: 'body.periodEnd', message: 'Statements are generated for periods that have ended' }] });
  }
  const settings = await getSettings(db);
  const activity = new Map<string, CoopActivity>();
  const of = (coopId: string) => {
    const entry = activity.get(coopId) ?? { sales: [], refunds: [] };
    activity.set(coopId, entry);
    return entry;
  };
  for (const row of await unsettledSales(db, periodStart, periodEnd)) {
    of(row.shipment.cooperativeId).sales.push({ ...row.shipment, pickupKind: row.pickupKind, pickupName: row.pickupName });
  }
  for (const allocation of await refundAllocations(db, periodStart, periodEnd)) of(allocation.cooperativeId).refunds.push(allocation);

  const existing = await db
    .select({ cooperativeId: settlements.cooperativeId })
    .from(settlements)
    .where(and(eq(settlements.periodStart, periodStart), eq(settlements.periodEnd, periodEnd)));
  const skipped = new Set(existing.map((e) => e.cooperativeId));

  const statements: Statement[] = [];
  const createdIds: string[] = [];
  for (const [cooperativeId, { sales, refunds: refundLines }] of [...activity].sort(([a], [b]) => a.localeCompare(b))) {
    if (skipped.has(cooperativeId)) continue;
    const id = newId('stl');
    createdIds.push(id);
    const lines: (typeof settlementLines.$inferInsert)[] = [];
    let grossFen = 0;
    let commissionFen = 0;
    for (const s of sales.sort((a, b) => a.deliveredAt! - b.deliveredAt! || a.id.localeCompare(b.id))) {
      const total = shipmentTotal(s);
      grossFen += total;
      const source = s.orderId ? `order ${s.orderId}` : `group buy ${s.groupBuyId}`;
      lines.push({ id: newId('stn'), settlementId: id, kind: 'sale', shipmentId: s.id, amountFen: total, description: `Shipment ${s.id} of ${source}, delivered ${shanghaiDay(s.deliveredAt!)}` });
      if (s.groupBuyId && s.pickupKind === 'showroom' && s.pickupOrganizationId) {
        const commission = applyRateBp(total, settings.pickupCommissionRateBp);
        if (commission > 0) {
          commissionFen += commission;
          lines.push({
            id: newId('stn'),
            settlementId: id,
            kind: 'commission',
            shipmentId: s.id,
            beneficiaryOrganizationId: s.pickupOrganizationId,
            amountFen: -commission,
            description: `Pickup commission ${(settings.pickupCommissionRateBp / 100).toFixed(2)}% of ${formatFen(total)} to ${s.pickupName ?? s.pickupOrganizationId}`,
          });
        }
      }
    }
    let refundsFen = 0;
    for (const r of refundLines) {
      refundsFen += r.amountFen;
      lines.push({ id: newId('stn'), settlementId: id, kind: 'refund', shipmentId: r.shipmentId, refundId: r.refundId, amountFen: -r.amountFen, description: r.description });
    }
    const feeFen = applyRateBp(grossFen, settings.platformFeeRateBp);
    if (feeFen > 0) {
      lines.push({ id: newId('stn'), settlementId: id, kind: 'fee', amountFen: -feeFen, description: `Platform fee ${(settings.platformFeeRateBp / 100).toFixed(2)}% of ${formatFen(grossFen)}` });
    }
    statements.push(
      db.insert(settlements).values({
        id,
        cooperativeId,
        periodStart,
        periodEnd,
        grossFen,
        refundsFen,
        feeFen,
        commissionFen,
        netFen: grossFen - refundsFen - feeFen - commissionFen,
        feeRateBp: settings.platformFeeRateBp,
        commissionRateBp: settings.pickupCommissionRateBp,
        status: 'issued',
        createdByUserId: actor?.userId ?? null,
        createdAt: now,
      }),
    );
    // D1 binds at most 100 parameters per statement: 8 columns × 12 rows stays under it.
    for (let i = 0; i < lines.length; i += 12) statements.push(db.insert(settlementLines).values(lines.slice(i, i + 12)));
  }
  if (createdIds.length) {
    statements.push(
      auditEntry(db, { actor, action: 'settlement.generate', entityType: 'settlement_period', entityId: `${periodStart}-${periodEnd}`, after: { settlementIds: createdIds }, at: now }),
    );
  }
  try {
    await runBatch(db, statements);
  } catch (error) {
    if (isConstraintError(error, 'settlements')) {
      throw new AppError('conflict', 'Statements for this period were generated at the same moment; reload and try again', { cause: error });
    }
    throw error;
  }
  const created = createdIds.length ? await db.select().from(settlements).where(inArray(settlements.id, createdIds)).orderBy(settlements.cooperativeId) : [];
  return { created, skippedCooperativeIds: [...skipped].sort() };
}

export async function getSettlement(db: Db, id: string) {
  const [row] = await db.select().from(settlements).where(eq(settlements.id, id));
  if (!row) throw new AppError('not_found', `Settlement ${id} not found`);
  return row;
}

export async function linesOf(db: Db, settlementId: string) {
  return db.select().from(settlementLines).where(eq(settlementLines.settlementId, settlementId)).orderBy(sql`${settlementLines}.rowid`);
}

/**
 * A SELECT for a D1 batch that aborts the whole batch (a JSON path error naming `reason`) unless the
 * settlement is still issued when it runs: the only way, without interactive transactions, to make
 * the audit row of the same batch depend on the state the update found.
 */
export function stillIssuedGuard(db: Db, id: string, reason: string) {
  return db
    .select({ ok: sql<number>`CASE WHEN ${settlements.status} = 'issued' THEN 1 ELSE json_extract('{}', ${`$guard:${reason}`}) END` })
    .from(settlements)
    .where(eq(settlements.id, id));
}

export function isGuardFailure(error: unknown, reason: string): boolean {
  const text = String((error as { message?: string })?.message ?? '') + String((error as { cause?: unknown })?.cause ?? '');
  return text.includes(`guard:${reason}`);
}

/** Records the payout of an issued statement with the bank reference, audited in the same batch. */
export async function markPaid(db: Db, actor: Actor, id: string, bankReference: string, now = Date.now()) {
  const before = await getSettlement(db, id);
  const alreadyPaid = () => new AppError('invalid_state', `Settlement ${id} was already paid (reference ${before.bankReference ?? 'unknown'})`);
  if (before.status === 'paid') throw alreadyPaid();
  try {
    await runBatch(db, [
      stillIssuedGuard(db, id, 'settlement_not_issued'),
      db.update(settlements).set({ status: 'paid', bankReference, paidAt: now }).where(and(eq(settlements.id, id), eq(settlements.status, 'issued'))),
      db.insert(notifications).values({
        id: newId('ntf'),
        organizationId: before.cooperativeId,
        kind: 'settlement.paid',
        titleZh: `结算单已付款：${formatFen(before.netFen)}（流水号 ${bankReference}）`,
        titleEn: `Settlement paid: ${formatFen(before.netFen)} (bank reference ${bankReference})`,
        payload: { settlementId: id, netFen: before.netFen, bankReference },
        createdAt: now,
      }),
      auditEntry(db, {
        actor,
        action: 'settlement.paid',
        entityType: 'settlement',
        entityId: id,
        organizationId: before.cooperativeId,
        before: { status: before.status },
        after: { status: 'paid', bankReference, paidAt: now, netFen: before.netFen },
        at: now,
      }),
    ]);
  } catch (error) {
    if (isGuardFailure(error, 'settlement_not_issued')) throw alreadyPaid();
    throw error;
  }
  return getSettlement(db, id);
}

const listCursor = z.tuple([z.number(), z.string()]);

export async function listSettlements(db: Db, filters: { cooperativeId?: string; status?: SettlementStatus; limit: number; cursor?: string }) {
  const after = filters.cursor ? decodeCursor(filters.cursor, listCursor) : null;
  const rows = await db
    .select({ settlement: settlements, cooperativeName: organization.name })
    .from(settlements)
    .innerJoin(organization, eq(organization.id, settlements.cooperativeId))
    .where(
      and(
        filters.cooperativeId ? eq(settlements.cooperativeId, filters.cooperativeId) : undefined,
        filters.status ? eq(settlements.status, filters.status) : undefined,
        after ? or(lt(settlements.periodStart, after[0]), and(eq(settlements.periodStart, after[0]), lt(settlements.id, after[1]))) : undefined,
      ),
    )
    .orderBy(desc(settlements.periodStart), desc(settlements.id))
    .limit(filters.limit + 1);
  const page = rows.slice(0, filters.limit);
  const last = page.at(-1)?.settlement;
  return {
    items: page.map((r) => ({ ...r.settlement, cooperativeName: r.cooperativeName })),
    nextCursor: rows.length > filters.limit && last ? encodeCursor([last.periodStart, last.id]) : null,
  };
}

/** A statement's lines as CSV rows (header first); the amounts add up to the statement's net. */
export function statementCsvRows(settlement: SettlementRow, lines: SettlementLineRow[]): unknown[][] {
  return [
    ['settlementId', 'cooperativeId', 'periodStart', 'periodEnd', 'kind', 'shipmentId', 'refundId', 'beneficiaryOrganizationId', 'description', 'amountFen', 'amountYuan'],
    ...lines.map((l) => [
      settlement.id,
      settlement.cooperativeId,
      shanghaiDay(settlement.periodStart),
      shanghaiDay(settlement.periodEnd - 1),
      l.kind,
      l.shipmentId,
      l.refundId,
      l.beneficiaryOrganizationId,
      l.description,
      l.amountFen,
      (l.amountFen / 100).toFixed(2),
    ]),
  ];
}
