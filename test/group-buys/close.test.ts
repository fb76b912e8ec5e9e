import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { callJson, demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import {
  CANTEEN,
  PRODUCTS,
  SHOWROOM,
  callWithStripe,
  joinBody,
  joinGroupBuy,
  joinPaid,
  openGroupBuy,
  payParticipant,
  rowCount,
  runCron,
  setClosesAt,
  stockOf,
  stubStripe,
} from '../helpers/group-buys';

let showroom: string;
let stripe: ReturnType<typeof stubStripe> | undefined;

beforeAll(async () => {
  await seedDatabase();
  showroom = await demoToken('showroomManager');
});

afterEach(() => {
  stripe?.restore();
  stripe = undefined;
});

const statusOf = async (id: string) => (await callJson(`/api/v1/group-buys/${id}`)).body;
const closeAsOrganiser = (id: string, token = showroom) => callJson(`/api/v1/group-buys/${id}/close`, { method: 'POST', token });

async function participantStatuses(groupBuyId: string): Promise<string[]> {
  const { results } = await env.DB.prepare('SELECT status FROM group_buy_participants WHERE group_buy_id = ? ORDER BY created_at, id')
    .bind(groupBuyId)
    .all<{ status: string }>();
  return results.map((r) => r.status);
}

async function shipmentsOf(groupBuyId: string) {
  const { results } = await env.DB.prepare(
    `SELECT s.id, s.cooperative_id, s.released, s.delivery_method, s.pickup_organization_id, s.subtotal_fen, s.status,
            i.product_id, i.quantity, i.unit_price_fen, i.line_total_fen
     FROM shipments s JOIN shipment_items i ON i.shipment_id = s.id WHERE s.group_buy_id = ? ORDER BY i.product_id`,
  )
    .bind(groupBuyId)
    .all<Record<string, unknown>>();
  return results;
}

describe('closing by thresholds', () => {
  it('Should form at the participant threshold: one released pickup shipment per cooperative with summed quantities', async () => {
    const group = await openGroupBuy(showroom, { minParticipants: 3 });
    await joinGroupBuy(group.id, { items: [{ productId: PRODUCTS.shiitake, quantity: 2 }] });
    await joinGroupBuy(group.id, { items: [{ productId: PRODUCTS.shiitake, quantity: 3 }, { productId: PRODUCTS.freshShiitake, quantity: 1 }] });
    await joinGroupBuy(group.id, { items: [{ productId: PRODUCTS.freshShiitake, quantity: 4 }] });
    const res = await closeAsOrganiser(group.id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: 'succeeded', closedReason: 'organizer' });
    expect(res.body.progress).toMatchObject({ participants: 3, quantity: 10 });

    const lines = await shipmentsOf(group.id);
    expect(lines).toHaveLength(2);
    const shiitake = lines.find((l) => l.product_id === PRODUCTS.shiitake)!;
    const fresh = lines.find((l) => l.product_id === PRODUCTS.freshShiitake)!;
    expect(shiitake).toMatchObject({ quantity: 5, unit_price_fen: 4280, line_total_fen: 5 * 4280, released: 1, delivery_method: 'pickup', pickup_organization_id: SHOWROOM, status: 'pending' });
    expect(fresh).toMatchObject({ quantity: 5, unit_price_fen: 3280, line_total_fen: 5 * 3280 });
    expect(shiitake.id).not.toBe(fresh.id);
    expect(shiitake.cooperative_id).toBe('org_coop_jingdong-wuliang-shiitake');
    expect(fresh.cooperative_id).toBe('org_coop_zhongyuan-liude');

    const coopNotices = await rowCount('notifications', "kind = 'group_buy.shipment' AND json_extract(payload, '$.groupBuyId') = ?", group.id);
    expect(coopNotices).toBe(2);
    const participantNotices = await rowCount('notifications', "kind = 'group_buy.participant_formed' AND json_extract(payload, '$.groupBuyId') = ?", group.id);
    expect(participantNotices).toBe(3);
    expect(await participantStatuses(group.id)).toEqual(['pending_payment', 'pending_payment', 'pending_payment']);
  });

  it('Should fail below the participant threshold, release the stock and tell the participants', async () => {
    const group = await openGroupBuy(showroom, { minParticipants: 3 });
    const stockBefore = await stockOf(PRODUCTS.shiitake);
    await joinGroupBuy(group.id);
    await joinGroupBuy(group.id);
    expect(await stockOf(PRODUCTS.shiitake)).toBe(stockBefore - 4);
    const res = await closeAsOrganiser(group.id);
    expect(res.body.status).toBe('failed');
    expect(await stockOf(PRODUCTS.shiitake)).toBe(stockBefore);
    expect(await participantStatuses(group.id)).toEqual(['cancelled', 'cancelled']);
    expect(await shipmentsOf(group.id)).toHaveLength(0);
    expect(await rowCount('notifications', "kind = 'group_buy.participant_failed' AND json_extract(payload, '$.groupBuyId') = ?", group.id)).toBe(2);
    expect(res.body.items.find((i: { productId: string }) => i.productId === PRODUCTS.shiitake).soldQuantity).toBe(0);
  });

  it('Should decide by the quantity threshold alone', async () => {
    const short = await openGroupBuy(showroom, { minParticipants: undefined, minQuantity: 10 });
    await joinGroupBuy(short.id, { items: [{ productId: PRODUCTS.shiitake, quantity: 9 }] });
    expect((await closeAsOrganiser(short.id)).body.status).toBe('failed');

    const enough = await openGroupBuy(showroom, { minParticipants: undefined, minQuantity: 10 });
    await joinGroupBuy(enough.id, { items: [{ productId: PRODUCTS.shiitake, quantity: 10 }] });
    expect((await closeAsOrganiser(enough.id)).body.status).toBe('succeeded');
  });

  it('Should require both thresholds when both are set', async () => {
    const quantityShort = await openGroupBuy(showroom, { minParticipants: 2, minQuantity: 10 });
    for (let i = 0; i < 3; i++) await joinGroupBuy(quantityShort.id, { items: [{ productId: PRODUCTS.shiitake, quantity: 3 }] });
    expect((await closeAsOrganiser(quantityShort.id)).body.status).toBe('failed');

    const peopleShort = await openGroupBuy(showroom, { minParticipants: 2, minQuantity: 10 });
    await joinGroupBuy(peopleShort.id, { items: [{ productId: PRODUCTS.shiitake, quantity: 12 }] });
    expect((await closeAsOrganiser(peopleShort.id)).body.status).toBe('failed');

    const both = await openGroupBuy(showroom, { minParticipants: 2, minQuantity: 10 });
    await joinGroupBuy(both.id, { items: [{ productId: PRODUCTS.shiitake, quantity: 5 }] });
    await joinGroupBuy(both.id, { items: [{ productId: PRODUCTS.shiitake, quantity: 5 }] });
    expect((await closeAsOrganiser(both.id)).body.status).toBe('succeeded');
  });

  it('Should not form with nobody committed, even without thresholds', async () => {
    const group = await openGroupBuy(showroom, { minParticipants: undefined });
    expect((await closeAsOrganiser(group.id)).body.status).toBe('failed');
  });
});

