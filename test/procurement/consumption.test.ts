import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { startOfShanghaiDay } from '../../src/lib/time';
import { addMember } from '../helpers/accounts';
import { call, callJson, demoToken } from '../helpers/http';
import { CANTEEN, makeCooperative, makeProduct, pickupAtShowroom, rows } from '../helpers/orders';
import { canteenTokens, placeCanteenOrder } from '../helpers/procurement';
import { seedDatabase } from '../helpers/seed';

/**
 * The consumption-assistance ledger must add up to the orders and group buys underneath it. The test
 * builds a year of activity for the canteen — invoiced, paid, partly refunded, cancelled, unpaid,
 * last year's, with shipping — plus group buys, and checks every total against the rows themselves.
 */

let tokens: Awaited<ReturnType<typeof canteenTokens>>;
const counties: string[] = [];
let tea: string; // county A, shipping ¥10 per order below ¥500
let ham: string; // county B
let rice: string; // county B
const YEAR = Number(new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 4));
const consumption = (query = '', token?: string) => callJson(`/api/v1/organizations/${CANTEEN}/consumption${query}`, { token: token ?? tokens.owner });

async function coopIn(countyId: string) {
  const coop = await makeCooperative({ shippingFlatFeeFen: 1000, freeShippingAboveFen: 50_000 });
  await env.DB.prepare('UPDATE organization SET county_id = ? WHERE id = ?').bind(countyId, coop).run();
  return coop;
}

