/**
 * Factories for impact tests: orders, lines, shipments, payments, refunds and group buys written
 * straight into D1 (the order and group-buy engines are built elsewhere), with every money event
 * applied the way payment code does it — the status change and `salesRollupStatements` in one batch.
 * `generateSales` builds a deterministic mixed history and returns it as ledger input, so tests can
 * hold the rollup and the recomputation to the independent oracle in ./impact-ledger.ts.
 */
import { eq, sql } from 'drizzle-orm';
import { env } from 'cloudflare:workers';
import { rng } from './rng';
import { createDb, type Db } from '../../src/db/client';
import { runBatch, type Statement } from '../../src/db/batch';
import {
  groupBuyItems,
  groupBuyParticipantItems,
  groupBuyParticipants,
  groupBuys,
  orderLines,
  orders,
  payments,
  refunds,
  shipments,
} from '../../src/db/schema';
import { salesRollupStatements } from '../../src/impact/rollup';
import type { LedgerLine, LedgerPayment, LedgerRefund } from './impact-ledger';

export const testDb = (): Db => createDb(env.DB);

export type CatalogProduct = {
  id: string;
  sku: string;
  cooperativeId: string;
  countyId: string;
  category: string;
  unitPriceFen: number;
  nameZh: string;
  nameEn: string;
};

export async function catalogProducts(db: Db): Promise<CatalogProduct[]> {
  return db.all<CatalogProduct>(sql`SELECT id, sku, cooperative_id AS cooperativeId, county_id AS countyId, category,
    unit_price_fen AS unitPriceFen, name_zh AS nameZh, name_en AS nameEn FROM products ORDER BY id`);
}

export async function districtOfCounty(db: Db): Promise<Map<string, string | null>> {
  const rows = await db.all<{ id: string; districtId: string | null }>(sql`SELECT id, district_id AS districtId FROM counties`);
  return new Map(rows.map((r) => [r.id, r.districtId]));
}

let serial = 0;
const id = (prefix: string) => `${prefix}_t${(serial += 1).toString(36)}_${Math.random().toString(36).slice(2, 8)}`;

export type LineInput = { product: CatalogProduct; quantity: number; unitPriceFen?: number };

/** What a test did, in the shape the ledger oracle reads. */
export class SalesHistory {
  payments: LedgerPayment[] = [];
  lines: LedgerLine[] = [];
  refunds: LedgerRefund[] = [];
}

type MoneyEvent = { at: number; statements: () => Statement[]; record: () => void };

/**
 * Writes orders and group buys and applies their money events. Create with `new SalesWriter(db)`,
 * queue orders and participants, then `flush()` writes the rows and replays the events in time order.
 */
export class SalesWriter {
  readonly history = new SalesHistory();
  private rows: Statement[] = [];
  private events: MoneyEvent[] = [];

  constructor(private readonly db: Db) {}