describe('unpaid Stripe participants at close', () => {
  it('Should drop them when the group forms: place, stock and checkout released, not shipped', async () => {
    stripe = stubStripe();
    const group = await openGroupBuy(showroom, { minParticipants: 2 });
    const stockBefore = await stockOf(PRODUCTS.freshShiitake);
    await joinGroupBuy(group.id, { items: [{ productId: PRODUCTS.freshShiitake, quantity: 1 }] });
    await joinPaid(group.id, { items: [{ productId: PRODUCTS.freshShiitake, quantity: 2 }] });
    const unpaid = await callWithStripe(`/api/v1/group-buys/${group.id}/participants`, {
      method: 'POST',
      json: joinBody({ paymentMethod: 'stripe', items: [{ productId: PRODUCTS.freshShiitake, quantity: 4 }] }),
    });
    expect(unpaid.status).toBe(201);
    expect(unpaid.body.payment.checkoutUrl).toMatch(/^https:\/\/checkout\.stripe\.com\//);
    expect(await stockOf(PRODUCTS.freshShiitake)).toBe(stockBefore - 7);
    expect((await statusOf(group.id)).progress).toEqual({ participants: 3, quantity: 7, committedParticipants: 2, committedQuantity: 3 });

    const res = await callWithStripe(`/api/v1/group-buys/${group.id}/close`, { method: 'POST', token: showroom });
    expect(res.body.status).toBe('succeeded');
    expect(res.body.progress).toMatchObject({ participants: 2, quantity: 3 });
    expect(await participantStatuses(group.id)).toEqual(['pending_payment', 'paid', 'cancelled']);
    expect(await stockOf(PRODUCTS.freshShiitake)).toBe(stockBefore - 3);
    const [line] = await shipmentsOf(group.id);
    expect(line).toMatchObject({ product_id: PRODUCTS.freshShiitake, quantity: 3 });
    const expired = stripe.calls.filter((c) => c.path.endsWith('/expire'));
    expect(expired.map((c) => c.path)).toEqual([`/v1/checkout/sessions/cs_test_${unpaid.body.payment.id}/expire`]);
    const payment = await env.DB.prepare('SELECT status FROM payments WHERE id = ?').bind(unpaid.body.payment.id).first('status');
    expect(payment).toBe('cancelled');
    expect(stripe.refundCalls()).toHaveLength(0);
  });

  it('Should not count them toward the thresholds', async () => {
    stripe = stubStripe();
    const group = await openGroupBuy(showroom, { minParticipants: 2 });
    await joinGroupBuy(group.id);
    await callWithStripe(`/api/v1/group-buys/${group.id}/participants`, { method: 'POST', json: joinBody({ paymentMethod: 'stripe' }) });
    const res = await callWithStripe(`/api/v1/group-buys/${group.id}/close`, { method: 'POST', token: showroom });
    expect(res.body.status).toBe('failed');
  });
});

describe('refunds when a group fails', () => {
  it('Should refund every paid participant through Stripe once, with stable idempotency keys', async () => {
    stripe = stubStripe();
    const group = await openGroupBuy(showroom, { minParticipants: 5 });
    const a = await joinPaid(group.id, { items: [{ productId: PRODUCTS.shiitake, quantity: 2 }] });
    const b = await joinPaid(group.id, { items: [{ productId: PRODUCTS.shiitake, quantity: 1 }, { productId: PRODUCTS.freshShiitake, quantity: 1 }] });
    await joinGroupBuy(group.id);
    const salesBefore = await env.DB.prepare('SELECT coalesce(sum(sales_fen), 0) AS s, coalesce(sum(refunds_fen), 0) AS r FROM sales_daily').first<{ s: number; r: number }>();
    await setClosesAt(group.id, Date.now() - 1000);

    const cron = await runCron();
    expect(cron['group-buys.close-due']).toBe(1);
    expect((await statusOf(group.id)).status).toBe('failed');
    expect(await participantStatuses(group.id)).toEqual(['refunded', 'refunded', 'cancelled']);

    const calls = stripe.refundCalls();
    expect(calls).toHaveLength(2);
    const byKey = new Map(calls.map((c) => [c.idempotencyKey, c.params]));
    expect(byKey.get(`gb-refund:${a.participantId}`)?.get('payment_intent')).toBe(`pi_test_${a.payment.id}`);
    expect(byKey.get(`gb-refund:${a.participantId}`)?.get('amount')).toBe(String(2 * 4280));
    expect(byKey.get(`gb-refund:${b.participantId}`)?.get('amount')).toBe(String(4280 + 3280));

    const { results: refunds } = await env.DB.prepare(
      'SELECT r.status, r.amount_fen, r.stripe_refund_id, p.refunded_fen, p.amount_fen AS paid FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE r.participant_id IN (?, ?)',
    )
      .bind(a.participantId, b.participantId)
      .all<Record<string, unknown>>();
    expect(refunds).toHaveLength(2);
    for (const r of refunds) {
      expect(r.status).toBe('succeeded');
      expect(r.refunded_fen).toBe(r.paid);
      expect(r.stripe_refund_id).toMatch(/^re_test_/);
    }
    const salesAfter = await env.DB.prepare('SELECT sum(sales_fen) AS s, sum(refunds_fen) AS r FROM sales_daily').first<{ s: number; r: number }>();
    expect(salesAfter!.r - salesBefore!.r).toBe(2 * 4280 + 4280 + 3280);

    // Running the cron job again changes nothing and calls Stripe for nothing.
    const again = await runCron();
    expect(again['group-buys.close-due']).toBe(0);
    expect(stripe.refundCalls()).toHaveLength(2);
    expect(await rowCount('refunds', 'participant_id IN (?, ?)', a.participantId, b.participantId)).toBe(2);
  });

  it('Should finish refunds Stripe could not take at close on a later cron run, with the same keys', async () => {
    stripe = stubStripe({ refundStatus: 'pending' });
    const group = await openGroupBuy(showroom, { minParticipants: 5 });
    const a = await joinPaid(group.id);
    await closeAsOrganiser(group.id);
    const pending = await env.DB.prepare('SELECT status, stripe_refund_id FROM refunds WHERE participant_id = ?').bind(a.participantId).first<Record<string, string>>();
    expect(pending).toMatchObject({ status: 'pending' });
    // closeAsOrganiser ran without a Stripe key: the refund waits for the cron job.
    expect(pending!.stripe_refund_id).toBeNull();

    await runCron();
    const afterFirst = await env.DB.prepare('SELECT status, stripe_refund_id FROM refunds WHERE participant_id = ?').bind(a.participantId).first<Record<string, string>>();
    expect(afterFirst).toMatchObject({ status: 'pending' });
    expect(afterFirst!.stripe_refund_id).toMatch(/^re_test_/);

    stripe.restore();
    stripe = stubStripe();
    await runCron();
    const settled = await env.DB.prepare('SELECT status FROM refunds WHERE participant_id = ?').bind(a.participantId).first('status');
    expect(settled).toBe('succeeded');
    // The second run looked the refund up instead of asking for a new one.
    expect(stripe.refundCalls()).toHaveLength(0);
    expect(stripe.calls.some((c) => c.method === 'GET' && c.path === `/v1/refunds/${afterFirst!.stripe_refund_id}`)).toBe(true);
  });

  it('Should retry a refund Stripe could not be reached for with the same idempotency key', async () => {
    stripe = stubStripe();
    const group = await openGroupBuy(showroom, { minParticipants: 5 });
    const a = await joinPaid(group.id);
    stripe.restore();
    const keys: (string | null)[] = [];
    const down = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      keys.push(new Request(input, init).headers.get('idempotency-key'));
      return new Response('{"error":{"type":"api_error","message":"down"}}', { status: 503, headers: { 'content-type': 'application/json' } });
    });
    await setClosesAt(group.id, Date.now() - 1);
    await runCron();
    down.mockRestore();
    expect((await env.DB.prepare('SELECT status FROM refunds WHERE participant_id = ?').bind(a.participantId).first('status'))).toBe('pending');
    // Every attempt (the close's, the SDK's own retries, the settle job's) used the refund's one key.
    expect(keys.filter((k) => k === `gb-refund:${a.participantId}`).length).toBeGreaterThanOrEqual(2);
    expect(keys.filter((k) => k?.startsWith('gb-refund:') && k !== `gb-refund:${a.participantId}`)).toEqual([]);

    stripe = stubStripe();
    await runCron();
    expect(stripe.refundCalls().map((c) => c.idempotencyKey)).toEqual([`gb-refund:${a.participantId}`]);
    expect(await env.DB.prepare('SELECT status FROM refunds WHERE participant_id = ?').bind(a.participantId).first('status')).toBe('succeeded');
  });
});

