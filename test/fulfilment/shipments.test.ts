import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { productId, userId } from '../../seeds/seed';
import { assumeReceipts } from '../../src/fulfilment/shipments.service';
import { runScheduledJobs } from '../../src/jobs/scheduled';
import { createDb } from '../../src/db/client';
import { DAY_MS } from '../../src/lib/time';
import { coops } from '../helpers/cooperatives';
import { createFormedGroupBuy, createOrder } from '../helpers/fulfilment';
import { callJson, demoToken, newUser } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';

let staffA: string;
let staffB: string;
let buyer: string;
let showroom: string;

const HAM = productId('XW-HAM-001');
const HAM_SLICES = productId('XW-HAM-002');
let riceProduct: string;

beforeAll(async () => {
  await seedDatabase();
  [staffA, staffB, buyer, showroom] = await Promise.all([demoToken('coopStaffA'), demoToken('coopStaffB'), demoToken('buyer'), demoToken('showroomManager')]);
  const rice = await env.DB.prepare('SELECT id FROM products WHERE cooperative_id = ? LIMIT 1').bind(coops.b).first<{ id: string }>();
  riceProduct = rice!.id;
});

const post = (path: string, token?: string, json?: unknown) => callJson(path, { method: 'POST', token, json });
const orderStatus = async (id: string) => (await env.DB.prepare('SELECT status FROM orders WHERE id = ?').bind(id).first<{ status: string }>())!.status;

describe('the shipment state machine', () => {
  it('Should go pending → accepted → shipped → delivered and fulfil a one-shipment order', async () => {
    const order = await createOrder({ buyerUserId: userId('buyer'), parts: [{ lines: [{ productId: HAM, quantity: 2 }], shippingFen: 1200 }] });
    const [id] = order.shipmentIds;
    const accepted = await post(`/api/v1/shipments/${id}/accept`, staffA);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted', totalFen: 2 * 59800 + 1200 });
    expect(accepted.body.acceptedAt).toBeTypeOf('number');
    const shipped = await post(`/api/v1/shipments/${id}/ship`, staffA, { carrier: '顺丰速运', trackingNumber: 'SF1234567890' });
    expect(shipped.body).toMatchObject({ status: 'shipped', carrier: '顺丰速运', trackingNumber: 'SF1234567890' });
    expect(await orderStatus(order.orderId)).toBe('paid');
    const delivered = await post(`/api/v1/shipments/${id}/deliver`, staffA);
    expect(delivered.body.status).toBe('delivered');
    expect(await orderStatus(order.orderId)).toBe('fulfilled');
  });

  it('Should refuse to ship before accepting, and to deliver twice, with 409 and the real status', async () => {
    const order = await createOrder({ parts: [{ lines: [{ productId: HAM, quantity: 1 }] }] });
    const [id] = order.shipmentIds;
    const early = await post(`/api/v1/shipments/${id}/ship`, staffA, { carrier: 'EMS', trackingNumber: 'EMS0001' });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: 'invalid_state', status: 409, shipmentId: id, shipmentStatus: 'pending' });
    expect(early.body.detail).toMatch(/pending, not accepted/);
    expect((await post(`/api/v1/shipments/${id}/deliver`, staffA)).status).toBe(409);
    await post(`/api/v1/shipments/${id}/accept`, staffA);
    expect((await post(`/api/v1/shipments/${id}/accept`, staffA)).status).toBe(409);
    await post(`/api/v1/shipments/${id}/ship`, staffA, { carrier: 'EMS', trackingNumber: 'EMS0001' });
    expect((await post(`/api/v1/shipments/${id}/ship`, staffA, { carrier: 'EMS', trackingNumber: 'EMS0002' })).status).toBe(409);
    expect((await post(`/api/v1/shipments/${id}/deliver`, staffA)).status).toBe(200);
    const twice = await post(`/api/v1/shipments/${id}/deliver`, staffA);
    expect(twice.status).toBe(409);
    expect(twice.body.shipmentStatus).toBe('delivered');
    const row = await env.DB.prepare('SELECT tracking_number FROM shipments WHERE id = ?').bind(id).first<{ tracking_number: string }>();
    expect(row!.tracking_number).toBe('EMS0001');
  });

  it('Should let only one of two simultaneous accepts win', async () => {
    const order = await createOrder({ parts: [{ lines: [{ productId: HAM, quantity: 1 }] }] });
    const [id] = order.shipmentIds;
    const results = await Promise.all([post(`/api/v1/shipments/${id}/accept`, staffA), post(`/api/v1/shipments/${id}/accept`, staffA)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  });

  it('Should fulfil a two-cooperative order only when the last shipment is delivered', async () => {
    const order = await createOrder({ parts: [{ lines: [{ productId: HAM, quantity: 1 }] }, { lines: [{ productId: riceProduct, quantity: 1 }] }] });
    const [a, b] = order.shipmentIds;
    for (const [id, token] of [[a!, staffA], [b!, staffB]] as const) {
      await post(`/api/v1/shipments/${id}/accept`, token);
      await post(`/api/v1/shipments/${id}/ship`, token, { carrier: '中通快递', trackingNumber: `ZTO-${id.slice(-6)}` });
    }
    await post(`/api/v1/shipments/${a}/deliver`, staffA);
    expect(await orderStatus(order.orderId)).toBe('paid');
    await post(`/api/v1/shipments/${b}/deliver`, staffB);
    expect(await orderStatus(order.orderId)).toBe('fulfilled');
  });

  it('Should not fulfil a cancelled or refunded order when its shipment is delivered', async () => {
    const order = await createOrder({ status: 'refunded', parts: [{ lines: [{ productId: HAM, quantity: 1 }], status: 'shipped' }] });
    await post(`/api/v1/shipments/${order.shipmentIds[0]}/deliver`, staffA);
    expect(await orderStatus(order.orderId)).toBe('refunded');
  });

  it.each([
    ['no carrier', { trackingNumber: 'SF1' + '2345' }],
    ['a tracking number with spaces', { carrier: 'SF', trackingNumber: 'SF 123 456' }],
    ['a short tracking number', { carrier: 'SF', trackingNumber: 'S1' }],
  ])('Should refuse shipping with %s (400)', async (_label, body) => {
    const order = await createOrder({ parts: [{ lines: [{ productId: HAM, quantity: 1 }], status: 'accepted' }] });
    expect((await post(`/api/v1/shipments/${order.shipmentIds[0]}/ship`, staffA, body)).status).toBe(400);
  });
});

