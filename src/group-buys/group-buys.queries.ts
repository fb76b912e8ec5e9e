import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import {
  counties,
  groupBuyItems,
  groupBuyParticipantItems,
  groupBuyParticipants,
  groupBuys,
  organization,
  payments,
  products,
  refunds,
  type ParticipantStatus,
} from '../db/schema';
import { AppError } from '../lib/errors';

/** Reads shared by the group-buy services. Writes live with the rule that makes them. */

export type GroupBuyRow = typeof groupBuys.$inferSelect;
export type ParticipantRow = typeof groupBuyParticipants.$inferSelect;
export type PaymentRow = typeof payments.$inferSelect;

export async function findGroupBuy(db: Db, id: string): Promise<GroupBuyRow | undefined> {
  const [row] = await db.select().from(groupBuys).where(eq(groupBuys.id, id)).limit(1);
  return row;
}

export async function requireGroupBuy(db: Db, id: string): Promise<GroupBuyRow> {
  const row = await findGroupBuy(db, id);
  if (!row) throw new AppError('not_found', `Group buy ${id} not found`);
  return row;
}

export async function findGroupBuyByShortCode(db: Db, shortCode: string): Promise<GroupBuyRow | undefined> {
  const [row] = await db.select().from(groupBuys).where(eq(groupBuys.shortCode, shortCode)).limit(1);
  return row;
}

/** A group buy's item with the product fields the rules and pages need. */
export type GroupItem = {
  id: string;
  productId: string;
  groupPriceFen: number;
  maxQuantity: number | null;
  soldQuantity: number;
  listPriceFen: number;
  priceTiers: (typeof products.$inferSelect)['priceTiers'];
  minOrderQuantity: number;
  orderStep: number;
  stock: number;
  productStatus: (typeof products.$inferSelect)['status'];
  cooperativeId: string;
  sku: string;
  nameZh: string;
  nameEn: string;
  unitZh: string;
  unitEn: string;
  specZh: string;
  specEn: string;
  category: string;
};

export async function loadGroupItems(db: Db, groupBuyId: string): Promise<GroupItem[]> {
  return db
    .select({
      id: groupBuyItems.id,
      productId: groupBuyItems.productId,
      groupPriceFen: groupBuyItems.unitPriceFen,
      maxQuantity: groupBuyItems.maxQuantity,
      soldQuantity: groupBuyItems.soldQuantity,
      listPriceFen: products.unitPriceFen,
      priceTiers: products.priceTiers,
      minOrderQuantity: products.minOrderQuantity,
      orderStep: products.orderStep,
      stock: products.stock,
      productStatus: products.status,
      cooperativeId: products.cooperativeId,
      sku: products.sku,
      nameZh: products.nameZh,
      nameEn: products.nameEn,
      unitZh: products.unitZh,
      unitEn: products.unitEn,
      specZh: products.specZh,
      specEn: products.specEn,
      category: products.category,
    })
    .from(groupBuyItems)
    .innerJoin(products, eq(products.id, groupBuyItems.productId))
    .where(eq(groupBuyItems.groupBuyId, groupBuyId))
    .orderBy(asc(groupBuyItems.id));
}

/** What one more participant may still take of an item: the lower of stock and what the item cap leaves. */
export function remainingOf(item: Pick<GroupItem, 'stock' | 'maxQuantity' | 'soldQuantity'>): number {
  const capLeft = item.maxQuantity === null ? Number.POSITIVE_INFINITY : item.maxQuantity - item.soldQuantity;
  return Math.max(0, Math.min(item.stock, capLeft));
}

/** A participant's line with what fulfilment, the impact rollup and the pages need about its product. */
export type ParticipantLine = {
  id: string;
  groupBuyItemId: string;
  productId: string;
  quantity: number;
  pickedUpQuantity: number;
  unitPriceFen: number;
  lineTotalFen: number;
  cooperativeId: string;
  countyId: string;
  districtId: string | null;
  category: string;
  sku: string;
  nameZh: string;
  nameEn: string;
  unitZh: string;
  unitEn: string;
};

export type RefundSummary = { status: (typeof refunds.$inferSelect)['status']; amountFen: number };

export type Participation = ParticipantRow & {
  lines: ParticipantLine[];
  payment: PaymentRow | null;
  refund: RefundSummary | null;
  quantity: number;
};

/**
 * Participants of a group buy (optionally only some statuses or one id) with their lines and payment.
 * One round trip: the participants and their lines, payments and refunds are read in one batch, the last
 * three selecting by the same conditions as a subquery. An explicit `ids` list is bound as values instead,
 * so it is read in chunks under D1's limit of 100 bound values per statement.
 */
