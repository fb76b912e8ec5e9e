import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { callJson } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { catalogProducts, SalesWriter, testDb, type CatalogProduct } from '../helpers/impact';
import type { ImpactReport } from '../../src/impact/report';
import { startOfShanghaiDay } from '../../src/lib/time';

/**
 * One rule per test. Each test writes its sales in its own year, and reads the report for that year
 * only, so the tests in this file do not see each other's sales.
 */
let products: CatalogProduct[];
let households: Map<string, number>;

async function report(year: number, extra = ''): Promise<ImpactReport> {
  const { status, body } = await callJson<ImpactReport>(`/api/v1/impact?from=${year}-01-01&to=${year}-12-31${extra}`);
  expect(status).toBe(200);
  return body;
}

/** Two products of different cooperatives in different counties. */
function twoCooperatives(): [CatalogProduct, CatalogProduct] {
  const a = products[0]!;
  const b = products.find((p) => p.cooperativeId !== a.cooperativeId && p.countyId !== a.countyId)!;
  return [a, b];
}

const at = (day: string, hh = 10, mm = 0) => startOfShanghaiDay(day) + (hh * 60 + mm) * 60_000;

beforeAll(async () => {
  await seedDatabase();
  const db = testDb();
  products = await catalogProducts(db);
  const rows = await db.all<{ id: string; households: number }>(sql`SELECT id, households_benefited AS households FROM organization WHERE kind = 'cooperative'`);
  households = new Map(rows.map((r) => [r.id, r.households]));
});

