import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { runScheduledJobs } from '../../src/jobs/scheduled';
import { addDays } from '../../src/procurement/standing-schedule';
import { changeStandingOrderStatus } from '../../src/procurement/standing-orders.service';
import { DAY_MS } from '../../src/lib/time';
import { addMember } from '../helpers/accounts';
import { coops } from '../helpers/cooperatives';
import { callJson, demoToken } from '../helpers/http';
import { CANTEEN, makeCooperative, makeProduct, row, rows, setStock, stockOf } from '../helpers/orders';
import { canteenTokens, setCreditTerms } from '../helpers/procurement';
import { seedDatabase } from '../helpers/seed';
import { createStanding, occurrenceOf, runStandingJob, standingBody, standingOrdersPath, standingRowCounts, today, todayWeekday } from '../helpers/standing-orders';

/**
 * Standing orders through the API and the scheduled job: each scheduled Shanghai day is placed once
 * (twice or concurrently run), through the ordinary order rules; a day that cannot be placed waits for
 * the buyer with its reason; a skipped day is never placed.
 */

let tokens: Awaited<ReturnType<typeof canteenTokens>>;
let coop: string;
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];

async function product(unitPriceFen = 5_000, stock = 1_000) {
  return makeProduct({ cooperativeId: coop, unitPriceFen, stock, category: 'rice' });
}

async function ordersOf(standingOrderId: string) {
  return rows<{ orderId: string }>(`SELECT order_id AS orderId FROM standing_order_occurrences WHERE standing_order_id = ? AND order_id IS NOT NULL`, standingOrderId);
}

beforeAll(async () => {
  await seedDatabase();
  tokens = await canteenTokens();
  coop = await makeCooperative({ shippingFlatFeeFen: 0, freeShippingAboveFen: null });
  await setCreditTerms(CANTEEN, { creditLimitFen: 100_000_000, paymentTermsDays: 30 });
});

describe('setting up a standing order', () => {
  it('Should set one up with its lines at today’s prices, its next days and an audit row', async () => {
    const rice = await product(5_000);
    const { status, body, res } = await callJson(standingOrdersPath(), { method: 'POST', token: tokens.purchaser, json: standingBody([{ productId: rice, quantity: 10 }], { priceTolerancePercent: 5 }) });
    expect(status).toBe(201);
    expect(res.headers.get('location')).toBe(`${standingOrdersPath()}/${body.id}`);
    expect(body).toMatchObject({ status: 'active', organizationId: CANTEEN, priceTolerancePercent: 5, schedule: { cadence: 'weekly', weekdays: [todayWeekday()], monthDay: null } });
    expect(body.lines).toEqual([expect.objectContaining({ productId: rice, quantity: 10, referenceUnitPriceFen: 5_000 })]);
    expect(body.upcoming.slice(0, 2)).toEqual([
      { date: today(), skipped: false },
      { date: addDays(today(), 7), skipped: false },
    ]);
    expect(body.createdBy.name).toContain('采购员');
    const audit = await row<{ action: string }>(`SELECT action FROM audit_log WHERE entity_id = ?`, body.id);
    expect(audit.action).toBe('standing_order.create');
    const read = await callJson(`${standingOrdersPath()}/${body.id}`, { token: tokens.owner });
    expect(read.body.id).toBe(body.id);
    const list = await callJson(standingOrdersPath(), { token: tokens.owner });
    expect(list.body.items.map((s: any) => s.id)).toContain(body.id);
  });

  const refusals: [string, (rice: string) => Record<string, unknown>, number, string | null][] = [
    ['a start in the past', () => ({ startDate: addDays(today(), -1) }), 422, 'start_in_past'],
    ['an end before the start', () => ({ startDate: addDays(today(), 3), endDate: addDays(today(), 2) }), 422, 'end_before_start'],
    ['a period without a scheduled day', () => ({ schedule: { cadence: 'weekly', weekdays: [todayWeekday()] }, startDate: addDays(today(), 1), endDate: addDays(today(), 3) }), 422, 'no_occurrence'],
    ['an unknown product', () => ({ items: [{ productId: 'prd_none_such', quantity: 1 }] }), 422, 'unknown_product'],
    ['pay at pickup for a delivery', () => ({ paymentMethod: 'pay_at_pickup' }), 422, 'payment_method'],
    ['a weekday out of range', () => ({ schedule: { cadence: 'weekly', weekdays: [8] } }), 400, null],
    ['a weekday twice', () => ({ schedule: { cadence: 'weekly', weekdays: [2, 2] } }), 400, null],
    ['a month day of 32', () => ({ schedule: { cadence: 'monthly', monthDay: 32 } }), 400, null],
    ['a tolerance above 100%', () => ({ priceTolerancePercent: 101 }), 400, null],
    ['a date that does not exist', () => ({ startDate: '2027-02-30' }), 400, null],
    ['another organisation’s delivery location', () => ({ delivery: { method: 'ship', deliveryLocationId: 'loc_none_such' } }), 422, null],
  ];
  for (const [what, change, status, rule] of refusals) {
    it(`Should refuse ${what} and write nothing`, async () => {
      const rice = await product();
      const counts = await standingRowCounts();
      const res = await callJson(standingOrdersPath(), { method: 'POST', token: tokens.owner, json: standingBody([{ productId: rice, quantity: 1 }], change(rice)) });
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      if (rule) expect(res.body.errors.map((e: any) => e.rule)).toContain(rule);
      expect(await standingRowCounts()).toEqual(counts);
    });
  }

  it('Should refuse a member (403) and another organisation (404), writing nothing', async () => {
    const rice = await product();
    const member = await addMember(CANTEEN, 'member');
    const counts = await standingRowCounts();
    expect((await callJson(standingOrdersPath(), { method: 'POST', token: member.token, json: standingBody([{ productId: rice, quantity: 1 }]) })).status).toBe(403);
    const showroomOwner = await demoToken('showroomManager');
    expect((await callJson(standingOrdersPath(), { method: 'POST', token: showroomOwner, json: standingBody([{ productId: rice, quantity: 1 }]) })).status).toBe(404);
    expect(await standingRowCounts()).toEqual(counts);
  });
});