describe('the deadline', () => {
  it('Should be closed by the cron job at exactly its deadline, not a millisecond before', async () => {
    const group = await openGroupBuy(showroom, { minParticipants: 1 });
    await joinGroupBuy(group.id);
    const closesAt = Date.now() + 10 * 60 * 1000;
    await setClosesAt(group.id, closesAt);
    await runCron(closesAt - 1, { withStripe: false });
    expect((await statusOf(group.id)).status).toBe('open');
    await runCron(closesAt, { withStripe: false });
    const closed = await statusOf(group.id);
    expect(closed).toMatchObject({ status: 'succeeded', closedReason: 'deadline', closedAt: new Date(closesAt).toISOString() });
  });
});

describe('who may close', () => {
  it('Should let the organiser and an admin close, and nobody else', async () => {
    const group = await openGroupBuy(showroom);
    expect((await closeAsOrganiser(group.id, await demoToken('canteenPurchaser'))).status).toBe(404);
    expect((await closeAsOrganiser(group.id, await demoToken('buyer'))).status).toBe(404);
    expect((await callJson(`/api/v1/group-buys/${group.id}/close`, { method: 'POST' })).status).toBe(401);
    expect((await statusOf(group.id)).status).toBe('open');
    const admin = await closeAsOrganiser(group.id, await demoToken('admin'));
    expect(admin.status).toBe(200);
    const again = await closeAsOrganiser(group.id);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ status: 409, groupBuyStatus: admin.body.status });
  });

  it("Should let a canteen's purchaser close the canteen's group buy", async () => {
    const purchaser = await demoToken('canteenPurchaser');
    const group = await openGroupBuy(purchaser, { organizationId: CANTEEN, pickupOrganizationId: SHOWROOM });
    expect((await closeAsOrganiser(group.id, purchaser)).status).toBe(200);
  });
});