  /** An order with one shipment per cooperative; returns its id and the first payment's id. */
  order(input: {
    lines: LineInput[];
    createdAt: number;
    paymentMethod?: 'stripe' | 'invoice' | 'pay_at_pickup';
    status?: (typeof orders.$inferInsert)['status'];
    shippingFenPerCooperative?: number;
  }) {
    const orderId = id('ord');
    const method = input.paymentMethod ?? 'stripe';
    const byCoop = new Map<string, LineInput[]>();
    for (const line of input.lines) byCoop.set(line.product.cooperativeId, [...(byCoop.get(line.product.cooperativeId) ?? []), line]);
    const shipping = (input.shippingFenPerCooperative ?? 0) * byCoop.size;
    const subtotal = input.lines.reduce((s, l) => s + (l.unitPriceFen ?? l.product.unitPriceFen) * l.quantity, 0);
    const total = subtotal + shipping;
    this.rows.push(
      this.db.insert(orders).values({
        id: orderId,
        accessToken: id('tok'),
        status: input.status ?? 'pending_payment',
        paymentMethod: method,
        subtotalFen: subtotal,
        shippingFen: shipping,
        totalFen: total,
        deliveryMethod: 'ship',
        recipient: '测试收货人',
        recipientPhone: '13800000000',
        shipDistrictId: 'baoshan',
        shipStreet: '测试路 1 号',
        contactName: '测试',
        contactPhone: '13800000000',
        invoiceStatus: method === 'invoice' ? 'open' : null,
        createdAt: input.createdAt,
        updatedAt: input.createdAt,
      }),
    );
    for (const [cooperativeId, lines] of byCoop) {
      const shipmentId = id('shp');
      const coopSubtotal = lines.reduce((s, l) => s + (l.unitPriceFen ?? l.product.unitPriceFen) * l.quantity, 0);
      this.rows.push(
        this.db.insert(shipments).values({
          id: shipmentId,
          orderId,
          cooperativeId,
          deliveryMethod: 'ship',
          subtotalFen: coopSubtotal,
          shippingFen: input.shippingFenPerCooperative ?? 0,
          createdAt: input.createdAt,
          updatedAt: input.createdAt,
        }),
      );
      for (const line of lines) {
        const unitPriceFen = line.unitPriceFen ?? line.product.unitPriceFen;
        this.rows.push(
          this.db.insert(orderLines).values({
            id: id('oln'),
            orderId,
            shipmentId,
            productId: line.product.id,
            cooperativeId,
            countyId: line.product.countyId,
            category: line.product.category,
            sku: line.product.sku,
            nameZh: line.product.nameZh,
            nameEn: line.product.nameEn,
            quantity: line.quantity,
            unitPriceFen,
            lineTotalFen: unitPriceFen * line.quantity,
            priceSource: 'list',
          }),
        );
        this.history.lines.push({
          saleKey: orderId,
          cooperativeId,
          countyId: line.product.countyId,
          category: line.product.category,
          lineTotalFen: unitPriceFen * line.quantity,
          quantity: line.quantity,
        });
      }
    }
    return { orderId, totalFen: total, payment: (at: number, status: PaymentFate = 'succeeded') => this.payment({ orderId }, method, total, at, status) };
  }

  /** A group buy at the seeded showroom, with its items; returns a participant factory. */
  groupBuy(input: { products: CatalogProduct[]; createdAt: number; closesAt: number; status: 'open' | 'succeeded' | 'failed' }) {
    const groupBuyId = id('gb');
    this.rows.push(
      this.db.insert(groupBuys).values({
        id: groupBuyId,
        shortCode: id('g').slice(-10),
        organizerOrganizationId: 'org_lijiang_showroom_yangpu',
        createdByUserId: 'usr_demo_showroomManager',
        title: '测试团购',
        pickupOrganizationId: 'org_lijiang_showroom_yangpu',
        closesAt: input.closesAt,
        status: input.status,
        createdAt: input.createdAt,
        updatedAt: input.createdAt,
      }),
    );
    const items = input.products.map((product) => {
      const itemId = id('gbi');
      // Group prices are a little below list price.
      const unitPriceFen = Math.max(1, Math.round(product.unitPriceFen * 0.9));
      this.rows.push(this.db.insert(groupBuyItems).values({ id: itemId, groupBuyId, productId: product.id, unitPriceFen }));
      return { itemId, product, unitPriceFen };
    });
    let code = 0;
    return {
      groupBuyId,
      participant: (p: { quantities: number[]; createdAt: number; paymentMethod?: 'stripe' | 'pay_at_pickup'; status: (typeof groupBuyParticipants.$inferInsert)['status'] }) => {
        const participantId = id('gbp');
        const chosen = items.map((item, i) => ({ ...item, quantity: p.quantities[i] ?? 0 })).filter((i) => i.quantity > 0);
        const total = chosen.reduce((s, i) => s + i.unitPriceFen * i.quantity, 0);
        code += 1;
        this.rows.push(
          this.db.insert(groupBuyParticipants).values({
            id: participantId,
            groupBuyId,
            name: `团员${code}`,
            phone: `1390000${String(code).padStart(4, '0')}`,
            pickupCode: String(100000 + code),
            accessToken: id('tok'),
            status: p.status,
            paymentMethod: p.paymentMethod ?? 'stripe',
            totalFen: total,
            createdAt: p.createdAt,
            updatedAt: p.createdAt,
          }),
        );
        for (const item of chosen) {
          this.rows.push(
            this.db.insert(groupBuyParticipantItems).values({
              id: id('gpi'),
              participantId,
              groupBuyItemId: item.itemId,
              productId: item.product.id,
              quantity: item.quantity,
              unitPriceFen: item.unitPriceFen,
              lineTotalFen: item.unitPriceFen * item.quantity,
            }),
          );
          this.history.lines.push({
            saleKey: participantId,
            cooperativeId: item.product.cooperativeId,
            countyId: item.product.countyId,
            category: item.product.category,
            lineTotalFen: item.unitPriceFen * item.quantity,
            quantity: item.quantity,
          });
        }
        return {
          participantId,
          totalFen: total,
          payment: (at: number, status: PaymentFate = 'succeeded') => this.payment({ participantId }, p.paymentMethod ?? 'stripe', total, at, status),
        };
      },
    };
  }