describe('the standing-order job', () => {
  it('Should be registered with the scheduled handler', async () => {
    const results = await runScheduledJobs(env as never, Date.now());
    expect(results.placeStandingOrders).toBeGreaterThanOrEqual(0);
  });

  it('Should place today’s day once when the job runs twice', async () => {
    const rice = await product(5_000, 100);
    const standing = await createStanding(tokens.owner, [{ productId: rice, quantity: 10 }]);
    await runStandingJob();
    await runStandingJob();
    const placed = await occurrenceOf(standing.id, today());
    expect(placed).toMatchObject({ status: 'placed', failureRule: null });
    const order = await row<{ status: string; organizationId: string; totalFen: number; buyer: string }>(
      `SELECT status, organization_id AS organizationId, total_fen AS totalFen, buyer_user_id AS buyer FROM orders WHERE id = ?`,
      placed!.orderId,
    );
    expect(order).toEqual({ status: 'invoiced', organizationId: CANTEEN, totalFen: 50_000, buyer: 'usr_demo_canteenOwner' });
    expect(await ordersOf(standing.id)).toHaveLength(1);
    expect(await stockOf(rice)).toBe(90);
    const view = await callJson(`${standingOrdersPath()}/${standing.id}`, { token: tokens.owner });
    expect(view.body.occurrences[0]).toMatchObject({ date: today(), status: 'placed', orderId: placed!.orderId });
    expect(view.body.upcoming[0].date).toBe(addDays(today(), 7));
  });

  it('Should place one order when two runs race on the same day', async () => {
    const rice = await product(5_000, 100);
    const standing = await createStanding(tokens.owner, [{ productId: rice, quantity: 10 }]);
    await Promise.all([runStandingJob(), runStandingJob(), runStandingJob()]);
    const orderCount = await row<{ n: number }>(`SELECT COUNT(*) AS n FROM order_lines WHERE product_id = ?`, rice);
    expect(orderCount.n).toBe(1);
    expect(await stockOf(rice)).toBe(90);
    expect((await occurrenceOf(standing.id, today()))!.status).toBe('placed');
  });

  it('Should place each day of a daily standing order once, catching up a missed tick', async () => {
    const rice = await product(5_000, 100);
    const standing = await createStanding(tokens.owner, [{ productId: rice, quantity: 1 }], { schedule: { cadence: 'weekly', weekdays: EVERY_DAY } });
    await runStandingJob(Date.now() + 2 * DAY_MS); // today, tomorrow and the day after, in one late tick
    await runStandingJob(Date.now() + 2 * DAY_MS);
    const days = await rows<{ day: string }>(`SELECT occurrence_date AS day FROM standing_order_occurrences WHERE standing_order_id = ? AND status = 'placed' ORDER BY 1`, standing.id);
    expect(days.map((d) => d.day)).toEqual([today(), addDays(today(), 1), addDays(today(), 2)]);
    expect(await stockOf(rice)).toBe(97);
  });

  it('Should not place a skipped day, and refuse skipping it twice, an unscheduled day or a past one', async () => {
    const rice = await product(5_000, 100);
    const standing = await createStanding(tokens.owner, [{ productId: rice, quantity: 10 }]);
    const skips = `${standingOrdersPath()}/${standing.id}/skips`;
    const skipped = await callJson(skips, { method: 'POST', token: tokens.purchaser, json: { date: today() } });
    expect(skipped.status).toBe(200);
    expect(skipped.body.upcoming[0]).toEqual({ date: today(), skipped: true });
    await runStandingJob();
    expect(await occurrenceOf(standing.id, today())).toMatchObject({ status: 'skipped', orderId: null });
    expect(await stockOf(rice)).toBe(100);

    const counts = await standingRowCounts();
    const twice = await callJson(skips, { method: 'POST', token: tokens.purchaser, json: { date: today() } });
    expect(twice.status).toBe(409);
    const unscheduled = await callJson(skips, { method: 'POST', token: tokens.purchaser, json: { date: addDays(today(), 1) } });
    expect(unscheduled.status).toBe(422);
    expect(unscheduled.body.errors[0].rule).toBe('not_scheduled');
    // Started two weeks ago (a fixture: the API accepts no past start), so last week's day is scheduled but gone.
    await env.DB.prepare('UPDATE standing_orders SET start_date = ? WHERE id = ?').bind(addDays(today(), -14), standing.id).run();
    const past = await callJson(skips, { method: 'POST', token: tokens.purchaser, json: { date: addDays(today(), -7) } });
    expect(past.status).toBe(422);
    expect(past.body.errors[0].rule).toBe('day_passed');
    expect(await standingRowCounts()).toEqual(counts);
  });

  it('Should never both place and skip a day when the buyer skips while the job runs', async () => {
    for (let attempt = 0; attempt < 4; attempt++) {
      const rice = await product(5_000, 100);
      const standing = await createStanding(tokens.owner, [{ productId: rice, quantity: 1 }]);
      const [, skip] = await Promise.all([runStandingJob(), callJson(`${standingOrdersPath()}/${standing.id}/skips`, { method: 'POST', token: tokens.owner, json: { date: today() } })]);
      const day = await occurrenceOf(standing.id, today());
      const ordered = (await row<{ n: number }>(`SELECT COUNT(*) AS n FROM order_lines WHERE product_id = ?`, rice)).n;
      if (day!.status === 'skipped') {
        expect(skip.status).toBe(200);
        expect(ordered).toBe(0);
      } else {
        expect(day!.status).toBe('placed');
        expect(skip.status).toBe(409);
        expect(ordered).toBe(1);
      }
    }
  });

  it('Should let the buyer undo a skip of a day still to come, and the day is placed again', async () => {
    const rice = await product(5_000, 100);
    const standing = await createStanding(tokens.owner, [{ productId: rice, quantity: 10 }]);
    const next = addDays(today(), 7);
    await callJson(`${standingOrdersPath()}/${standing.id}/skips`, { method: 'POST', token: tokens.owner, json: { date: next } });
    const undone = await callJson(`${standingOrdersPath()}/${standing.id}/skips/${next}`, { method: 'DELETE', token: tokens.owner });
    expect(undone.status).toBe(200);
    expect(undone.body.upcoming.find((u: any) => u.date === next)).toEqual({ date: next, skipped: false });
    expect((await callJson(`${standingOrdersPath()}/${standing.id}/skips/${next}`, { method: 'DELETE', token: tokens.owner })).status).toBe(404);
  });

  it('Should hold a day when stock is short, with the reason, not retry it behind the buyer’s back, and place it when the buyer retries', async () => {
    const rice = await product(5_000, 5);
    const standing = await createStanding(tokens.owner, [{ productId: rice, quantity: 10 }]);
    await runStandingJob();
    expect(await occurrenceOf(standing.id, today())).toMatchObject({ status: 'failed', failureRule: 'short_stock', orderId: null });
    await runStandingJob();
    const notices = await rows<{ kind: string; userId: string }>(`SELECT kind, user_id AS userId FROM notifications WHERE json_extract(payload, '$.standingOrderId') = ?`, standing.id);
    expect(notices).toEqual([{ kind: 'standing_order.failed', userId: 'usr_demo_canteenOwner' }]);
    expect((await row<{ n: number }>(`SELECT COUNT(*) AS n FROM order_lines WHERE product_id = ?`, rice)).n).toBe(0);
    expect((await row<{ n: number }>(`SELECT COUNT(*) AS n FROM standing_order_occurrences WHERE standing_order_id = ?`, standing.id)).n).toBe(1);
    expect(await stockOf(rice)).toBe(5);

    await setStock(rice, 50);
    const retried = await callJson(`${standingOrdersPath()}/${standing.id}/occurrences/${today()}/retry`, { method: 'POST', token: tokens.purchaser, json: {} });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: 'placed', failureRule: null });
    expect(await stockOf(rice)).toBe(40);
    const again = await callJson(`${standingOrdersPath()}/${standing.id}/occurrences/${today()}/retry`, { method: 'POST', token: tokens.purchaser, json: {} });
    expect(again.status).toBe(409);
  });

  it('Should hold a day whose price rose beyond the tolerance until the buyer accepts the new price', async () => {
    const rice = await product(10_000, 100);
    const standing = await createStanding(tokens.owner, [{ productId: rice, quantity: 2 }], { priceTolerancePercent: 10 });
    await env.DB.prepare('UPDATE products SET unit_price_fen = 11001 WHERE id = ?').bind(rice).run();
    await runStandingJob();
    const held = await occurrenceOf(standing.id, today());
    expect(held).toMatchObject({ status: 'failed', failureRule: 'price_tolerance' });
    expect(held!.failureDetail).toContain('¥110.01');
    const retry = `${standingOrdersPath()}/${standing.id}/occurrences/${today()}/retry`;
    expect((await callJson(retry, { method: 'POST', token: tokens.owner, json: {} })).body).toMatchObject({ status: 'failed', failureRule: 'price_tolerance' });
    expect(await stockOf(rice)).toBe(100);
    const accepted = await callJson(retry, { method: 'POST', token: tokens.owner, json: { acceptPriceChange: true } });
    expect(accepted.body.status).toBe('placed');
    const order = await row<{ totalFen: number }>(`SELECT total_fen AS totalFen FROM orders WHERE id = ?`, accepted.body.orderId);
    expect(order.totalFen).toBe(22_002);
  });

  it('Should place a day whose price rose within the tolerance', async () => {
    const rice = await product(10_000, 100);
    const standing = await createStanding(tokens.owner, [{ productId: rice, quantity: 1 }], { priceTolerancePercent: 10 });
    await env.DB.prepare('UPDATE products SET unit_price_fen = 11000 WHERE id = ?').bind(rice).run();
    await runStandingJob();
    expect((await occurrenceOf(standing.id, today()))!.status).toBe('placed');
  });

  it('Should hold a day the invoice credit cannot take, naming credit as the reason', async () => {
    const rice = await product(500_000, 100);
    const standing = await createStanding(tokens.owner, [{ productId: rice, quantity: 1 }]);
    const outstanding = await row<{ fen: number }>(`SELECT COALESCE(SUM(total_fen - refunded_fen), 0) AS fen FROM orders WHERE organization_id = ? AND invoice_status IN ('open', 'overdue')`, CANTEEN);
    await setCreditTerms(CANTEEN, { creditLimitFen: outstanding.fen + 100_000 });
    try {
      await runStandingJob();
      expect(await occurrenceOf(standing.id, today())).toMatchObject({ status: 'failed', failureRule: 'credit' });
      expect(await stockOf(rice)).toBe(100);
    } finally {
      await setCreditTerms(CANTEEN, { creditLimitFen: 100_000_000 });
    }
  });

  it('Should send a day above the purchaser’s limit to the owner for approval, once', async () => {
    const ham = await product(900_000, 100); // ¥27,000 a day, above the purchaser's ¥20,000
    const standing = await createStanding(tokens.purchaser, [{ productId: ham, quantity: 3 }]);
    await Promise.all([runStandingJob(), runStandingJob()]);
    const waiting = await occurrenceOf(standing.id, today());
    expect(waiting).toMatchObject({ status: 'awaiting_approval', orderId: null });
    const approvals = await rows(`SELECT id, status FROM purchase_approvals WHERE id = ?`, waiting!.approvalId);
    expect(approvals).toEqual([{ id: waiting!.approvalId, status: 'pending' }]);
    expect(await stockOf(ham)).toBe(100);
    const approved = await callJson(`/api/v1/organizations/${CANTEEN}/approvals/${waiting!.approvalId}/approve`, { method: 'POST', token: tokens.owner });
    expect(approved.status).toBe(200);
    expect(await stockOf(ham)).toBe(97);
    expect(await occurrenceOf(standing.id, today())).toMatchObject({ status: 'placed', orderId: approved.body.order.id });
  });

  it('Should dismiss the day when the owner rejects its approval', async () => {
    const ham = await product(900_000, 100);
    const standing = await createStanding(tokens.purchaser, [{ productId: ham, quantity: 3 }]);
    await runStandingJob();
    const waiting = await occurrenceOf(standing.id, today());
    const rejected = await callJson(`/api/v1/organizations/${CANTEEN}/approvals/${waiting!.approvalId}/reject`, { method: 'POST', token: tokens.owner, json: { reason: '本周不需要' } });
    expect(rejected.status).toBe(200);
    expect(await occurrenceOf(standing.id, today())).toMatchObject({ status: 'dismissed', orderId: null });
    await runStandingJob();
    expect(await stockOf(ham)).toBe(100);
  });

  it('Should let the buyer dismiss a failed day: it is not placed, and cannot be retried', async () => {
    const rice = await product(5_000, 0);
    const standing = await createStanding(tokens.owner, [{ productId: rice, quantity: 1 }]);
    await runStandingJob();
    const dismissed = await callJson(`${standingOrdersPath()}/${standing.id}/occurrences/${today()}/dismiss`, { method: 'POST', token: tokens.owner });
    expect(dismissed.body).toMatchObject({ status: 'dismissed' });
    await setStock(rice, 10);
    expect((await callJson(`${standingOrdersPath()}/${standing.id}/occurrences/${today()}/retry`, { method: 'POST', token: tokens.owner, json: {} })).status).toBe(409);
    await runStandingJob();
    expect(await stockOf(rice)).toBe(10);
  });

  it('Should place nothing while paused and, once resumed, not place the paused days late', async () => {
    const rice = await product(5_000, 100);
    const standing = await createStanding(tokens.owner, [{ productId: rice, quantity: 1 }], { schedule: { cadence: 'weekly', weekdays: EVERY_DAY } });
    const paused = await callJson(`${standingOrdersPath()}/${standing.id}/pause`, { method: 'POST', token: tokens.purchaser });
    expect(paused.body).toMatchObject({ status: 'paused', upcoming: [] });
    expect((await callJson(`${standingOrdersPath()}/${standing.id}/pause`, { method: 'POST', token: tokens.purchaser })).status).toBe(409);
    await runStandingJob(Date.now() + 2 * DAY_MS);
    expect(await stockOf(rice)).toBe(100);
    // Resumed three days later (the owner's own clock), the job places from that day only.
    const later = Date.now() + 3 * DAY_MS;
    const db = createDb(env.DB);
    const owner = { userId: 'usr_demo_canteenOwner', email: '', name: '', isAdmin: false, sessionId: '', memberships: [] };
    const resumed = await changeStandingOrderStatus({ db, env, now: later }, owner, CANTEEN, standing.id, 'resume');
    expect(resumed.upcoming[0]?.date).toBe(addDays(today(), 3));
    await runStandingJob(later);
    const days = await rows<{ day: string }>(`SELECT occurrence_date AS day FROM standing_order_occurrences WHERE standing_order_id = ?`, standing.id);
    expect(days.map((d) => d.day)).toEqual([addDays(today(), 3)]);
    const ended = await callJson(`${standingOrdersPath()}/${standing.id}/end`, { method: 'POST', token: tokens.owner });
    expect(ended.body.status).toBe('ended');
    await runStandingJob(later + DAY_MS);
    expect(await stockOf(rice)).toBe(99);
  });
});

