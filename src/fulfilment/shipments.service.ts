import { and, asc, desc, eq, gte, inArray, lt, lte, or, sql } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import type { Db } from '../db/client';
import { runBatch, type Statement } from '../db/batch';
import { orders, organization, shipmentItems, shipments, type DeliveryMethod, type ShipmentStatus } from '../db/schema';
import type { Actor } from '../env';
import { AppError } from '../lib/errors';
import { decodeCursor, encodeCursor } from '../lib/pagination';
import { DAY_MS } from '../lib/time';
import { getSettings } from '../settlements';
import { orderBuyerNotice } from '../db/notices';

/**
 * A cooperative's fulfilment: pending → accepted → shipped → delivered. Every move is a conditional
 * UPDATE on the expected current status, so two clerks (or a clerk and the cron job) cannot both
 * make it, and a refused move is a 409 naming the status the shipment is really in.
 */
export type ShipmentRow = typeof shipments.$inferSelect;
export type ShipmentItemRow = typeof shipmentItems.$inferSelect;

export async function getReleasedShipment(db: Db, id: string): Promise<ShipmentRow> {
  const [row] = await db.select().from(shipments).where(and(eq(shipments.id, id), eq(shipments.released, true)));
  if (!row) throw new AppError('not_found', `Shipment ${id} not found`);
  return row;
}

export async function itemsOf(db: Db, shipmentIds: string[]): Promise<Map<string, ShipmentItemRow[]>> {
  const map = new Map<string, ShipmentItemRow[]>();
  for (let i = 0; i < shipmentIds.length; i += 90) {
    const rows = await db.select().from(shipmentItems).where(inArray(shipmentItems.shipmentId, shipmentIds.slice(i, i + 90))).orderBy(asc(shipmentItems.sku));
    for (const row of rows) map.set(row.shipmentId, [...(map.get(row.shipmentId) ?? []), row]);
  }
  return map;
}

export function shipmentView(row: ShipmentRow, items: ShipmentItemRow[]) {
  return {
    id: row.id,
    orderId: row.orderId,
    groupBuyId: row.groupBuyId,
    cooperativeId: row.cooperativeId,
    status: row.status,
    deliveryMethod: row.deliveryMethod,
    pickupOrganizationId: row.pickupOrganizationId,
    recipient: row.recipient,
    recipientPhone: row.recipientPhone,
    shipDistrictId: row.shipDistrictId,
    shipStreet: row.shipStreet,
    subtotalFen: row.subtotalFen,
    shippingFen: row.shippingFen,
    totalFen: row.subtotalFen + row.shippingFen,
    carrier: row.carrier,
    trackingNumber: row.trackingNumber,
    acceptedAt: row.acceptedAt,
    shippedAt: row.shippedAt,
    deliveredAt: row.deliveredAt,
    receiptConfirmedAt: row.receiptConfirmedAt,
    createdAt: row.createdAt,
    items: items.map((i) => ({ productId: i.productId, sku: i.sku, nameZh: i.nameZh, nameEn: i.nameEn, quantity: i.quantity, unitPriceFen: i.unitPriceFen, lineTotalFen: i.lineTotalFen })),
  };
}

export type ShipmentFilters = {
  status?: ShipmentStatus;
  deliveryMethod?: DeliveryMethod;
  from?: number;
  to?: number;
  limit: number;
  cursor?: string;
};

const listCursor = z.tuple([z.number(), z.string()]);

/** Released shipments addressed to one cooperative, newest first, with their items. */
export async function listShipments(db: Db, cooperativeId: string, filters: ShipmentFilters) {
  const after = filters.cursor ? decodeCursor(filters.cursor, listCursor) : null;
  const rows = await db
    .select()
    .from(shipments)
    .where(
      and(
        eq(shipments.cooperativeId, cooperativeId),
        eq(shipments.released, true),
        filters.status ? eq(shipments.status, filters.status) : undefined,
        filters.deliveryMethod ? eq(shipments.deliveryMethod, filters.deliveryMethod) : undefined,
        filters.from !== undefined ? gte(shipments.createdAt, filters.from) : undefined,
        filters.to !== undefined ? lt(shipments.createdAt, filters.to) : undefined,
        after ? or(lt(shipments.createdAt, after[0]), and(eq(shipments.createdAt, after[0]), lt(shipments.id, after[1]))) : undefined,
      ),
    )
    .orderBy(desc(shipments.createdAt), desc(shipments.id))
    .limit(filters.limit + 1);
  const page = rows.slice(0, filters.limit);
  const items = await itemsOf(db, page.map((r) => r.id));
  const last = page.at(-1);
  return {
    items: page.map((r) => shipmentView(r, items.get(r.id) ?? [])),
    nextCursor: rows.length > filters.limit && last ? encodeCursor([last.createdAt, last.id]) : null,
  };
}

