import { beforeAll, describe, expect, it } from 'vitest';
import { demoCooperativeIds } from '../../seeds/seed';
import { callJson, demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { CANTEEN, makeProduct, orderBody, pickupAtShowroom, row } from '../helpers/orders';

let coopA: string;
let coopB: string;
let productA: string;
let productB: string;

beforeAll(async () => {
  await seedDatabase();
  ({ a: coopA, b: coopB } = demoCooperativeIds());
  productA = await makeProduct({ cooperativeId: coopA, stock: 50 });
  productB = await makeProduct({ cooperativeId: coopB, stock: 50 });
});

const twoCoops = (extra: Record<string, unknown> = {}) =>
  orderBody([{ productId: productA, quantity: 1 }, { productId: productB, quantity: 2 }], { paymentMethod: 'pay_at_pickup', delivery: pickupAtShowroom, ...extra });

describe('GET /api/v1/orders/{id}', () => {
  it('Should show a guest their order with the token and hide it without', async () => {
    const { body: order } = await callJson('/api/v1/orders', { method: 'POST', json: twoCoops() });
    const withToken = await callJson(`/api/v1/orders/${order.id}?token=${order.accessToken}`);
    expect(withToken.status).toBe(200);
    expect(withToken.body).toEqual(order);
    expect((await callJson(`/api/v1/orders/${order.id}`)).status).toBe(404);
    expect((await callJson(`/api/v1/orders/${order.id}?token=${order.accessToken.replace(/.$/, '0')}x`)).status).toBe(404);
    expect((await callJson(`/api/v1/orders/${order.id}`, { token: await demoToken('buyer') })).status).toBe(404);
  });

  it('Should show a cooperative only its own shipment and lines, and nothing of the payment', async () => {
    const { body: order } = await callJson('/api/v1/orders', { method: 'POST', json: twoCoops() });
    const { status, body } = await callJson(`/api/v1/orders/${order.id}`, { token: await demoToken('coopStaffA') });
    expect(status).toBe(200);
    expect(body.shipments.map((s: any) => s.cooperativeId)).toEqual([coopA]);
    expect(body.lines.map((l: any) => l.productId)).toEqual([productA]);
    expect(body.payment).toBeNull();
    expect(body.accessToken).toBeUndefined();
    expect(body.totalFen).toBe(body.shipments[0].subtotalFen + body.shipments[0].shippingFen);
  });

  it('Should let members of the buyer organisation and admins read it', async () => {
    const { body: order } = await callJson('/api/v1/orders', { method: 'POST', token: await demoToken('canteenPurchaser'), json: twoCoops({ paymentMethod: 'invoice', organizationId: CANTEEN }) });
    const owner = await callJson(`/api/v1/orders/${order.id}`, { token: await demoToken('canteenOwner') });
    expect(owner.status).toBe(200);
    expect(owner.body.accessToken).toBeUndefined();
    const admin = await callJson(`/api/v1/orders/${order.id}`, { token: await demoToken('admin') });
    expect(admin.status).toBe(200);
    expect(admin.body.shipments).toHaveLength(2);
  });
});

describe('GET /api/v1/orders', () => {
  it('Should list my orders newest first, page by page', async () => {
    const buyer = await demoToken('buyer');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await callJson('/api/v1/orders', { method: 'POST', token: buyer, json: twoCoops() })).body.id);
    const first = await callJson('/api/v1/orders?limit=2', { token: buyer });
    expect(first.status).toBe(200);
    expect(first.body.items.map((o: any) => o.id)).toEqual([ids[2], ids[1]]);
    const second = await callJson(`/api/v1/orders?limit=2&cursor=${first.body.nextCursor}`, { token: buyer });
    expect(second.body.items.map((o: any) => o.id)).toEqual([ids[0]]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('Should list an organisation’s orders for its members only', async () => {
    const purchaser = await demoToken('canteenPurchaser');
    await callJson('/api/v1/orders', { method: 'POST', token: purchaser, json: twoCoops({ paymentMethod: 'invoice', organizationId: CANTEEN }) });
    const { body } = await callJson(`/api/v1/orders?organizationId=${CANTEEN}`, { token: await demoToken('canteenOwner') });
    expect(body.items.length).toBeGreaterThan(0);
    expect(body.items.every((o: any) => o.organizationId === CANTEEN)).toBe(true);
    expect((await callJson(`/api/v1/orders?organizationId=${CANTEEN}`, { token: await demoToken('buyer') })).status).toBe(404);
    expect((await callJson('/api/v1/orders')).status).toBe(401);
    expect((await callJson('/api/v1/orders?cursor=garbage', { token: purchaser })).status).toBe(400);
    const total = await row<{ n: number }>(`SELECT COUNT(*) AS n FROM orders WHERE organization_id = ?`, CANTEEN);
    expect(body.items.length).toBe(Math.min(total.n, 20));
  });
});

describe('POST /api/v1/quotes', () => {
  it('Should price items with tiers and shipping per cooperative and report problems without reserving', async () => {
    const { status, body } = await callJson('/api/v1/quotes', { method: 'POST', json: { items: [{ productId: productA, quantity: 2 }, { productId: 'prd_missing', quantity: 1 }], deliveryMethod: 'ship' } });
    expect(status).toBe(200);
    expect(body.lines).toHaveLength(1);
    expect(body.problems).toEqual([expect.objectContaining({ path: 'items.1.productId', rule: 'unknown_product' })]);
    expect(body.totalFen).toBe(body.subtotalFen + body.shippingFen);
  });
});
