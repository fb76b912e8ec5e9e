import { beforeAll, describe, expect, it } from 'vitest';
import { callJson, demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { CANTEEN, makeCooperative, makeProduct, orderBody, pickupAtShowroom, row, rows, stockOf } from '../helpers/orders';

let coop: string;
let product: string;

beforeAll(async () => {
  await seedDatabase();
  coop = await makeCooperative();
  product = await makeProduct({ cooperativeId: coop, stock: 30 });
});

async function pickupOrder(quantity = 2, token?: string) {
  const { status, body } = await callJson('/api/v1/orders', { method: 'POST', token, json: orderBody([{ productId: product, quantity }], { paymentMethod: 'pay_at_pickup', delivery: pickupAtShowroom }) });
  expect(status).toBe(201);
  return body;
}

describe('POST /api/v1/orders/{id}/cancel', () => {
  it('Should let a guest with the order link cancel before payment and return the stock at once', async () => {
    const order = await pickupOrder(3);
    const reserved = await stockOf(product);
    const { status, body } = await callJson(`/api/v1/orders/${order.id}/cancel?token=${order.accessToken}`, { method: 'POST' });
    expect(status).toBe(200);
    expect(body.status).toBe('cancelled');
    expect(body.payment.status).toBe('cancelled');
    expect(body.shipments.every((s: any) => s.status === 'cancelled')).toBe(true);
    expect(await stockOf(product)).toBe(reserved + 3);
    // The cooperative, which had been told about the order, is told it is off.
    expect(await rows(`SELECT kind FROM notifications WHERE organization_id = ? AND kind = 'shipment.cancelled'`, coop)).toHaveLength(1);
  });

  it('Should answer 409 to a second cancel and leave the stock alone', async () => {
    const order = await pickupOrder(1);
    await callJson(`/api/v1/orders/${order.id}/cancel?token=${order.accessToken}`, { method: 'POST' });
    const stock = await stockOf(product);
    const again = await callJson(`/api/v1/orders/${order.id}/cancel?token=${order.accessToken}`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/already cancelled/);
    const racing = await Promise.all([1, 2].map(() => callJson(`/api/v1/orders/${order.id}/cancel?token=${order.accessToken}`, { method: 'POST' })));
    expect(racing.map((r) => r.status)).toEqual([409, 409]);
    expect(await stockOf(product)).toBe(stock);
  });

  it('Should release stock once when the same order is cancelled twice at the same moment', async () => {
    const order = await pickupOrder(4);
    const reserved = await stockOf(product);
    const results = await Promise.all([1, 2, 3].map(() => callJson(`/api/v1/orders/${order.id}/cancel?token=${order.accessToken}`, { method: 'POST' })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    expect(await stockOf(product)).toBe(reserved + 4);
  });

  it('Should refuse to cancel a paid order with 409', async () => {
    const order = await pickupOrder(1);
    const admin = await demoToken('admin');
    const confirmed = await callJson(`/api/v1/admin/payments/${order.payment.id}/confirm`, { method: 'POST', token: admin, json: { bankReference: '现金 展销馆前台' } });
    expect(confirmed.status).toBe(200);
    const stock = await stockOf(product);
    const { status, body } = await callJson(`/api/v1/orders/${order.id}/cancel?token=${order.accessToken}`, { method: 'POST' });
    expect(status).toBe(409);
    expect(body.detail).toMatch(/paid/);
    expect(await stockOf(product)).toBe(stock);
  });

  it('Should refuse to cancel once a cooperative accepted its shipment', async () => {
    const order = await pickupOrder(1);
    await row(`UPDATE shipments SET status = 'accepted' WHERE order_id = ? RETURNING id`, order.id);
    const { status } = await callJson(`/api/v1/orders/${order.id}/cancel?token=${order.accessToken}`, { method: 'POST' });
    expect(status).toBe(409);
    expect((await row<{ status: string }>(`SELECT status FROM orders WHERE id = ?`, order.id)).status).toBe('pending_payment');
  });

  it('Should answer 404 without the token or to someone else, and let a signed-in buyer cancel their own', async () => {
    const buyer = await demoToken('buyer');
    const order = await pickupOrder(1, buyer);
    expect((await callJson(`/api/v1/orders/${order.id}/cancel`, { method: 'POST' })).status).toBe(404);
    expect((await callJson(`/api/v1/orders/${order.id}/cancel?token=wrong`, { method: 'POST' })).status).toBe(404);
    expect((await callJson(`/api/v1/orders/${order.id}/cancel`, { method: 'POST', token: await demoToken('canteenPurchaser') })).status).toBe(404);
    expect((await callJson(`/api/v1/orders/${order.id}/cancel`, { method: 'POST', token: buyer })).status).toBe(200);
  });

  it('Should let the organisation’s purchaser cancel an unpaid invoice order but not a plain member', async () => {
    const owner = await demoToken('canteenOwner');
    const { body: order } = await callJson('/api/v1/orders', { method: 'POST', token: owner, json: orderBody([{ productId: product, quantity: 1 }], { paymentMethod: 'invoice', organizationId: CANTEEN }) });
    expect(order.status).toBe('invoiced');
    const purchaser = await demoToken('canteenPurchaser');
    const { status, body } = await callJson(`/api/v1/orders/${order.id}/cancel`, { method: 'POST', token: purchaser });
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'cancelled', invoiceStatus: null });
  });
});