/**
 * Marks an order fulfilled once none of its shipments is still on its way. Put after the
 * statement that delivers a shipment in the same batch: it then sees that shipment delivered,
 * and it is a no-op (so safe to repeat) while another shipment is pending, accepted or shipped.
 */
export function fulfilOrderStatement(db: Db, orderId: string, now: number) {
  return db
    .update(orders)
    .set({ status: 'fulfilled', updatedAt: now })
    .where(
      and(
        eq(orders.id, orderId),
        inArray(orders.status, ['paid', 'invoiced']),
        sql`NOT EXISTS (SELECT 1 FROM ${shipments} WHERE ${shipments.orderId} = ${orderId} AND ${shipments.status} NOT IN ('delivered', 'cancelled'))`,
      ),
    );
}

function changes(result: unknown): number {
  return (result as { meta?: { changes?: number } }).meta?.changes ?? 0;
}

function illegalMove(shipment: ShipmentRow, action: string, expected: ShipmentStatus) {
  return new AppError('invalid_state', `Cannot ${action} shipment ${shipment.id}: it is ${shipment.status}, not ${expected}`, {
    extensions: { shipmentId: shipment.id, shipmentStatus: shipment.status },
  });
}

/** Runs a conditional transition; on 0 changed rows re-reads the shipment to say what it is now. */
async function transition(db: Db, shipment: ShipmentRow, action: string, expected: ShipmentStatus, statements: Statement[]) {
  const [first] = await runBatch(db, statements);
  if (changes(first) === 0) throw illegalMove(await getReleasedShipment(db, shipment.id), action, expected);
  return getReleasedShipment(db, shipment.id);
}

export async function acceptShipment(db: Db, shipment: ShipmentRow, now = Date.now()) {
  return transition(db, shipment, 'accept', 'pending', [
    db
      .update(shipments)
      .set({ status: 'accepted', acceptedAt: now, updatedAt: now })
      .where(and(eq(shipments.id, shipment.id), eq(shipments.status, 'pending'), eq(shipments.released, true))),
  ]);
}

export async function shipShipment(db: Db, shipment: ShipmentRow, input: { carrier: string; trackingNumber: string }, now = Date.now()) {
  return transition(db, shipment, 'ship', 'accepted', [
    db
      .update(shipments)
      .set({ status: 'shipped', carrier: input.carrier, trackingNumber: input.trackingNumber, shippedAt: now, updatedAt: now })
      .where(and(eq(shipments.id, shipment.id), eq(shipments.status, 'accepted'))),
    ...(shipment.orderId
      ? [
          orderBuyerNotice(
            db,
            {
              id: `ntf_shipped_${shipment.id}`,
              orderId: shipment.orderId,
              kind: 'shipment.shipped',
              titleZh: `订单 ${shipment.orderId} 已发货：${input.carrier} ${input.trackingNumber}`,
              titleEn: `Order ${shipment.orderId} has shipped: ${input.carrier} ${input.trackingNumber}`,
              payload: { orderId: shipment.orderId, shipmentId: shipment.id, carrier: input.carrier, trackingNumber: input.trackingNumber },
              at: now,
            },
            sql`EXISTS (SELECT 1 FROM ${shipments} WHERE ${shipments.id} = ${shipment.id} AND ${shipments.status} = 'shipped' AND ${shipments.shippedAt} = ${now})`,
          ),
        ]
      : []),
  ]);
}