describe('what the impact report counts', () => {
  it('Should count a paid order’s goods without its shipping, once per cooperative', async () => {
    const [a, b] = twoCooperatives();
    const writer = new SalesWriter(testDb());
    writer.order({ lines: [{ product: a, quantity: 3 }, { product: b, quantity: 2 }], createdAt: at('2030-03-01'), shippingFenPerCooperative: 1200 }).payment(at('2030-03-01', 11));
    await writer.flush();
    const r = await report(2030);
    expect(r.totals.salesFen).toBe(a.unitPriceFen * 3 + b.unitPriceFen * 2);
    expect(r.totals.refundsFen).toBe(0);
    expect(r.totals.orders).toBe(2);
    expect(r.totals.cooperatives).toBe(2);
    expect(r.totals.households).toBe(households.get(a.cooperativeId)! + households.get(b.cooperativeId)!);
    expect(r.byCounty.map((c) => [c.countyId, c.salesFen]).sort()).toEqual(
      [[a.countyId, a.unitPriceFen * 3], [b.countyId, b.unitPriceFen * 2]].sort(),
    );
  });

  it('Should not count unpaid, cancelled, failed or invoiced-but-unpaid orders', async () => {
    const [a] = twoCooperatives();
    const writer = new SalesWriter(testDb());
    writer.order({ lines: [{ product: a, quantity: 1 }], createdAt: at('2031-02-01') }).payment(at('2031-02-01', 11), 'pending');
    writer.order({ lines: [{ product: a, quantity: 1 }], createdAt: at('2031-02-02'), status: 'cancelled' }).payment(at('2031-02-02', 11), 'cancelled');
    writer.order({ lines: [{ product: a, quantity: 1 }], createdAt: at('2031-02-03') }).payment(at('2031-02-03', 11), 'failed');
    writer.order({ lines: [{ product: a, quantity: 1 }], createdAt: at('2031-02-04'), paymentMethod: 'invoice', status: 'invoiced' }).payment(at('2031-02-04', 11), 'pending');
    await writer.flush();
    const r = await report(2031);
    expect(r.totals).toEqual({ salesFen: 0, refundsFen: 0, orders: 0, households: 0, cooperatives: 0 });
    expect(r.byCounty).toEqual([]);
    expect(r.byMonth).toEqual([]);
  });

  it('Should count an invoiced order when its transfer is confirmed, on that day', async () => {
    const [a] = twoCooperatives();
    const writer = new SalesWriter(testDb());
    writer.order({ lines: [{ product: a, quantity: 4 }], createdAt: at('2032-01-20'), paymentMethod: 'invoice', status: 'invoiced' }).payment(at('2032-02-18'));
    await writer.flush();
    const r = await report(2032);
    expect(r.byMonth.map((m) => [m.month, m.salesFen])).toEqual([['2032-02', a.unitPriceFen * 4]]);
  });

  it('Should count a sale on the Shanghai calendar day it was paid, across midnight', async () => {
    const [a] = twoCooperatives();
    const writer = new SalesWriter(testDb());
    // 23:59 on 31 March and 00:01 on 1 April in Shanghai (15:59 and 16:01 UTC on 31 March).
    writer.order({ lines: [{ product: a, quantity: 1 }], createdAt: at('2033-03-31', 23, 0) }).payment(at('2033-03-31', 23, 59));
    writer.order({ lines: [{ product: a, quantity: 2 }], createdAt: at('2033-03-31', 23, 30) }).payment(at('2033-04-01', 0, 1));
    await writer.flush();
    const r = await report(2033);
    expect(r.byMonth.map((m) => [m.month, m.salesFen])).toEqual([
      ['2033-03', a.unitPriceFen],
      ['2033-04', a.unitPriceFen * 2],
    ]);
    const lastDayOfMarch = await callJson<ImpactReport>('/api/v1/impact?from=2033-03-31&to=2033-03-31');
    expect(lastDayOfMarch.body.totals.salesFen).toBe(a.unitPriceFen);
  });

  it('Should count a second succeeded payment of the same order as a duplicate, and ignore its refund', async () => {
    const [a] = twoCooperatives();
    const writer = new SalesWriter(testDb());
    const order = writer.order({ lines: [{ product: a, quantity: 5 }], createdAt: at('2034-05-01') });
    order.payment(at('2034-05-01', 11));
    order.payment(at('2034-05-01', 12)).refund({ amountFen: order.totalFen, createdAt: at('2034-05-02') });
    await writer.flush();
    const r = await report(2034);
    expect(r.totals).toMatchObject({ salesFen: a.unitPriceFen * 5, refundsFen: 0, orders: 1, cooperatives: 1 });
  });

  it('Should share a partial refund over the cooperatives in proportion, shipping included in the base', async () => {
    const [a, b] = twoCooperatives();
    const writer = new SalesWriter(testDb());
    // Goods 6,000 + 4,000 fen, shipping 2 × 500: a refund of 5,500 is half the payment.
    const order = writer.order({
      lines: [{ product: a, quantity: 1, unitPriceFen: 6000 }, { product: b, quantity: 1, unitPriceFen: 4000 }],
      createdAt: at('2035-06-01'),
      shippingFenPerCooperative: 500,
    });
    order.payment(at('2035-06-01', 11)).refund({ amountFen: 5500, createdAt: at('2035-07-03') });
    await writer.flush();
    const r = await report(2035);
    const byCounty = new Map(r.byCounty.map((c) => [c.countyId, c]));
    expect(byCounty.get(a.countyId)).toMatchObject({ salesFen: 3000, refundsFen: 3000, orders: 1 });
    expect(byCounty.get(b.countyId)).toMatchObject({ salesFen: 2000, refundsFen: 2000, orders: 1 });
    // The refund lands in the month it was issued: June is gross, July carries the refund.
    expect(r.byMonth.map((m) => [m.month, m.salesFen, m.refundsFen])).toEqual([
      ['2035-06', 10000, 0],
      ['2035-07', -5000, 5000],
    ]);
  });

  it('Should take a fully refunded order out of orders, cooperatives and households', async () => {
    const [a, b] = twoCooperatives();
    const writer = new SalesWriter(testDb());
    const refunded = writer.order({ lines: [{ product: a, quantity: 2 }], createdAt: at('2036-02-01'), shippingFenPerCooperative: 800 });
    const payment = refunded.payment(at('2036-02-01', 11));
    // Refunded in two parts; the second completes it.
    payment.refund({ amountFen: 1000, createdAt: at('2036-02-05') });
    payment.refund({ amountFen: refunded.totalFen - 1000, createdAt: at('2036-02-09') });
    writer.order({ lines: [{ product: b, quantity: 1 }], createdAt: at('2036-02-02') }).payment(at('2036-02-02', 11));
    await writer.flush();
    const r = await report(2036);
    expect(r.totals).toEqual({
      salesFen: b.unitPriceFen,
      refundsFen: a.unitPriceFen * 2,
      orders: 1,
      cooperatives: 1,
      households: households.get(b.cooperativeId)!,
    });
    // Before the refunds, the order still counted.
    const beforeRefunds = await callJson<ImpactReport>('/api/v1/impact?from=2036-02-01&to=2036-02-04');
    expect(beforeRefunds.body.totals).toMatchObject({ orders: 2, cooperatives: 2 });
  });

  it('Should count a refund on the day it was issued even when the provider confirms it later, and never a pending or failed one', async () => {
    const [a] = twoCooperatives();
    const writer = new SalesWriter(testDb());
    const order = writer.order({ lines: [{ product: a, quantity: 10, unitPriceFen: 1000 }], createdAt: at('2037-01-10') });
    const payment = order.payment(at('2037-01-10', 11));
    payment.refund({ amountFen: 1500, createdAt: at('2037-01-31', 20), fate: 'late', succeedsAt: at('2037-02-03') });
    payment.refund({ amountFen: 700, createdAt: at('2037-01-12'), fate: 'pending' });
    payment.refund({ amountFen: 900, createdAt: at('2037-01-13'), fate: 'failed' });
    await writer.flush();
    const r = await report(2037);
    expect(r.byMonth.map((m) => [m.month, m.salesFen, m.refundsFen])).toEqual([['2037-01', 10000 - 1500, 1500]]);
  });

  it('Should count paid group-buy participants and net out a failed group’s refunds', async () => {
    const [a, b] = twoCooperatives();
    const writer = new SalesWriter(testDb());
    const formed = writer.groupBuy({ products: [a, b], createdAt: at('2038-04-01'), closesAt: at('2038-04-08'), status: 'succeeded' });
    formed.participant({ quantities: [2, 1], createdAt: at('2038-04-02'), status: 'paid' }).payment(at('2038-04-02', 11));
    formed.participant({ quantities: [1, 0], createdAt: at('2038-04-03'), paymentMethod: 'pay_at_pickup', status: 'picked_up' }).payment(at('2038-04-10'));
    formed.participant({ quantities: [3, 3], createdAt: at('2038-04-03'), status: 'cancelled' }).payment(at('2038-04-03', 11), 'cancelled');
    const failed = writer.groupBuy({ products: [a], createdAt: at('2038-05-01'), closesAt: at('2038-05-08'), status: 'failed' });
    const joined = failed.participant({ quantities: [4], createdAt: at('2038-05-02'), status: 'refunded' });
    joined.payment(at('2038-05-02', 11)).refund({ amountFen: joined.totalFen, createdAt: at('2038-05-08', 0, 1) });
    await writer.flush();
    const groupPrice = (p: CatalogProduct) => Math.max(1, Math.round(p.unitPriceFen * 0.9));
    const r = await report(2038);
    expect(r.totals.salesFen).toBe(groupPrice(a) * 3 + groupPrice(b));
    // Participant 1 buys from both cooperatives (2 cooperative orders), participant 2 from one.
    expect(r.totals.orders).toBe(3);
    expect(r.byMonth.find((m) => m.month === '2038-05')).toMatchObject({ salesFen: 0, refundsFen: groupPrice(a) * 4, orders: 0, cooperatives: 0 });
  });

  it('Should count orders per category under a category filter and in byCategory', async () => {
    const a = products.find((p) => products.some((q) => q.cooperativeId === p.cooperativeId && q.category !== p.category))!;
    const other = products.find((p) => p.cooperativeId === a.cooperativeId && p.category !== a.category)!;
    const writer = new SalesWriter(testDb());
    writer.order({ lines: [{ product: a, quantity: 1 }, { product: other, quantity: 1 }], createdAt: at('2039-01-05') }).payment(at('2039-01-05', 11));
    await writer.flush();
    const all = await report(2039);
    expect(all.totals.orders).toBe(1);
    expect(all.byCategory.map((c) => [c.category, c.orders]).sort()).toEqual([[a.category, 1], [other.category, 1]].sort());
    const one = await report(2039, `&category=${other.category}`);
    expect(one.totals).toMatchObject({ salesFen: other.unitPriceFen, orders: 1, cooperatives: 1 });
  });
});