describe('who sees which shipments', () => {
  it("Should answer 404 to another cooperative for every move and read", async () => {
    const order = await createOrder({ parts: [{ lines: [{ productId: HAM, quantity: 1 }] }] });
    const [id] = order.shipmentIds;
    expect((await callJson(`/api/v1/shipments/${id}`, { token: staffB })).status).toBe(404);
    expect((await post(`/api/v1/shipments/${id}/accept`, staffB)).status).toBe(404);
    expect((await post(`/api/v1/shipments/${id}/ship`, staffB, { carrier: 'x', trackingNumber: 'XX1234' })).status).toBe(404);
    expect((await post(`/api/v1/shipments/${id}/deliver`, staffB)).status).toBe(404);
    expect((await callJson(`/api/v1/shipments?cooperativeId=${coops.a}`, { token: staffB })).status).toBe(404);
    const row = await env.DB.prepare('SELECT status FROM shipments WHERE id = ?').bind(id).first<{ status: string }>();
    expect(row!.status).toBe('pending');
  });

  it('Should hide shipments not yet released (unpaid orders)', async () => {
    const order = await createOrder({ status: 'pending_payment', parts: [{ lines: [{ productId: HAM, quantity: 1 }] }] });
    const [id] = order.shipmentIds;
    expect((await callJson(`/api/v1/shipments/${id}`, { token: staffA })).status).toBe(404);
    expect((await post(`/api/v1/shipments/${id}/accept`, staffA)).status).toBe(404);
    const list = await callJson(`/api/v1/shipments?cooperativeId=${coops.a}&limit=100`, { token: staffA });
    expect(list.body.items.map((s: { id: string }) => s.id)).not.toContain(id);
  });

  it('Should list own shipments with filters and pagination', async () => {
    const base = Date.UTC(2030, 0, 10);
    const shipped = await createOrder({ at: base, parts: [{ lines: [{ productId: HAM_SLICES, quantity: 3 }] }] });
    const pickup = await createOrder({ at: base + DAY_MS, pickupOrganizationId: 'org_lijiang_showroom_yangpu', parts: [{ lines: [{ productId: HAM_SLICES, quantity: 1 }] }] });
    const q = `/api/v1/shipments?cooperativeId=${coops.a}`;
    const all = await callJson(`${q}&from=2030-01-10&to=2030-01-11`, { token: staffA });
    expect(all.status).toBe(200);
    expect(all.body.items.map((s: { id: string }) => s.id)).toEqual([pickup.shipmentIds[0], shipped.shipmentIds[0]]);
    expect(all.body.items[1].items).toMatchObject([{ sku: 'XW-HAM-002', quantity: 3 }]);
    const firstDay = await callJson(`${q}&from=2030-01-10&to=2030-01-10`, { token: staffA });
    expect(firstDay.body.items.map((s: { id: string }) => s.id)).toEqual([shipped.shipmentIds[0]]);
    const pickups = await callJson(`${q}&from=2030-01-10&to=2030-01-11&deliveryMethod=pickup`, { token: staffA });
    expect(pickups.body.items.map((s: { id: string }) => s.id)).toEqual([pickup.shipmentIds[0]]);
    const page1 = await callJson(`${q}&from=2030-01-10&to=2030-01-11&limit=1`, { token: staffA });
    const page2 = await callJson(`${q}&from=2030-01-10&to=2030-01-11&limit=1&cursor=${page1.body.nextCursor}`, { token: staffA });
    expect([...page1.body.items, ...page2.body.items].map((s: { id: string }) => s.id)).toEqual([pickup.shipmentIds[0], shipped.shipmentIds[0]]);
    expect(page2.body.nextCursor).toBeNull();
    const accepted = await callJson(`${q}&status=accepted`, { token: staffA });
    expect(accepted.body.items.every((s: { status: string }) => s.status === 'accepted')).toBe(true);
  });

  it.each([['status=lost'], ['from=2030-02-30'], ['deliveryMethod=drone'], ['cursor=garbage']])('Should refuse a bad filter %s with 400', async (filter) => {
    expect((await callJson(`/api/v1/shipments?cooperativeId=${coops.a}&${filter}`, { token: staffA })).status).toBe(400);
  });
});