/** Statements delivering a shipped shipment (and fulfilling its order when it was the last one). */
export function deliverStatements(db: Db, shipment: Pick<ShipmentRow, 'id' | 'orderId'>, now: number, receiptConfirmed: boolean): Statement[] {
  const statements: Statement[] = [
    db
      .update(shipments)
      .set({ status: 'delivered', deliveredAt: now, updatedAt: now, ...(receiptConfirmed ? { receiptConfirmedAt: now } : {}) })
      .where(and(eq(shipments.id, shipment.id), eq(shipments.status, 'shipped'))),
  ];
  if (shipment.orderId) {
    statements.push(
      fulfilOrderStatement(db, shipment.orderId, now),
      orderBuyerNotice(
        db,
        {
          id: `ntf_delivered_${shipment.id}`,
          orderId: shipment.orderId,
          kind: 'shipment.delivered',
          titleZh: `订单 ${shipment.orderId} 的包裹已送达`,
          titleEn: `A parcel of order ${shipment.orderId} was delivered`,
          payload: { orderId: shipment.orderId, shipmentId: shipment.id },
          at: now,
        },
        sql`EXISTS (SELECT 1 FROM ${shipments} WHERE ${shipments.id} = ${shipment.id} AND ${shipments.status} = 'delivered' AND ${shipments.deliveredAt} = ${now})`,
      ),
    );
  }
  return statements;
}

export async function deliverShipment(db: Db, shipment: ShipmentRow, now = Date.now()) {
  return transition(db, shipment, 'deliver', 'shipped', deliverStatements(db, shipment, now, false));
}

/** The buyer (or the pickup point that received it) confirms receipt of a shipped shipment. */
export async function confirmReceipt(db: Db, shipment: ShipmentRow, now = Date.now()) {
  return transition(db, shipment, 'confirm receipt of', 'shipped', deliverStatements(db, shipment, now, true));
}

/**
 * Who may confirm receipt: the order's buyer, a member of the buying organisation, a guest
 * holding the order's access token, or a member of the pickup point the goods went to.
 * Anyone else gets 404, as if the shipment did not exist.
 */
export async function requireReceiver(db: Db, actor: Actor | null, shipment: ShipmentRow, token: string | undefined) {
  const member = (orgId: string | null) => !!orgId && !!actor?.memberships.some((m) => m.organizationId === orgId);
  if (member(shipment.pickupOrganizationId)) return;
  if (shipment.orderId) {
    const [order] = await db
      .select({ buyerUserId: orders.buyerUserId, organizationId: orders.organizationId, accessToken: orders.accessToken })
      .from(orders)
      .where(eq(orders.id, shipment.orderId));
    if (order) {
      if (actor && order.buyerUserId === actor.userId) return;
      if (member(order.organizationId)) return;
      if (token && token.length === order.accessToken.length && token === order.accessToken) return;
    }
  }
  throw new AppError('not_found', `Shipment ${shipment.id} not found`);
}

/**
 * Cron job: a shipment shipped `receiptAssumedAfterDays` ago without a confirmation is taken as
 * delivered. Each update is conditional on `shipped`, so a concurrent confirmation or a second run
 * changes nothing; batches are bounded so one tick stays within the CPU limit.
 */
export async function assumeReceipts(db: Db, now: number, batchSize = 100): Promise<number> {
  const days = (await getSettings(db)).receiptAssumedAfterDays;
  const due = await db
    .select({ id: shipments.id, orderId: shipments.orderId })
    .from(shipments)
    .where(and(eq(shipments.status, 'shipped'), lte(shipments.shippedAt, now - days * DAY_MS)))
    .orderBy(asc(shipments.shippedAt))
    .limit(batchSize);
  if (due.length === 0) return 0;
  const statements = due.flatMap((s) => deliverStatements(db, s, now, false));
  const results = await runBatch(db, statements);
  // Count the shipment updates only (the order updates follow each of them).
  let delivered = 0;
  let index = 0;
  for (const s of due) {
    delivered += changes(results[index]);
    index += s.orderId ? 2 : 1;
  }
  return delivered;
}

export async function pickupNames(db: Db, ids: string[]): Promise<Map<string, { name: string; nameEn: string | null; pickupAddress: string | null }>> {
  const unique = [...new Set(ids.filter(Boolean))];
  if (unique.length === 0) return new Map();
  const rows = await db
    .select({ id: organization.id, name: organization.name, nameEn: organization.nameEn, pickupAddress: organization.pickupAddress })
    .from(organization)
    .where(inArray(organization.id, unique));
  return new Map(rows.map((r) => [r.id, r]));
}

/** Who collects a pickup order at the showroom, for the packing slip. */
export async function orderContact(db: Db, orderId: string) {
  const [row] = await db.select({ contactName: orders.contactName, contactPhone: orders.contactPhone }).from(orders).where(eq(orders.id, orderId));
  return row ?? null;
}
