import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/lib/csv';
import { runBatch } from '../../src/db/batch';
import { createDb } from '../../src/db/client';
import { auditEntry } from '../../src/lib/audit';
import { applyRateBp } from '../../src/lib/money';
import { isGuardFailure, stillIssuedGuard } from '../../src/settlements/settlements.service';
import { DAY_MS, startOfShanghaiDay } from '../../src/lib/time';
import { coops } from '../helpers/cooperatives';
import { createFormedGroupBuy, createOrder, createRefund, type OrderPart } from '../helpers/fulfilment';
import { call, callJson, demoToken } from '../helpers/http';
import { rng } from '../helpers/rng';
import { seedDatabase } from '../helpers/seed';

/**
 * A generated month of business (March 2026, Asia/Shanghai): orders over several cooperatives with
 * shipping, partial refunds, cancelled-and-refunded orders, refunds still pending or failed, formed
 * group buys picked up at the showroom with participant refunds, and April deliveries that belong
 * to the next statement. Deterministic: a seeded PRNG drives every choice.
 */
const MARCH = startOfShanghaiDay('2026-03-01');
const APRIL = startOfShanghaiDay('2026-04-01');
const SHOWROOM = 'org_lijiang_showroom_yangpu';
const FEE_BP = 150;
const COMMISSION_BP = 300;

let admin: string;
let staffA: string;
let staffB: string;
const month = { paymentsFen: 0, refundsFen: 0, orders: 0, groupBuys: 0, refundCount: 0, marchShipments: new Set<string>(), aprilShipments: new Set<string>(), cancelledRefundIds: [] as string[] };

type Statement = { id: string; cooperativeId: string; grossFen: number; refundsFen: number; feeFen: number; commissionFen: number; netFen: number; status: string };
let march: Statement[] = [];

beforeAll(async () => {
  await seedDatabase();
  [admin, staffA, staffB] = await Promise.all([demoToken('admin'), demoToken('coopStaffA'), demoToken('coopStaffB')]);
  const settings = await callJson('/api/v1/admin/settings', { method: 'PATCH', token: admin, json: { platformFeeRateBp: FEE_BP, pickupCommissionRateBp: COMMISSION_BP } });
  expect(settings.status).toBe(200);

  const rows = (await env.DB.prepare("SELECT id, cooperative_id AS coop, unit_price_fen AS price FROM products WHERE status = 'published' ORDER BY id").all<{ id: string; coop: string; price: number }>()).results;
  const byCoop = new Map<string, string[]>();
  for (const r of rows) byCoop.set(r.coop, [...(byCoop.get(r.coop) ?? []), r.id]);
  const coopIds = [...byCoop.keys()];
  const rand = rng(20260301).next;
  const pick = <T,>(list: T[]) => list[Math.floor(rand() * list.length)]!;
  const inMarch = () => MARCH + Math.floor(rand() * (APRIL - MARCH - 1));

  const parts = (): OrderPart[] => {
    const chosen = new Set<string>([coops.a]);
    const extra = Math.floor(rand() * 3);
    for (let i = 0; i < extra; i++) chosen.add(pick(coopIds));
    return [...chosen].map((coop) => ({
      lines: [...new Set([pick(byCoop.get(coop)!), pick(byCoop.get(coop)!)])].map((productId) => ({ productId, quantity: 1 + Math.floor(rand() * 30) })),
      shippingFen: pick([0, 800, 1200, 1500]),
      status: 'delivered' as const,
    }));
  };

  for (let i = 0; i < 60; i++) {
    const at = inMarch();
    const pickup = rand() < 0.25;
    const order = await createOrder({ at, parts: parts(), pickupOrganizationId: pickup ? SHOWROOM : null, organizationId: rand() < 0.3 ? 'org_baoshan_canteen' : null, paymentMethod: pick(['stripe', 'invoice', 'pay_at_pickup'] as const) });
    month.orders += 1;
    month.paymentsFen += order.totalFen;
    order.shipmentIds.forEach((id) => month.marchShipments.add(id));
    if (rand() < 0.3) {
      const amount = 1 + Math.floor(rand() * order.totalFen);
      await createRefund({ paymentId: order.paymentId!, orderId: order.orderId, amountFen: amount, at: Math.min(at + DAY_MS, APRIL - 1) });
      month.refundsFen += amount;
      month.refundCount += 1;
    }
    if (i % 20 === 0) {
      // Refunds that did not (yet) move money are not charged to anyone.
      await createRefund({ paymentId: order.paymentId!, orderId: order.orderId, amountFen: 100, at, status: i === 0 ? 'pending' : 'failed' });
    }
  }
  // Orders cancelled after payment: their shipments never left, the refund never touches a cooperative.
  for (let i = 0; i < 4; i++) {
    const order = await createOrder({ at: inMarch(), status: 'cancelled', parts: parts().map((p) => ({ ...p, status: 'cancelled' })) });
    month.cancelledRefundIds.push(await createRefund({ paymentId: order.paymentId!, orderId: order.orderId, amountFen: order.totalFen, at: inMarch() }));
  }
  // Formed group buys picked up at the showroom.
  for (let g = 0; g < 3; g++) {
    const at = inMarch();
    const products = [pick(byCoop.get(coops.a)!), pick(byCoop.get(pick(coopIds))!)];
    const gb = await createFormedGroupBuy({
      organizerOrganizationId: SHOWROOM,
      pickupOrganizationId: SHOWROOM,
      at,
      shipmentStatus: 'delivered',
      participants: Array.from({ length: 5 }, () => products.map((productId) => ({ productId, quantity: 1 + Math.floor(rand() * 4) }))),
    });
    month.groupBuys += 1;
    gb.shipmentIds.forEach((id) => month.marchShipments.add(id));
    for (const p of gb.participants) month.paymentsFen += p.totalFen;
    const refunded = gb.participants[g]!;
    const amount = Math.ceil(refunded.totalFen / 3);
    await createRefund({ paymentId: refunded.paymentId, participantId: refunded.participantId, amountFen: amount, at: Math.min(at + DAY_MS, APRIL - 1) });
    month.refundsFen += amount;
    month.refundCount += 1;
  }
  // Delivered in April: next month's statement.
  for (let i = 0; i < 5; i++) {
    const order = await createOrder({ at: APRIL + i * DAY_MS, parts: parts() });
    order.shipmentIds.forEach((id) => month.aprilShipments.add(id));
  }

  const generated = await callJson('/api/v1/admin/settlements', { method: 'POST', token: admin, json: { periodStart: '2026-03-01', periodEnd: '2026-03-31' } });
  expect(generated.status).toBe(201);
  march = generated.body.items;
}, 120_000);