export async function loadParticipations(
  db: Db,
  groupBuyId: string,
  filter: { statuses?: readonly ParticipantStatus[]; participantId?: string; ids?: string[]; pickupCode?: string; accessToken?: string } = {},
): Promise<Participation[]> {
  const conditions = [eq(groupBuyParticipants.groupBuyId, groupBuyId)];
  if (filter.statuses) conditions.push(inArray(groupBuyParticipants.status, [...filter.statuses]));
  if (filter.participantId) conditions.push(eq(groupBuyParticipants.id, filter.participantId));
  if (filter.pickupCode) conditions.push(eq(groupBuyParticipants.pickupCode, filter.pickupCode));
  if (filter.accessToken) conditions.push(eq(groupBuyParticipants.accessToken, filter.accessToken));
  const participantsQuery = (where: SQL | undefined) =>
    db.select().from(groupBuyParticipants).where(where).orderBy(asc(groupBuyParticipants.createdAt), asc(groupBuyParticipants.id));
  if (filter.ids) {
    const ids = filter.ids;
    const participants = (await inChunks(ids, (chunk) => participantsQuery(and(...conditions, inArray(groupBuyParticipants.id, chunk))))).sort(byCreation);
    if (participants.length === 0) return [];
    const found = participants.map((p) => p.id);
    const [lines, paymentRows, refundRows] = await Promise.all([
      inChunks(found, (chunk) => linesQuery(db, inArray(groupBuyParticipantItems.participantId, chunk))),
      inChunks(found, (chunk) => paymentsQuery(db, inArray(payments.participantId, chunk))),
      inChunks(found, (chunk) => refundsQuery(db, inArray(refunds.participantId, chunk))),
    ]);
    return assemble(participants, lines, paymentRows, refundRows);
  }
  const where = and(...conditions);
  const matching = db.select({ id: groupBuyParticipants.id }).from(groupBuyParticipants).where(where);
  const [participants, lines, paymentRows, refundRows] = await db.batch([
    participantsQuery(where),
    linesQuery(db, inArray(groupBuyParticipantItems.participantId, matching)),
    paymentsQuery(db, inArray(payments.participantId, matching)),
    refundsQuery(db, inArray(refunds.participantId, matching)),
  ]);
  return assemble(participants, lines, paymentRows, refundRows);
}

const byCreation = (a: ParticipantRow, b: ParticipantRow) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function assemble(
  participants: ParticipantRow[],
  lines: Array<ParticipantLine & { participantId: string }>,
  paymentRows: PaymentRow[],
  refundRows: Array<RefundSummary & { participantId: string | null }>,
): Participation[] {
  return participants.map((p) => {
    const own = lines.filter((l) => l.participantId === p.id).map(({ participantId: _, ...line }) => line);
    return {
      ...p,
      lines: own,
      quantity: own.reduce((sum, l) => sum + l.quantity, 0),
      payment: paymentRows.find((pay) => pay.participantId === p.id) ?? null,
      refund: refundRows.find((r) => r.participantId === p.id) ?? null,
    };
  });
}

/** Chunked so a list of hundreds of ids stays under D1's bound-parameter limit. */
async function inChunks<T>(ids: string[], load: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += 80) out.push(...(await load(ids.slice(i, i + 80))));
  return out;
}

function linesQuery(db: Db, where: SQL) {
  return db
    .select({
      participantId: groupBuyParticipantItems.participantId,
      id: groupBuyParticipantItems.id,
      groupBuyItemId: groupBuyParticipantItems.groupBuyItemId,
      productId: groupBuyParticipantItems.productId,
      quantity: groupBuyParticipantItems.quantity,
      pickedUpQuantity: groupBuyParticipantItems.pickedUpQuantity,
      unitPriceFen: groupBuyParticipantItems.unitPriceFen,
      lineTotalFen: groupBuyParticipantItems.lineTotalFen,
      cooperativeId: products.cooperativeId,
      countyId: products.countyId,
      districtId: counties.districtId,
      category: products.category,
      sku: products.sku,
      nameZh: products.nameZh,
      nameEn: products.nameEn,
      unitZh: products.unitZh,
      unitEn: products.unitEn,
    })
    .from(groupBuyParticipantItems)
    .innerJoin(products, eq(products.id, groupBuyParticipantItems.productId))
    .innerJoin(counties, eq(counties.id, products.countyId))
    .where(where)
    .orderBy(asc(groupBuyParticipantItems.id));
}

function refundsQuery(db: Db, where: SQL) {
  return db.select({ participantId: refunds.participantId, status: refunds.status, amountFen: refunds.amountFen }).from(refunds).where(where);
}

function paymentsQuery(db: Db, where: SQL) {
  return db.select().from(payments).where(where);
}

/** Participants whose place counts toward the thresholds: paid, or paying at pickup. */
export function isCommitted(p: Pick<ParticipantRow, 'status' | 'paymentMethod'>): boolean {
  return p.status === 'paid' || p.status === 'picked_up' || (p.status === 'pending_payment' && p.paymentMethod === 'pay_at_pickup');
}

export const committedCondition = sql`(${groupBuyParticipants.status} IN ('paid', 'picked_up') OR (${groupBuyParticipants.status} = 'pending_payment' AND ${groupBuyParticipants.paymentMethod} = 'pay_at_pickup'))`;

/** Participants and units that currently count toward the thresholds. */
export async function committedProgress(db: Db, groupBuyId: string): Promise<{ participants: number; quantity: number }> {
  const [row] = await db
    .select({
      participants: sql<number>`count(DISTINCT ${groupBuyParticipants.id})`,
      quantity: sql<number>`coalesce(sum(${groupBuyParticipantItems.quantity}), 0)`,
    })
    .from(groupBuyParticipants)
    .innerJoin(groupBuyParticipantItems, eq(groupBuyParticipantItems.participantId, groupBuyParticipants.id))
    .where(and(eq(groupBuyParticipants.groupBuyId, groupBuyId), committedCondition));
  return { participants: Number(row?.participants ?? 0), quantity: Number(row?.quantity ?? 0) };
}

export async function organizationsByIds(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  return db.select().from(organization).where(inArray(organization.id, ids));
}