  /**
   * A payment created pending at `at - 1 minute`; with fate 'succeeded' it turns succeeded at `at`
   * in a batch with the sale rollup, exactly like the payment code.
   */
  private payment(
    owner: { orderId?: string; participantId?: string },
    method: 'stripe' | 'invoice' | 'pay_at_pickup',
    amountFen: number,
    at: number,
    fate: PaymentFate,
  ): { paymentId: string; refund: (r: RefundInput) => string } {
    const paymentId = id('pay');
    const createdAt = at - 60_000;
    this.rows.push(
      this.db.insert(payments).values({
        id: paymentId,
        orderId: owner.orderId ?? null,
        participantId: owner.participantId ?? null,
        method,
        status: fate === 'succeeded' ? 'pending' : fate,
        amountFen,
        createdAt,
        updatedAt: createdAt,
      }),
    );
    const saleKey = (owner.orderId ?? owner.participantId)!;
    if (fate !== 'succeeded') {
      this.history.payments.push({ id: paymentId, saleKey, status: fate, paidAt: null, amountFen });
      return {
        paymentId,
        refund: () => {
          throw new Error('only a succeeded payment can be refunded');
        },
      };
    }
    this.events.push({
      at,
      statements: () => [
        this.db.update(payments).set({ status: 'succeeded', paidAt: at, updatedAt: at }).where(eq(payments.id, paymentId)),
        ...(owner.orderId ? [this.db.update(orders).set({ status: 'paid', paidAt: at, updatedAt: at }).where(eq(orders.id, owner.orderId))] : []),
        ...(owner.participantId
          ? [this.db.update(groupBuyParticipants).set({ status: 'paid', paidAt: at, updatedAt: at }).where(eq(groupBuyParticipants.id, owner.participantId))]
          : []),
        ...salesRollupStatements(this.db, { kind: 'sale', paymentId }),
      ],
      record: () => this.history.payments.push({ id: paymentId, saleKey, status: 'succeeded', paidAt: at, amountFen }),
    });
    return {
      paymentId,
      /**
       * A refund issued at `createdAt`. 'succeeded' is recorded so at once; 'late' is created pending
       * and confirmed at `succeedsAt` (still counting on its creation day); 'pending' and 'failed' never count.
       */
      refund: (r: RefundInput) => {
        const refundId = id('ref');
        const fate = r.fate ?? 'succeeded';
        const row = {
          id: refundId,
          paymentId,
          orderId: owner.orderId ?? null,
          participantId: owner.participantId ?? null,
          amountFen: r.amountFen,
          reason: 'test',
          idempotencyKey: id('idem'),
          createdAt: r.createdAt,
        };
        const refundedUpdate = () => [
          this.db.update(payments).set({ refundedFen: sql`${payments.refundedFen} + ${r.amountFen}` }).where(eq(payments.id, paymentId)),
        ];
        if (fate === 'pending' || fate === 'failed') {
          this.events.push({
            at: r.createdAt,
            statements: () => [this.db.insert(refunds).values({ ...row, status: fate, updatedAt: r.createdAt })],
            record: () => this.history.refunds.push({ id: refundId, paymentId, status: fate, amountFen: r.amountFen, createdAt: r.createdAt }),
          });
        } else if (fate === 'succeeded') {
          this.events.push({
            at: r.createdAt,
            statements: () => [
              this.db.insert(refunds).values({ ...row, status: 'succeeded', updatedAt: r.createdAt }),
              ...refundedUpdate(),
              ...salesRollupStatements(this.db, { kind: 'refund', refundId }),
            ],
            record: () => this.history.refunds.push({ id: refundId, paymentId, status: 'succeeded', amountFen: r.amountFen, createdAt: r.createdAt }),
          });
        } else {
          const succeedsAt = r.succeedsAt ?? r.createdAt + 3 * 86_400_000;
          this.events.push({ at: r.createdAt, statements: () => [this.db.insert(refunds).values({ ...row, status: 'pending', updatedAt: r.createdAt })], record: () => undefined });
          this.events.push({
            at: succeedsAt,
            statements: () => [
              this.db.update(refunds).set({ status: 'succeeded', updatedAt: succeedsAt }).where(eq(refunds.id, refundId)),
              ...refundedUpdate(),
              ...salesRollupStatements(this.db, { kind: 'refund', refundId }),
            ],
            record: () => this.history.refunds.push({ id: refundId, paymentId, status: 'succeeded', amountFen: r.amountFen, createdAt: r.createdAt }),
          });
        }
        return refundId;
      },
    };
  }

