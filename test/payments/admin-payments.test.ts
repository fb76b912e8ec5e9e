import { beforeAll, describe, expect, it } from 'vitest';
import { callJson, demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { CANTEEN, makeCooperative, makeProduct, orderBody, orderRowCounts, pickupAtShowroom, row, rows, stockOf } from '../helpers/orders';

let coop: string;
let product: string;
let admin: string;

beforeAll(async () => {
  await seedDatabase();
  coop = await makeCooperative({ shippingFlatFeeFen: 1000, freeShippingAboveFen: null });
  product = await makeProduct({ cooperativeId: coop, unitPriceFen: 4000, stock: 100, category: 'tea' });
  admin = await demoToken('admin');
});

async function pickupOrder(quantity = 1) {
  const { body } = await callJson('/api/v1/orders', { method: 'POST', json: orderBody([{ productId: product, quantity }], { paymentMethod: 'pay_at_pickup', delivery: pickupAtShowroom }) });
  return body;
}

async function invoiceOrder(quantity = 1) {
  const { body } = await callJson('/api/v1/orders', { method: 'POST', token: await demoToken('canteenPurchaser'), json: orderBody([{ productId: product, quantity }], { paymentMethod: 'invoice', organizationId: CANTEEN }) });
  return body;
}

const salesOf = () => row<{ sales: number; refunds: number; orders: number }>(`SELECT COALESCE(SUM(sales_fen), 0) AS sales, COALESCE(SUM(refunds_fen), 0) AS refunds, COALESCE(SUM(orders), 0) AS orders FROM sales_daily WHERE cooperative_id = ?`, coop);

describe('POST /api/v1/admin/payments/{id}/confirm', () => {
  it('Should record a pay-at-pickup payment as received, count the sale and audit it; twice is a 409', async () => {
    const order = await pickupOrder(2);
    const sales = await salesOf();
    const { status, body } = await callJson(`/api/v1/admin/payments/${order.payment.id}/confirm`, { method: 'POST', token: admin, json: { bankReference: '现金 · 展销馆前台 #12' } });
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'succeeded', bankReference: '现金 · 展销馆前台 #12' });
    expect(await row(`SELECT status FROM orders WHERE id = ?`, order.id)).toEqual({ status: 'paid' });
    expect(await salesOf()).toEqual({ sales: sales.sales + 8000, refunds: sales.refunds, orders: sales.orders + 1 });
    const audit = await rows<{ action: string; actor: string }>(`SELECT action, actor_user_id AS actor FROM audit_log WHERE entity_id = ?`, order.payment.id);
    expect(audit).toEqual([{ action: 'payment.confirm', actor: 'usr_demo_admin' }]);

    const counts = await orderRowCounts();
    const again = await callJson(`/api/v1/admin/payments/${order.payment.id}/confirm`, { method: 'POST', token: admin, json: { bankReference: 'again' } });
    expect(again.status).toBe(409);
    expect(await orderRowCounts()).toEqual(counts);
  });

  it('Should confirm one of two simultaneous confirmations only', async () => {
    const order = await pickupOrder(1);
    const sales = await salesOf();
    const results = await Promise.all([1, 2].map((i) => callJson(`/api/v1/admin/payments/${order.payment.id}/confirm`, { method: 'POST', token: admin, json: { bankReference: `desk ${i}` } })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect((await salesOf()).orders).toBe(sales.orders + 1);
  });

  it('Should mark an invoice paid when the bank transfer is confirmed', async () => {
    const order = await invoiceOrder(1);
    expect(order.status).toBe('invoiced');
    await callJson(`/api/v1/admin/payments/${order.payment.id}/confirm`, { method: 'POST', token: admin, json: { bankReference: 'ICBC 88231' } });
    expect(await row(`SELECT status, invoice_status AS invoice FROM orders WHERE id = ?`, order.id)).toEqual({ status: 'paid', invoice: 'paid' });
  });

  it('Should refuse non-admins, unknown payments and an empty reference', async () => {
    const order = await pickupOrder(1);
    const url = `/api/v1/admin/payments/${order.payment.id}/confirm`;
    expect((await callJson(url, { method: 'POST', json: { bankReference: 'x' } })).status).toBe(401);
    expect((await callJson(url, { method: 'POST', token: await demoToken('showroomManager'), json: { bankReference: 'x' } })).status).toBe(403);
    expect((await callJson('/api/v1/admin/payments/pay_missing/confirm', { method: 'POST', token: admin, json: { bankReference: 'x' } })).status).toBe(404);
    const empty = await callJson(url, { method: 'POST', token: admin, json: { bankReference: '  ' } });
    expect(empty.status).toBe(400);
    expect(empty.body.errors[0].path).toBe('body.bankReference');
  });

  it('Should refuse to confirm a cancelled order’s payment', async () => {
    const order = await pickupOrder(1);
    await callJson(`/api/v1/orders/${order.id}/cancel?token=${order.accessToken}`, { method: 'POST' });
    const { status } = await callJson(`/api/v1/admin/payments/${order.payment.id}/confirm`, { method: 'POST', token: admin, json: { bankReference: 'late' } });
    expect(status).toBe(409);
  });
});

describe('POST /api/v1/admin/orders/{id}/refunds (money not taken by Stripe)', () => {
  async function paidOrder(quantity = 2) {
    const order = await pickupOrder(quantity);
    await callJson(`/api/v1/admin/payments/${order.payment.id}/confirm`, { method: 'POST', token: admin, json: { bankReference: 'cash' } });
    return order;
  }

  it('Should record a partial refund as made, roll it up and audit it', async () => {
    const order = await paidOrder(2);
    const sales = await salesOf();
    const { status, body } = await callJson(`/api/v1/admin/orders/${order.id}/refunds`, { method: 'POST', token: admin, json: { amountFen: 4000, reason: '退一盒（现金退回）' } });
    expect(status).toBe(201);
    expect(body).toMatchObject({ amountFen: 4000, status: 'succeeded', reason: '退一盒（现金退回）' });
    expect(await row(`SELECT status, refunded_fen AS r FROM orders WHERE id = ?`, order.id)).toEqual({ status: 'paid', r: 4000 });
    expect((await salesOf()).refunds).toBe(sales.refunds + 4000);
    expect(await rows(`SELECT action FROM audit_log WHERE entity_id = ? AND action = 'payment.refund'`, order.id)).toHaveLength(1);
  });

  it('Should refund the rest without an amount, close the order and put unshipped goods back on sale', async () => {
    const order = await paidOrder(3);
    const stock = await stockOf(product);
    await callJson(`/api/v1/admin/orders/${order.id}/refunds`, { method: 'POST', token: admin, json: { amountFen: 1000, reason: 'part' } });
    const rest = await callJson(`/api/v1/admin/orders/${order.id}/refunds`, { method: 'POST', token: admin, json: { reason: 'the rest' } });
    expect(rest.body.amountFen).toBe(order.totalFen - 1000);
    expect(await row(`SELECT status, refunded_fen AS r FROM orders WHERE id = ?`, order.id)).toEqual({ status: 'refunded', r: order.totalFen });
    expect(await row(`SELECT status FROM shipments WHERE order_id = ?`, order.id)).toEqual({ status: 'cancelled' });
    expect(await stockOf(product)).toBe(stock + 3);
  });

  it('Should never refund more than was paid, even when two refunds race', async () => {
    const order = await paidOrder(1);
    const tooMuch = await callJson(`/api/v1/admin/orders/${order.id}/refunds`, { method: 'POST', token: admin, json: { amountFen: order.totalFen + 1, reason: 'x' } });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.errors[0].path).toBe('body.amountFen');
    const racing = await Promise.all([1, 2].map(() => callJson(`/api/v1/admin/orders/${order.id}/refunds`, { method: 'POST', token: admin, json: { amountFen: order.totalFen, reason: 'double click' } })));
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(await row(`SELECT refunded_fen AS r FROM payments WHERE order_id = ?`, order.id)).toEqual({ r: order.totalFen });
    const after = await callJson(`/api/v1/admin/orders/${order.id}/refunds`, { method: 'POST', token: admin, json: { reason: 'again' } });
    expect(after.status).toBe(409);
  });

  it('Should return the same refund for a retried Idempotency-Key', async () => {
    const order = await paidOrder(2);
    const key = crypto.randomUUID();
    const send = () => callJson(`/api/v1/admin/orders/${order.id}/refunds`, { method: 'POST', token: admin, json: { amountFen: 500, reason: 'retry me' }, headers: { 'idempotency-key': key } });
    const first = await send();
    const second = await send();
    expect(second.body).toEqual(first.body);
    expect(await rows(`SELECT id FROM refunds WHERE order_id = ?`, order.id)).toHaveLength(1);
  });

  it('Should refuse to refund an unpaid order', async () => {
    const order = await pickupOrder(1);
    const { status } = await callJson(`/api/v1/admin/orders/${order.id}/refunds`, { method: 'POST', token: admin, json: { reason: 'nothing paid' } });
    expect(status).toBe(409);
    expect((await callJson(`/api/v1/admin/orders/${order.id}/refunds`, { method: 'POST', token: await demoToken('buyer'), json: { reason: 'x' } })).status).toBe(403);
  });
});

describe('GET /api/v1/admin/payments', () => {
  it('Should list payments waiting for an admin', async () => {
    const order = await invoiceOrder(1);
    const { status, body } = await callJson('/api/v1/admin/payments', { token: admin });
    expect(status).toBe(200);
    expect(body.items.some((p: any) => p.id === order.payment.id && p.method === 'invoice' && p.status === 'pending')).toBe(true);
    expect(body.items.every((p: any) => p.status === 'pending')).toBe(true);
    expect((await callJson('/api/v1/admin/payments', { token: await demoToken('buyer') })).status).toBe(403);
  });
});