const sum = (list: number[]) => list.reduce((a, b) => a + b, 0);

describe('a generated month of settlements', () => {
  it("Should balance to the fen: buyers' payments = Σ net + fees + commissions + refunds", () => {
    expect(march.length).toBeGreaterThan(3);
    const net = sum(march.map((s) => s.netFen));
    const fees = sum(march.map((s) => s.feeFen));
    const commissions = sum(march.map((s) => s.commissionFen));
    const refunds = sum(march.map((s) => s.refundsFen));
    expect(refunds).toBe(month.refundsFen);
    expect(net + fees + commissions + refunds).toBe(month.paymentsFen);
    expect(sum(march.map((s) => s.grossFen))).toBe(month.paymentsFen);
    console.info(
      `settlement balance: ${month.orders} orders + ${month.groupBuys} group buys, ${month.refundCount} refunds, ${march.length} statements — payments ${month.paymentsFen} fen = net ${net} + fees ${fees} + commissions ${commissions} + refunds ${refunds}`,
    );
  });

  it('Should trace every fen: each statement is the sum of its lines, each March shipment sold exactly once', async () => {
    const sold = new Map<string, number>();
    for (const s of march) {
      const { body } = await callJson(`/api/v1/settlements/${s.id}`, { token: admin });
      const lines = body.lines as { kind: string; amountFen: number; shipmentId: string | null; refundId: string | null; beneficiaryOrganizationId: string | null }[];
      const of = (kind: string) => sum(lines.filter((l) => l.kind === kind).map((l) => l.amountFen));
      expect(sum(lines.map((l) => l.amountFen))).toBe(s.netFen);
      expect(of('sale')).toBe(s.grossFen);
      expect(of('refund') + s.refundsFen).toBe(0);
      expect(of('fee') + s.feeFen).toBe(0);
      expect(of('commission') + s.commissionFen).toBe(0);
      expect(s.feeFen).toBe(applyRateBp(s.grossFen, FEE_BP));
      expect(s.netFen).toBe(s.grossFen - s.refundsFen - s.feeFen - s.commissionFen);
      for (const line of lines.filter((l) => l.kind === 'sale')) sold.set(line.shipmentId!, (sold.get(line.shipmentId!) ?? 0) + 1);
      for (const line of lines.filter((l) => l.kind === 'commission')) expect(line.beneficiaryOrganizationId).toBe(SHOWROOM);
      for (const line of lines.filter((l) => l.kind === 'refund')) expect(month.cancelledRefundIds).not.toContain(line.refundId);
    }
    expect(new Set(sold.keys())).toEqual(month.marchShipments);
    expect([...sold.values()].every((n) => n === 1)).toBe(true);
    expect(sum(march.map((s) => s.commissionFen))).toBeGreaterThan(0);
  });

  it('Should not double count when the same period is generated again', async () => {
    const again = await callJson('/api/v1/admin/settlements', { method: 'POST', token: admin, json: { periodStart: MARCH, periodEnd: APRIL } });
    expect(again.status).toBe(201);
    expect(again.body.items).toEqual([]);
    expect(again.body.skippedCooperativeIds.sort()).toEqual(march.map((s) => s.cooperativeId).sort());
    const count = await env.DB.prepare('SELECT count(*) AS n FROM settlements').first<{ n: number }>();
    expect(count!.n).toBe(march.length);
  });

  it('Should count each shipment and refund share once even across overlapping periods', async () => {
    const overlapping = await callJson('/api/v1/admin/settlements', { method: 'POST', token: admin, json: { periodStart: '2026-03-15', periodEnd: '2026-04-30' } });
    expect(overlapping.status).toBe(201);
    const sales = await env.DB.prepare("SELECT shipment_id, count(*) AS n FROM settlement_lines WHERE kind = 'sale' GROUP BY shipment_id HAVING n > 1").all();
    expect(sales.results).toEqual([]);
    const refundShares = await env.DB.prepare("SELECT refund_id, shipment_id, count(*) AS n FROM settlement_lines WHERE kind = 'refund' GROUP BY refund_id, shipment_id HAVING n > 1").all();
    expect(refundShares.results).toEqual([]);
    const aprilSold = await env.DB.prepare("SELECT shipment_id FROM settlement_lines l JOIN settlements s ON s.id = l.settlement_id WHERE l.kind = 'sale' AND s.period_start = ?").bind(startOfShanghaiDay('2026-03-15')).all<{ shipment_id: string }>();
    expect(new Set(aprilSold.results.map((r) => r.shipment_id))).toEqual(month.aprilShipments);
  });

  it.each([
    ['a period that has not ended', { periodStart: '2026-03-01', periodEnd: Date.now() + DAY_MS }],
    ['an end before the start', { periodStart: '2026-03-10', periodEnd: '2026-03-01' }],
    ['an impossible date', { periodStart: '2026-02-30', periodEnd: '2026-03-31' }],
    ['a missing end', { periodStart: '2026-03-01' }],
  ])('Should refuse %s with 400', async (_label, json) => {
    expect((await callJson('/api/v1/admin/settlements', { method: 'POST', token: admin, json })).status).toBe(400);
  });

  it('Should let only admins generate statements and change settings', async () => {
    expect((await callJson('/api/v1/admin/settlements', { method: 'POST', token: staffA, json: { periodStart: '2026-02-01', periodEnd: '2026-02-28' } })).status).toBe(403);
    expect((await callJson('/api/v1/admin/settings', { method: 'PATCH', token: staffA, json: { platformFeeRateBp: 0 } })).status).toBe(403);
    expect((await callJson('/api/v1/admin/settings', { method: 'PATCH', token: admin, json: { platformFeeRateBp: -1 } })).status).toBe(400);
    const audit = await env.DB.prepare("SELECT after FROM audit_log WHERE action = 'settings.update'").all<{ after: string }>();
    expect(JSON.parse(audit.results[0]!.after)).toMatchObject({ platformFeeRateBp: FEE_BP, pickupCommissionRateBp: COMMISSION_BP });
  });
});