  /** Writes the queued rows, then applies every money event in time order, one batch each. */
  async flush(): Promise<SalesHistory> {
    for (let i = 0; i < this.rows.length; i += 100) await runBatch(this.db, this.rows.slice(i, i + 100));
    this.rows = [];
    const events = this.events.sort((a, b) => a.at - b.at);
    this.events = [];
    for (const event of events) {
      await runBatch(this.db, event.statements());
      event.record();
    }
    return this.history;
  }
}

export type PaymentFate = 'succeeded' | 'pending' | 'failed' | 'cancelled';
export type RefundInput = { amountFen: number; createdAt: number; fate?: 'succeeded' | 'late' | 'pending' | 'failed'; succeedsAt?: number };

const DAY = 86_400_000;
/** 2026-01-01 00:00 in Shanghai. */
export const HISTORY_START = Date.UTC(2025, 11, 31, 16);

/** An instant in the history window, often minutes from a Shanghai midnight to test day boundaries. */
function instant(r: ReturnType<typeof rng>, days: number): number {
  const day = HISTORY_START + r.int(0, days - 1) * DAY;
  if (r.chance(0.25)) return day + (r.chance(0.5) ? r.int(0, 10 * 60_000) : DAY - r.int(1, 10 * 60_000));
  return day + r.int(0, DAY - 1);
}

export type GeneratedSales = { history: SalesHistory; counts: Record<string, number> };

/**
 * A deterministic mixed history over `days` days from 2026-01-01: paid, unpaid, cancelled and
 * invoiced orders, failed then retried payments, duplicate payments, full, partial, late, pending
 * and failed refunds, and group buys that formed or failed (refunding their participants).
 */