/** A group buy organised by `organizer` with participants (status, line totals, refunded), inserted as the group-buy service would leave it. */
async function groupBuy(organizer: string, status: 'succeeded' | 'failed' | 'open', closedAt: number, participants: { status: string; lines: { productId: string; quantity: number; unitPriceFen: number }[]; refundedFen?: number }[]) {
  const id = `gb_test_${crypto.randomUUID().slice(0, 8)}`;
  const statements = [
    env.DB.prepare(
      `INSERT INTO group_buys (id, short_code, organizer_organization_id, created_by_user_id, title, pickup_organization_id, closes_at, status, closed_at, created_at, updated_at)
       VALUES (?, ?, ?, 'usr_demo_canteenOwner', '食堂团购', ?, ?, ?, ?, ?, ?)`,
    ).bind(id, id.slice(-8), organizer, organizer, closedAt, status, status === 'open' ? null : closedAt, closedAt - 86_400_000, closedAt),
  ];
  participants.forEach((p, i) => {
    const pid = `${id}_p${i}`;
    const total = p.lines.reduce((sum, l) => sum + l.quantity * l.unitPriceFen, 0);
    statements.push(
      env.DB.prepare(
        `INSERT INTO group_buy_participants (id, group_buy_id, name, phone, pickup_code, access_token, status, payment_method, total_fen, created_at, updated_at)
         VALUES (?, ?, '员工', '13800000003', ?, ?, ?, 'stripe', ?, ?, ?)`,
      ).bind(pid, id, `C${i}`, `${pid}_token`, p.status, total, closedAt, closedAt),
      env.DB.prepare(
        `INSERT INTO payments (id, participant_id, method, status, amount_fen, refunded_fen, created_at, updated_at) VALUES (?, ?, 'stripe', 'succeeded', ?, ?, ?, ?)`,
      ).bind(`${pid}_pay`, pid, total, p.refundedFen ?? 0, closedAt, closedAt),
      ...p.lines.map((l, j) =>
        env.DB.prepare(
          `INSERT INTO group_buy_participant_items (id, participant_id, group_buy_item_id, product_id, quantity, unit_price_fen, line_total_fen) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        ).bind(`${pid}_i${j}`, pid, `${id}_item${j}`, l.productId, l.quantity, l.unitPriceFen, l.quantity * l.unitPriceFen),
      ),
    );
  });
  await env.DB.batch(statements);
  return id;
}

beforeAll(async () => {
  await seedDatabase();
  tokens = await canteenTokens();
  const rows2 = await env.DB.prepare('SELECT id FROM counties WHERE district_id IS NOT NULL ORDER BY id LIMIT 2').all<{ id: string }>();
  counties.push(...rows2.results.map((r) => r.id));
  const coopA = await coopIn(counties[0]!);
  const coopB = await coopIn(counties[1]!);
  tea = await makeProduct({ cooperativeId: coopA, unitPriceFen: 3_000, stock: 1000, category: 'tea' });
  ham = await makeProduct({ cooperativeId: coopB, unitPriceFen: 12_000, stock: 1000, category: 'ham' });
  rice = await makeProduct({ cooperativeId: coopB, unitPriceFen: 1_000, stock: 1000, category: 'rice' });

  // Counted: an invoiced order, with ¥10 shipping per cooperative (not counted: a service, not goods).
  expect((await placeCanteenOrder(tokens.purchaser, [{ productId: tea, quantity: 3 }, { productId: ham, quantity: 2 }])).status).toBe(201);
  // Counted: an order paid at the showroom desk, then partly refunded (¥100 of ¥300).
  const paid = await placeCanteenOrder(tokens.purchaser, [{ productId: rice, quantity: 10 }, { productId: tea, quantity: 10 }], { paymentMethod: 'pay_at_pickup', delivery: pickupAtShowroom });
  expect(paid.status).toBe(201);
  const admin = tokens.admin;
  expect((await callJson(`/api/v1/admin/payments/${paid.body.payment.id}/confirm`, { method: 'POST', token: admin, json: { bankReference: 'DESK-1' } })).status).toBe(200);
  expect((await callJson(`/api/v1/admin/orders/${paid.body.id}/refunds`, { method: 'POST', token: admin, json: { amountFen: 10_000, reason: '部分退货' } })).status).toBe(201);
  // Not counted: cancelled, unpaid, another organisation's, last year's (counted in last year).
  const cancelled = await placeCanteenOrder(tokens.purchaser, [{ productId: ham, quantity: 5 }]);
  expect((await callJson(`/api/v1/orders/${cancelled.body.id}/cancel`, { method: 'POST', token: tokens.purchaser })).status).toBe(200);
  expect((await placeCanteenOrder(tokens.purchaser, [{ productId: ham, quantity: 1 }], { paymentMethod: 'pay_at_pickup', delivery: pickupAtShowroom })).status).toBe(201);
  const lastYear = await placeCanteenOrder(tokens.purchaser, [{ productId: rice, quantity: 7 }]);
  await env.DB.prepare('UPDATE orders SET created_at = ? WHERE id = ?').bind(startOfShanghaiDay(`${YEAR}-01-01`) - 1, lastYear.body.id).run();

  // Group buys the canteen organised: one succeeded (two paying participants, one of them partly
  // refunded, and one refunded in full), one failed; and one another organisation organised.
  const closed = startOfShanghaiDay(`${YEAR}-03-15`);
  await groupBuy(CANTEEN, 'succeeded', closed, [
    { status: 'picked_up', lines: [{ productId: ham, quantity: 1, unitPriceFen: 10_000 }, { productId: tea, quantity: 2, unitPriceFen: 2_500 }] },
    { status: 'paid', lines: [{ productId: rice, quantity: 3, unitPriceFen: 900 }], refundedFen: 900 },
    { status: 'refunded', lines: [{ productId: ham, quantity: 1, unitPriceFen: 10_000 }], refundedFen: 10_000 },
  ]);
  await groupBuy(CANTEEN, 'failed', closed, [{ status: 'paid', lines: [{ productId: ham, quantity: 9, unitPriceFen: 10_000 }] }]);
  await groupBuy('org_lijiang_showroom_yangpu', 'succeeded', closed, [{ status: 'paid', lines: [{ productId: ham, quantity: 9, unitPriceFen: 10_000 }] }]);
});

/** The ledger recomputed from the order rows, line by line, as documented (goods net of refunds). */
async function expectedOrdersFen(from: number, to: number): Promise<number> {
  const lines = await rows<{ line: number; refunded: number; total: number }>(
    `SELECT l.line_total_fen AS line, o.refunded_fen AS refunded, o.total_fen AS total FROM orders o JOIN order_lines l ON l.order_id = o.id
     WHERE o.organization_id = ? AND o.status IN ('paid', 'invoiced', 'fulfilled') AND o.created_at >= ? AND o.created_at < ?`,
    CANTEEN,
    from,
    to,
  );
  return lines.reduce((sum, l) => sum + l.line - Math.floor((l.refunded * l.line) / l.total), 0);
}

describe('GET /organizations/{id}/consumption', () => {
  it('Should add up to the orders and group buys underneath, by county and by month', async () => {
    const { status, body } = await consumption(`?year=${YEAR}`);
    expect(status).toBe(200);
    const from = startOfShanghaiDay(`${YEAR}-01-01`);
    const to = startOfShanghaiDay(`${YEAR + 1}-01-01`);
    // Orders: tea 3×¥30 + ham 2×¥120 = ¥330; the paid one ¥100 + ¥300 − refund shares of ¥100 (¥25 + ¥75).
    expect(await expectedOrdersFen(from, to)).toBe(33_000 + 40_000 - 10_000);
    expect(body.ordersFen).toBe(await expectedOrdersFen(from, to));
    // Group buys: ¥100 + ¥50, and ¥27 − ¥9 refunded; the fully refunded participant and the failed group not at all.
    expect(body.groupBuysFen).toBe(10_000 + 5_000 + 2_700 - 900);
    expect(body.spentFen).toBe(body.ordersFen + body.groupBuysFen);
    expect(body.targetFen).toBe(50_000_000);
    expect(body.progress).toBeCloseTo(body.spentFen / 50_000_000, 10);
    expect(body.byCounty.reduce((s: number, c: any) => s + c.spentFen, 0)).toBe(body.spentFen);
    expect(body.byMonth).toHaveLength(12);
    expect(body.byMonth.reduce((s: number, m: any) => s + m.spentFen, 0)).toBe(body.spentFen);
    expect(body.byMonth.find((m: any) => m.month === `${YEAR}-03`).spentFen).toBeGreaterThanOrEqual(body.groupBuysFen);
    const countyA = body.byCounty.find((c: any) => c.countyId === counties[0]);
    // County A: tea 3×¥30 and 10×¥30 − ¥75 share, group-buy tea ¥50.
    expect(countyA.spentFen).toBe(9_000 + 30_000 - 7_500 + 5_000);
    expect(countyA.nameZh).toBeTruthy();
  });

  it('Should count an order in the Shanghai year it was placed', async () => {
    const { body } = await consumption(`?year=${YEAR - 1}`);
    expect(body.ordersFen).toBe(7_000);
    expect(body.byMonth.find((m: any) => m.month === `${YEAR - 1}-12`).spentFen).toBe(7_000);
    expect(body.groupBuysFen).toBe(0);
  });

  it('Should move when an invoice order is placed, and fall back when it is cancelled', async () => {
    const before = (await consumption()).body.spentFen;
    const order = await placeCanteenOrder(tokens.purchaser, [{ productId: rice, quantity: 4 }]);
    expect((await consumption()).body.spentFen).toBe(before + 4_000);
    await callJson(`/api/v1/orders/${order.body.id}/cancel`, { method: 'POST', token: tokens.purchaser });
    expect((await consumption()).body.spentFen).toBe(before);
  });

  it('Should export the same figures as CSV for the annual report (Accept or format=csv)', async () => {
    const json = (await consumption(`?year=${YEAR}`)).body;
    for (const init of [{ path: `?year=${YEAR}&format=csv`, headers: {} as Record<string, string> }, { path: `?year=${YEAR}`, headers: { accept: 'text/csv' } }]) {
      const res = await call(`/api/v1/organizations/${CANTEEN}/consumption${init.path}`, { token: tokens.owner, headers: init.headers });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(res.headers.get('content-disposition')).toContain(`consumption-${CANTEEN}-${YEAR}.csv`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // BOM, so spreadsheets read the Chinese
      const text = new TextDecoder().decode(bytes);
      expect(text.startsWith('section,key,name,amountFen,amountYuan')).toBe(true);
      expect(text).toContain(`summary,spent,已完成 / spent,${json.spentFen},${(json.spentFen / 100).toFixed(2)}`);
      for (const c of json.byCounty) expect(text).toContain(`county,${c.countyId},`);
      expect(text.split('\r\n').filter((l) => l.startsWith('month,'))).toHaveLength(12);
    }
  });

  it('Should be for the organisation’s members and admins only, and validate the year', async () => {
    const member = await addMember(CANTEEN, 'member');
    expect((await consumption('', member.token)).status).toBe(200);
    expect((await consumption('', tokens.admin)).status).toBe(200);
    expect((await consumption('', await demoToken('showroomManager'))).status).toBe(404);
    expect((await consumption('', await demoToken('coopStaffA'))).status).toBe(404);
    expect((await callJson(`/api/v1/organizations/${CANTEEN}/consumption`)).status).toBe(401);
    const bad = await consumption('?year=abc');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('query.year');
  });
});