describe('reading statements', () => {
  const ownOf = (coop: string) => march.find((s) => s.cooperativeId === coop)!;

  it('Should show a cooperative its own statements and 404 for anyone else', async () => {
    const a = ownOf(coops.a);
    const own = await callJson(`/api/v1/settlements?cooperativeId=${coops.a}`, { token: staffA });
    expect(own.status).toBe(200);
    expect(own.body.items.every((s: Statement) => s.cooperativeId === coops.a)).toBe(true);
    expect(own.body.items.map((s: Statement) => s.id)).toContain(a.id);
    expect((await callJson(`/api/v1/settlements/${a.id}`, { token: staffA })).status).toBe(200);
    expect((await callJson(`/api/v1/settlements/${a.id}`, { token: staffB })).status).toBe(404);
    expect((await call(`/api/v1/settlements/${a.id}.csv`, { token: staffB })).status).toBe(404);
    expect((await callJson(`/api/v1/settlements?cooperativeId=${coops.a}`, { token: staffB })).status).toBe(404);
    expect((await callJson('/api/v1/settlements', { token: staffA })).status).toBe(403);
    const all = await callJson('/api/v1/settlements?limit=100', { token: admin });
    expect(all.body.items.length).toBeGreaterThanOrEqual(march.length);
  });

  it('Should export a statement as CSV whose amounts add up to its net', async () => {
    const a = ownOf(coops.a);
    for (const res of [await call(`/api/v1/settlements/${a.id}.csv`, { token: staffA }), await call(`/api/v1/settlements/${a.id}`, { token: staffA, headers: { accept: 'text/csv' } })]) {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/csv');
      const rows = parseCsv(await res.text());
      const amount = rows[0]!.indexOf('amountFen');
      expect(sum(rows.slice(1).map((r) => Number(r[amount])))).toBe(a.netFen);
    }
  });
});