export async function generateSales(db: Db, options: { seed?: number; orders?: number; groupBuys?: number; days?: number } = {}): Promise<GeneratedSales> {
  const r = rng(options.seed ?? 20260101);
  const days = options.days ?? 180;
  const products = await catalogProducts(db);
  const writer = new SalesWriter(db);
  const counts: Record<string, number> = {};
  const count = (kind: string) => (counts[kind] = (counts[kind] ?? 0) + 1);

  const randomLines = (): LineInput[] => {
    const coops = [...new Set(products.map((p) => p.cooperativeId))];
    const chosenCoops = Array.from({ length: r.int(1, 3) }, () => r.pick(coops));
    const lines: LineInput[] = [];
    const used = new Set<string>();
    for (const coop of chosenCoops) {
      const own = products.filter((p) => p.cooperativeId === coop);
      for (let i = r.int(1, 2); i > 0; i -= 1) {
        const product = r.pick(own);
        if (used.has(product.id)) continue;
        used.add(product.id);
        lines.push({ product, quantity: r.int(1, 30) });
      }
    }
    return lines;
  };

  for (let n = 0; n < (options.orders ?? 120); n += 1) {
    const createdAt = instant(r, days);
    const shipping = r.pick([0, 0, 800, 1500]);
    const roll = r.next();
    if (roll < 0.1) {
      count('unpaid');
      writer.order({ lines: randomLines(), createdAt, shippingFenPerCooperative: shipping }).payment(createdAt + 60_000, 'pending');
    } else if (roll < 0.2) {
      count('cancelled');
      writer.order({ lines: randomLines(), createdAt, status: 'cancelled', shippingFenPerCooperative: shipping }).payment(createdAt + 60_000, 'cancelled');
    } else if (roll < 0.27) {
      count('invoiced-unpaid');
      writer.order({ lines: randomLines(), createdAt, paymentMethod: 'invoice', status: 'invoiced' }).payment(createdAt + 60_000, 'pending');
    } else {
      const invoice = roll < 0.37;
      const order = writer.order({ lines: randomLines(), createdAt, paymentMethod: invoice ? 'invoice' : 'stripe', shippingFenPerCooperative: invoice ? 0 : shipping });
      if (!invoice && r.chance(0.1)) {
        count('failed-then-paid');
        order.payment(createdAt + 30_000, 'failed');
      }
      const paidAt = createdAt + (invoice ? r.int(1, 20) * DAY : r.int(1, 30) * 60_000);
      const payment = order.payment(paidAt);
      count(invoice ? 'invoice-paid' : 'paid');
      if (!invoice && r.chance(0.04)) {
        count('duplicate-payment');
        const duplicate = order.payment(paidAt + 90_000);
        duplicate.refund({ amountFen: order.totalFen, createdAt: paidAt + DAY });
      }
      const refundRoll = r.next();
      const refundAt = paidAt + r.int(1, 25) * DAY + r.int(0, DAY);
      if (refundRoll < 0.08) {
        count('full-refund');
        payment.refund({ amountFen: order.totalFen, createdAt: refundAt });
      } else if (refundRoll < 0.14) {
        count('partial-refund');
        payment.refund({ amountFen: r.int(1, Math.max(1, Math.floor(order.totalFen / 2))), createdAt: refundAt, fate: r.pick(['succeeded', 'late'] as const) });
      } else if (refundRoll < 0.18) {
        count('full-refund-in-two');
        const first = r.int(1, order.totalFen - 1);
        payment.refund({ amountFen: first, createdAt: refundAt });
        payment.refund({ amountFen: order.totalFen - first, createdAt: refundAt + r.int(0, 5) * DAY, fate: r.pick(['succeeded', 'late'] as const) });
      } else if (refundRoll < 0.21) {
        count('refund-pending-or-failed');
        payment.refund({ amountFen: r.int(1, order.totalFen), createdAt: refundAt, fate: r.pick(['pending', 'failed'] as const) });
      }
    }
  }

  for (let g = 0; g < (options.groupBuys ?? 4); g += 1) {
    const createdAt = instant(r, days - 14);
    const failed = g % 2 === 1;
    const chosen = Array.from({ length: r.int(1, 3) }, () => r.pick(products)).filter((p, i, all) => all.findIndex((q) => q.id === p.id) === i);
    const closesAt = createdAt + 7 * DAY;
    const group = writer.groupBuy({ products: chosen, createdAt, closesAt, status: failed ? 'failed' : 'succeeded' });
    count(failed ? 'group-failed' : 'group-succeeded');
    for (let n = r.int(3, 8); n > 0; n -= 1) {
      const joinedAt = createdAt + r.int(1, 6 * 24) * 3_600_000;
      const quantities = chosen.map(() => r.int(0, 4));
      if (!quantities.some((q) => q > 0)) quantities[0] = 1;
      const atPickup = !failed && r.chance(0.3);
      const unpaid = r.chance(0.15);
      const participant = group.participant({
        quantities,
        createdAt: joinedAt,
        paymentMethod: atPickup ? 'pay_at_pickup' : 'stripe',
        status: unpaid ? 'cancelled' : failed ? 'refunded' : atPickup ? 'picked_up' : 'paid',
      });
      count('participant');
      if (unpaid) {
        participant.payment(joinedAt + 60_000, 'cancelled');
        continue;
      }
      // Card and wallet participants pay when they join; pay-at-pickup ones at the desk after the group formed.
      const payment = participant.payment(atPickup ? closesAt + r.int(1, 3) * DAY : joinedAt + 60_000);
      if (failed) payment.refund({ amountFen: participant.totalFen, createdAt: closesAt + 60_000 });
    }
  }
  return { history: await writer.flush(), counts };
}
