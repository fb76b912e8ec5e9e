/**
 * An independent, in-memory implementation of the impact rules (src/impact/sales-events.ts) in plain
 * TypeScript: the oracle the tests hold the SQL rollup and recomputation to, and what the scale
 * generator (test/bench/generate-scale.ts) uses to write `sales_daily` for 100,000 orders.
 * Pure: no database, no Workers APIs, so it runs in workerd and in Node alike.
 */
import { shanghaiDay } from '../../src/lib/time';

export type LedgerPayment = {
  id: string;
  /** The order id or participant id the payment is for. */
  saleKey: string;
  status: string;
  paidAt: number | null;
  amountFen: number;
};

export type LedgerLine = {
  saleKey: string;
  cooperativeId: string;
  countyId: string;
  category: string;
  lineTotalFen: number;
  quantity: number;
};

export type LedgerRefund = { id: string; paymentId: string; status: string; amountFen: number; createdAt: number };

export type LedgerRow = {
  day: string;
  cooperativeId: string;
  countyId: string;
  districtId: string;
  category: string;
  salesFen: number;
  refundsFen: number;
  orders: number;
  categoryOrders: number;
  units: number;
};

type Bucket = { cooperativeId: string; countyId: string; category: string; goodsFen: number; units: number; coopOrder: number };

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The first succeeded payment of each sale key, by (paidAt, id). */
function salePayments(payments: LedgerPayment[]): LedgerPayment[] {
  const first = new Map<string, LedgerPayment>();
  for (const p of payments) {
    if (p.status !== 'succeeded' || p.paidAt === null) continue;
    const seen = first.get(p.saleKey);
    if (!seen || p.paidAt < seen.paidAt! || (p.paidAt === seen.paidAt && p.id < seen.id)) first.set(p.saleKey, p);
  }
  return [...first.values()];
}

function bucketsOf(lines: LedgerLine[]): Bucket[] {
  const byKey = new Map<string, Bucket>();
  for (const line of lines) {
    const key = `${line.cooperativeId}\u0000${line.category}`;
    const bucket = byKey.get(key) ?? { cooperativeId: line.cooperativeId, countyId: line.countyId, category: line.category, goodsFen: 0, units: 0, coopOrder: 0 };
    bucket.goodsFen += line.lineTotalFen;
    bucket.units += line.quantity;
    if (line.countyId > bucket.countyId) bucket.countyId = line.countyId;
    byKey.set(key, bucket);
  }
  const buckets = [...byKey.values()].sort((a, b) => compare(a.cooperativeId, b.cooperativeId) || compare(a.category, b.category));
  const seenCoops = new Set<string>();
  for (const bucket of buckets) {
    if (!seenCoops.has(bucket.cooperativeId)) bucket.coopOrder = 1;
    seenCoops.add(bucket.cooperativeId);
  }
  return buckets;
}

/** Each bucket's share of a refund: cumulative floor over the goods, base = max(paid, goods). */
export function refundShares(goods: number[], paidFen: number, amountFen: number): number[] {
  const goodsTotal = goods.reduce((a, b) => a + b, 0);
  const base = BigInt(Math.max(paidFen, goodsTotal));
  const amount = BigInt(amountFen);
  let cumulative = 0n;
  return goods.map((g) => {
    const before = (amount * cumulative) / base;
    cumulative += BigInt(g);
    return Number((amount * cumulative) / base - before);
  });
}

/** `sales_daily` as the rules define it, sorted by (day, cooperativeId, category). */
export function ledgerSalesDaily(input: {
  payments: LedgerPayment[];
  lines: LedgerLine[];
  refunds: LedgerRefund[];
  districtOfCounty: Map<string, string | null>;
}): LedgerRow[] {
  const rows = new Map<string, LedgerRow>();
  const add = (day: string, b: Bucket, delta: Pick<LedgerRow, 'salesFen' | 'refundsFen' | 'orders' | 'categoryOrders' | 'units'>) => {
    const key = `${day}\u0000${b.cooperativeId}\u0000${b.category}`;
    const row = rows.get(key) ?? {
      day,
      cooperativeId: b.cooperativeId,
      countyId: b.countyId,
      districtId: input.districtOfCounty.get(b.countyId) ?? '',
      category: b.category,
      salesFen: 0,
      refundsFen: 0,
      orders: 0,
      categoryOrders: 0,
      units: 0,
    };
    row.salesFen += delta.salesFen;
    row.refundsFen += delta.refundsFen;
    row.orders += delta.orders;
    row.categoryOrders += delta.categoryOrders;
    row.units += delta.units;
    if (b.countyId > row.countyId) {
      row.countyId = b.countyId;
      row.districtId = input.districtOfCounty.get(b.countyId) ?? '';
    }
    rows.set(key, row);
  };

  const linesByKey = new Map<string, LedgerLine[]>();
  for (const line of input.lines) linesByKey.set(line.saleKey, [...(linesByKey.get(line.saleKey) ?? []), line]);
  const refundsByPayment = new Map<string, LedgerRefund[]>();
  for (const refund of input.refunds) {
    if (refund.status !== 'succeeded') continue;
    refundsByPayment.set(refund.paymentId, [...(refundsByPayment.get(refund.paymentId) ?? []), refund]);
  }

  for (const payment of salePayments(input.payments)) {
    const buckets = bucketsOf(linesByKey.get(payment.saleKey) ?? []);
    if (buckets.length === 0) continue;
    const saleDay = shanghaiDay(payment.paidAt!);
    for (const b of buckets) add(saleDay, b, { salesFen: b.goodsFen, refundsFen: 0, orders: b.coopOrder, categoryOrders: 1, units: b.units });

    const refunds = refundsByPayment.get(payment.id) ?? [];
    const refundedPerBucket = buckets.map(() => 0);
    for (const refund of refunds) {
      const shares = refundShares(buckets.map((b) => b.goodsFen), payment.amountFen, refund.amountFen);
      buckets.forEach((b, i) => {
        refundedPerBucket[i]! += shares[i]!;
        add(shanghaiDay(refund.createdAt), b, { salesFen: 0, refundsFen: shares[i]!, orders: 0, categoryOrders: 0, units: 0 });
      });
    }
    const refunded = refunds.reduce((sum, r) => sum + r.amountFen, 0);
    if (refunds.length && refunded >= payment.amountFen) {
      // Refunded in full: counts taken back, and every bucket's refunds made exactly its goods.
      const lastDay = shanghaiDay(Math.max(...refunds.map((r) => r.createdAt)));
      buckets.forEach((b, i) =>
        add(lastDay, b, { salesFen: 0, refundsFen: b.goodsFen - refundedPerBucket[i]!, orders: -b.coopOrder, categoryOrders: -1, units: -b.units }),
      );
    }
  }
  return [...rows.values()].sort((a, b) => compare(a.day, b.day) || compare(a.cooperativeId, b.cooperativeId) || compare(a.category, b.category));
}