describe('paying a statement', () => {
  it('Should record the bank reference once, audited, and refuse a second payment with 409', async () => {
    const s = march.find((x) => x.cooperativeId === coops.b) ?? march[1]!;
    expect((await callJson(`/api/v1/admin/settlements/${s.id}/paid`, { method: 'POST', token: staffB, json: { bankReference: 'CMB-0001' } })).status).toBe(403);
    const paid = await callJson(`/api/v1/admin/settlements/${s.id}/paid`, { method: 'POST', token: admin, json: { bankReference: 'CMB-20260405-0001' } });
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ status: 'paid', bankReference: 'CMB-20260405-0001' });
    const twice = await callJson(`/api/v1/admin/settlements/${s.id}/paid`, { method: 'POST', token: admin, json: { bankReference: 'CMB-20260405-0002' } });
    expect(twice.status).toBe(409);
    const row = await env.DB.prepare('SELECT bank_reference FROM settlements WHERE id = ?').bind(s.id).first<{ bank_reference: string }>();
    expect(row!.bank_reference).toBe('CMB-20260405-0001');
    const audit = await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'settlement.paid' AND entity_id = ?").bind(s.id).first<{ n: number }>();
    expect(audit!.n).toBe(1);
  });

  it('Should let only one of two simultaneous payments through, with one audit row', async () => {
    const s = march.find((x) => x.status === 'issued' && x.cooperativeId !== coops.b)!;
    const results = await Promise.all(
      ['REF-A-0001', 'REF-B-0002'].map((bankReference) => callJson(`/api/v1/admin/settlements/${s.id}/paid`, { method: 'POST', token: admin, json: { bankReference } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const audit = await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'settlement.paid' AND entity_id = ?").bind(s.id).first<{ n: number }>();
    expect(audit!.n).toBe(1);
  });

  it('Should roll back the audit row when the statement stopped being issued before the batch ran', async () => {
    const paidOne = march.find((x) => x.cooperativeId === coops.b) ?? march[1]!;
    const db = createDb(env.DB);
    const attempt = runBatch(db, [
      stillIssuedGuard(db, paidOne.id, 'settlement_not_issued'),
      auditEntry(db, { actor: null, action: 'settlement.paid.test', entityType: 'settlement', entityId: paidOne.id }),
    ]);
    const error = await attempt.then(() => null, (e: unknown) => e);
    expect(isGuardFailure(error, 'settlement_not_issued')).toBe(true);
    const audit = await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'settlement.paid.test'").first<{ n: number }>();
    expect(audit!.n).toBe(0);
  });

  it('Should answer 404 for an unknown statement', async () => {
    expect((await callJson('/api/v1/admin/settlements/stl_nothing/paid', { method: 'POST', token: admin, json: { bankReference: 'X-0001' } })).status).toBe(404);
  });
});