describe('upcoming quantities for cooperatives', () => {
  it('Should show a cooperative the quantities still to be placed, by day and in total, without skipped days', async () => {
    const ham = await makeProduct({ cooperativeId: coops.a, unitPriceFen: 3_000, stock: 1_000, category: 'ham' });
    const standing = await createStanding(tokens.owner, [{ productId: ham, quantity: 4 }], { schedule: { cadence: 'weekly', weekdays: EVERY_DAY }, startDate: addDays(today(), 1) });
    await callJson(`${standingOrdersPath()}/${standing.id}/skips`, { method: 'POST', token: tokens.owner, json: { date: addDays(today(), 2) } });
    const staff = await demoToken('coopStaffA');
    const { status, body } = await callJson(`/api/v1/cooperatives/${coops.a}/standing-demand?days=7`, { token: staff });
    expect(status).toBe(200);
    const mine = body.items.filter((i: any) => i.productId === ham);
    expect(mine.map((i: any) => i.date)).toEqual([1, 3, 4, 5, 6].map((n) => addDays(today(), n)));
    expect(mine.every((i: any) => i.quantity === 4)).toBe(true);
    expect(body.totals.find((t: any) => t.productId === ham).quantity).toBe(20);
    expect(JSON.stringify(body)).not.toContain(CANTEEN);
    expect((await callJson(`/api/v1/cooperatives/${coops.a}/standing-demand`, { token: await demoToken('coopStaffB') })).status).toBe(404);
  });
});