describe('capacity', () => {
  it('Should close early when the last place is taken, and refuse the next joiner', async () => {
    const group = await openGroupBuy(showroom, { minParticipants: 2, capacity: 3 });
    for (let i = 0; i < 2; i++) expect((await joinGroupBuy(group.id)).status).toBe(201);
    expect((await statusOf(group.id)).status).toBe('open');
    expect((await joinGroupBuy(group.id)).status).toBe(201);
    const closed = await statusOf(group.id);
    expect(closed).toMatchObject({ status: 'succeeded', closedReason: 'capacity', joinable: false });
    expect((await joinGroupBuy(group.id)).status).toBe(409);
    expect(await rowCount('group_buy_participants', 'group_buy_id = ?', group.id)).toBe(3);
  });

  it('Should wait for a live checkout before closing a full group, then close when it is paid', async () => {
    stripe = stubStripe();
    const group = await openGroupBuy(showroom, { minParticipants: 2, capacity: 2 });
    await joinGroupBuy(group.id);
    const paying = await callWithStripe(`/api/v1/group-buys/${group.id}/participants`, { method: 'POST', json: joinBody({ paymentMethod: 'stripe' }) });
    expect(paying.status).toBe(201);
    expect((await statusOf(group.id))).toMatchObject({ status: 'open', joinable: false });
    await runCron();
    expect((await statusOf(group.id)).status).toBe('open');
    await payParticipant(paying.body.payment.id);
    expect((await statusOf(group.id))).toMatchObject({ status: 'succeeded', closedReason: 'capacity' });
  });
});