describe('POST /api/v1/shipments/{id}/confirm-receipt', () => {
  it('Should let the signed-in buyer confirm a shipped shipment', async () => {
    const order = await createOrder({ buyerUserId: userId('buyer'), parts: [{ lines: [{ productId: HAM, quantity: 1 }], status: 'shipped' }] });
    const res = await post(`/api/v1/shipments/${order.shipmentIds[0]}/confirm-receipt`, buyer);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('delivered');
    expect(res.body.receiptConfirmedAt).toBeTypeOf('number');
    expect(await orderStatus(order.orderId)).toBe('fulfilled');
  });

  it("Should let a guest confirm with the order's token and nobody else", async () => {
    const order = await createOrder({ parts: [{ lines: [{ productId: HAM, quantity: 1 }], status: 'shipped' }] });
    const [id] = order.shipmentIds;
    const stranger = await newUser();
    expect((await post(`/api/v1/shipments/${id}/confirm-receipt`, stranger.token)).status).toBe(404);
    expect((await post(`/api/v1/shipments/${id}/confirm-receipt?token=wrong`)).status).toBe(404);
    expect((await post(`/api/v1/shipments/${id}/confirm-receipt?token=${order.accessToken}`)).status).toBe(200);
    expect((await post(`/api/v1/shipments/${id}/confirm-receipt?token=${order.accessToken}`)).status).toBe(409);
  });

  it('Should let the pickup showroom confirm a group-buy shipment', async () => {
    const gb = await createFormedGroupBuy({
      organizerOrganizationId: 'org_lijiang_showroom_yangpu',
      pickupOrganizationId: 'org_lijiang_showroom_yangpu',
      participants: [[{ productId: HAM_SLICES, quantity: 2 }]],
      shipmentStatus: 'shipped',
    });
    expect((await post(`/api/v1/shipments/${gb.shipmentIds[0]}/confirm-receipt`, buyer)).status).toBe(404);
    expect((await post(`/api/v1/shipments/${gb.shipmentIds[0]}/confirm-receipt`, showroom)).status).toBe(200);
  });

  it('Should refuse to confirm a shipment that has not shipped (409)', async () => {
    const order = await createOrder({ buyerUserId: userId('buyer'), parts: [{ lines: [{ productId: HAM, quantity: 1 }], status: 'accepted' }] });
    expect((await post(`/api/v1/shipments/${order.shipmentIds[0]}/confirm-receipt`, buyer)).status).toBe(409);
  });
});

describe('the assumed-receipt job', () => {
  it('Should deliver shipments shipped more than receiptAssumedAfterDays ago, once', async () => {
    const now = Date.UTC(2031, 5, 1);
    const old = await createOrder({ at: now - 8 * DAY_MS, parts: [{ lines: [{ productId: HAM, quantity: 1 }], status: 'shipped' }] });
    const recent = await createOrder({ at: now - 2 * DAY_MS, parts: [{ lines: [{ productId: HAM, quantity: 1 }], status: 'shipped' }] });
    const db = createDb(env.DB);
    const first = await assumeReceipts(db, now);
    expect(first).toBeGreaterThanOrEqual(1);
    const again = await assumeReceipts(db, now);
    expect(again).toBe(0);
    const rows = await env.DB.prepare('SELECT id, status, delivered_at, receipt_confirmed_at FROM shipments WHERE id IN (?, ?)').bind(old.shipmentIds[0], recent.shipmentIds[0]).all<{ id: string; status: string; delivered_at: number | null; receipt_confirmed_at: number | null }>();
    const byId = new Map(rows.results.map((r) => [r.id, r]));
    expect(byId.get(old.shipmentIds[0]!)).toMatchObject({ status: 'delivered', delivered_at: now, receipt_confirmed_at: null });
    expect(byId.get(recent.shipmentIds[0]!)!.status).toBe('shipped');
    expect(await orderStatus(old.orderId)).toBe('fulfilled');
  });

  it('Should be one of the scheduled jobs', async () => {
    const order = await createOrder({ at: Date.now() - 30 * DAY_MS, parts: [{ lines: [{ productId: HAM, quantity: 1 }], status: 'shipped' }] });
    const results = await runScheduledJobs(env);
    expect(results['assume-shipment-receipt']).toBeGreaterThanOrEqual(1);
    expect(await orderStatus(order.orderId)).toBe('fulfilled');
  });
});
