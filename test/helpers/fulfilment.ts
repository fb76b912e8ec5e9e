import { env } from 'cloudflare:workers';
import { inArray } from 'drizzle-orm';
import { createDb } from '../../src/db/client';
import {
  groupBuyItems,
  groupBuyParticipantItems,
  groupBuyParticipants,
  groupBuys,
  orderLines,
  orders,
  payments,
  products,
  refunds,
  shipmentItems,
  shipments,
  type DeliveryMethod,
  type OrderStatus,
  type PaymentMethod,
  type ShipmentStatus,
} from '../../src/db/schema';
import { newId, randomToken } from '../../src/lib/ids';

/**
 * Factories writing orders, shipments, payments, refunds and formed group buys straight into D1,
 * shaped like the orders and group-buy domains write them, so fulfilment and settlement can be
 * tested on their own.
 */
export const db = () => createDb(env.DB);

export type Line = { productId: string; quantity: number; unitPriceFen?: number };

async function productsById(ids: string[]) {
  const rows = await db().select().from(products).where(inArray(products.id, ids));
  return new Map(rows.map((p) => [p.id, p]));
}

export type OrderPart = { lines: Line[]; shippingFen?: number; status?: ShipmentStatus; released?: boolean; deliveredAt?: number; shippedAt?: number };

export type OrderSpec = {
  buyerUserId?: string | null;
  organizationId?: string | null;
  status?: OrderStatus;
  paymentMethod?: PaymentMethod;
  deliveryMethod?: DeliveryMethod;
  pickupOrganizationId?: string | null;
  /** One entry per cooperative; lines of one part must belong to one cooperative. */
  parts: OrderPart[];
  at?: number;
  /** Write a succeeded payment for the total (default true unless the order is pending_payment). */
  paid?: boolean;
};

export type CreatedOrder = { orderId: string; accessToken: string; shipmentIds: string[]; paymentId: string | null; totalFen: number; shipmentTotals: number[] };

export async function createOrder(spec: OrderSpec): Promise<CreatedOrder> {
  const at = spec.at ?? Date.now();
  const status = spec.status ?? 'paid';
  const deliveryMethod = spec.deliveryMethod ?? (spec.pickupOrganizationId ? 'pickup' : 'ship');
  const catalog = await productsById(spec.parts.flatMap((p) => p.lines.map((l) => l.productId)));
  const orderId = newId('ord');
  const accessToken = randomToken(32);
  const statements: any[] = [];
  const shipmentIds: string[] = [];
  const shipmentTotals: number[] = [];
  let subtotal = 0;
  let shipping = 0;
  const shipmentRows: any[] = [];
  const itemRows: any[] = [];
  const lineRows: any[] = [];
  for (const part of spec.parts) {
    const shipmentId = newId('shp');
    shipmentIds.push(shipmentId);
    const first = catalog.get(part.lines[0]!.productId)!;
    let partSubtotal = 0;
    for (const line of part.lines) {
      const p = catalog.get(line.productId)!;
      if (p.cooperativeId !== first.cooperativeId) throw new Error('one part = one cooperative');
      const unit = line.unitPriceFen ?? p.unitPriceFen;
      const lineTotal = unit * line.quantity;
      partSubtotal += lineTotal;
      itemRows.push({ id: newId('shi'), shipmentId, productId: p.id, sku: p.sku, nameZh: p.nameZh, nameEn: p.nameEn, quantity: line.quantity, unitPriceFen: unit, lineTotalFen: lineTotal });
      lineRows.push({
        id: newId('oln'), orderId, shipmentId, productId: p.id, cooperativeId: p.cooperativeId, countyId: p.countyId, category: p.category,
        sku: p.sku, nameZh: p.nameZh, nameEn: p.nameEn, quantity: line.quantity, unitPriceFen: unit, lineTotalFen: lineTotal, priceSource: 'list',
      });
    }
    const shippingFen = part.shippingFen ?? 0;
    subtotal += partSubtotal;
    shipping += shippingFen;
    shipmentTotals.push(partSubtotal + shippingFen);
    shipmentRows.push({
      id: shipmentId, orderId, cooperativeId: first.cooperativeId, status: part.status ?? 'pending', released: part.released ?? status !== 'pending_payment',
      deliveryMethod, pickupOrganizationId: spec.pickupOrganizationId ?? null,
      recipient: deliveryMethod === 'ship' ? '李女士' : null, recipientPhone: deliveryMethod === 'ship' ? '13900000000' : null,
      shipDistrictId: deliveryMethod === 'ship' ? 'yangpu' : null, shipStreet: deliveryMethod === 'ship' ? '控江路 1 号' : null,
      subtotalFen: partSubtotal, shippingFen,
      shippedAt: part.shippedAt ?? (part.status === 'shipped' || part.status === 'delivered' ? at : null),
      deliveredAt: part.deliveredAt ?? (part.status === 'delivered' ? at : null),
      createdAt: at, updatedAt: at,
    });
  }
  const d = db();
  statements.push(
    d.insert(orders).values({
      id: orderId, accessToken, buyerUserId: spec.buyerUserId ?? null, organizationId: spec.organizationId ?? null, status,
      paymentMethod: spec.paymentMethod ?? 'stripe', subtotalFen: subtotal, shippingFen: shipping, totalFen: subtotal + shipping,
      deliveryMethod, pickupOrganizationId: spec.pickupOrganizationId ?? null, contactName: '李女士', contactPhone: '13900000000',
      paidAt: status === 'pending_payment' ? null : at, createdAt: at, updatedAt: at,
    }),
    d.insert(shipments).values(shipmentRows),
    d.insert(shipmentItems).values(itemRows),
    d.insert(orderLines).values(lineRows),
  );
  let paymentId: string | null = null;
  if (spec.paid ?? status !== 'pending_payment') {
    paymentId = newId('pay');
    statements.push(
      d.insert(payments).values({ id: paymentId, orderId, method: spec.paymentMethod ?? 'stripe', status: 'succeeded', amountFen: subtotal + shipping, paidAt: at, createdAt: at, updatedAt: at }),
    );
  }
  await d.batch(statements as [any, ...any[]]);
  return { orderId, accessToken, shipmentIds, paymentId, totalFen: subtotal + shipping, shipmentTotals };
}

/** A succeeded refund of `amountFen` against a payment (order or group-buy participant). */
export async function createRefund(input: { paymentId: string; orderId?: string | null; participantId?: string | null; amountFen: number; at?: number; status?: 'pending' | 'succeeded' | 'failed' }) {
  const at = input.at ?? Date.now();
  const id = newId('rfd');
  await db().insert(refunds).values({
    id, paymentId: input.paymentId, orderId: input.orderId ?? null, participantId: input.participantId ?? null, amountFen: input.amountFen,
    reason: 'test', status: input.status ?? 'succeeded', idempotencyKey: `test-${id}`, createdAt: at, updatedAt: at,
  });
  return id;
}

export type GroupBuySpec = {
  organizerOrganizationId: string;
  pickupOrganizationId: string;
  /** Each participant's lines at the group price (defaults to list price); paid by a succeeded payment. */
  participants: Line[][];
  at?: number;
  shipmentStatus?: ShipmentStatus;
};

/** A formed (succeeded) group buy with paid participants and one released pickup shipment per cooperative. */
export async function createFormedGroupBuy(spec: GroupBuySpec) {
  const at = spec.at ?? Date.now();
  const catalog = await productsById(spec.participants.flat().map((l) => l.productId));
  const d = db();
  const groupBuyId = newId('gb');
  const statements: any[] = [
    d.insert(groupBuys).values({
      id: groupBuyId, shortCode: randomToken(8), organizerOrganizationId: spec.organizerOrganizationId, createdByUserId: 'usr_test',
      title: 'Test group buy', pickupOrganizationId: spec.pickupOrganizationId, closesAt: at, status: 'succeeded', closedAt: at,
      participantsCount: spec.participants.length, createdAt: at, updatedAt: at,
    }),
  ];
  const itemIds = new Map<string, string>();
  for (const productId of new Set(spec.participants.flat().map((l) => l.productId))) {
    const id = newId('gbi');
    itemIds.set(productId, id);
    statements.push(d.insert(groupBuyItems).values({ id, groupBuyId, productId, unitPriceFen: catalog.get(productId)!.unitPriceFen }));
  }
  const perCoop = new Map<string, { subtotal: number; items: Map<string, { quantity: number; unit: number }> }>();
  const participants: { participantId: string; paymentId: string; totalFen: number }[] = [];
  for (const lines of spec.participants) {
    const participantId = newId('gbp');
    let total = 0;
    const rows = lines.map((line) => {
      const p = catalog.get(line.productId)!;
      const unit = line.unitPriceFen ?? p.unitPriceFen;
      total += unit * line.quantity;
      const coop = perCoop.get(p.cooperativeId) ?? { subtotal: 0, items: new Map() };
      coop.subtotal += unit * line.quantity;
      const item = coop.items.get(p.id) ?? { quantity: 0, unit };
      item.quantity += line.quantity;
      coop.items.set(p.id, item);
      perCoop.set(p.cooperativeId, coop);
      return { id: newId('gpi'), participantId, groupBuyItemId: itemIds.get(p.id)!, productId: p.id, quantity: line.quantity, unitPriceFen: unit, lineTotalFen: unit * line.quantity };
    });
    const paymentId = newId('pay');
    statements.push(
      d.insert(groupBuyParticipants).values({
        id: participantId, groupBuyId, name: '居民', phone: '13700000000', pickupCode: randomToken(6), accessToken: randomToken(32),
        status: 'paid', paymentMethod: 'stripe', totalFen: total, paidAt: at, createdAt: at, updatedAt: at,
      }),
      d.insert(groupBuyParticipantItems).values(rows),
      d.insert(payments).values({ id: paymentId, participantId, method: 'stripe', status: 'succeeded', amountFen: total, paidAt: at, createdAt: at, updatedAt: at }),
    );
    participants.push({ participantId, paymentId, totalFen: total });
  }
  const shipmentIds: string[] = [];
  for (const [cooperativeId, coop] of perCoop) {
    const shipmentId = newId('shp');
    shipmentIds.push(shipmentId);
    const status = spec.shipmentStatus ?? 'pending';
    statements.push(
      d.insert(shipments).values({
        id: shipmentId, groupBuyId, cooperativeId, status, released: true, deliveryMethod: 'pickup', pickupOrganizationId: spec.pickupOrganizationId,
        subtotalFen: coop.subtotal, shippingFen: 0, shippedAt: status === 'shipped' || status === 'delivered' ? at : null,
        deliveredAt: status === 'delivered' ? at : null, createdAt: at, updatedAt: at,
      }),
      d.insert(shipmentItems).values(
        [...coop.items].map(([productId, item]) => {
          const p = catalog.get(productId)!;
          return { id: newId('shi'), shipmentId, productId, sku: p.sku, nameZh: p.nameZh, nameEn: p.nameEn, quantity: item.quantity, unitPriceFen: item.unit, lineTotalFen: item.quantity * item.unit };
        }),
      ),
    );
  }
  await d.batch(statements as [any, ...any[]]);
  return { groupBuyId, participants, shipmentIds };
}
