import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, newOrganization } from '../helpers/accounts';
import { callJson, demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { makeCooperative, makeProduct, orderBody, orderRowCounts, pickupAtShowroom, stockOf } from '../helpers/orders';

let product: string;

beforeAll(async () => {
  await seedDatabase();
  product = await makeProduct({ cooperativeId: await makeCooperative(), stock: 20 });
});

const body = () => orderBody([{ productId: product, quantity: 2 }], { paymentMethod: 'pay_at_pickup', delivery: pickupAtShowroom });

describe('Idempotency-Key on POST /orders', () => {
  it('Should create one order for the same key sent twice and answer the same body', async () => {
    const key = crypto.randomUUID();
    const first = await callJson('/api/v1/orders', { method: 'POST', json: body(), headers: { 'idempotency-key': key } });
    const countsAfterFirst = await orderRowCounts();
    const second = await callJson('/api/v1/orders', { method: 'POST', json: body(), headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.res.headers.get('idempotent-replayed')).toBe('true');
    expect(await orderRowCounts()).toEqual(countsAfterFirst);
    expect(await stockOf(product)).toBe(18);
  });

  it('Should replay a placed order even when the same request would be refused today (stock gone, pickup point suspended)', async () => {
    const own = await makeProduct({ cooperativeId: await makeCooperative(), stock: 2 });
    const showroom = await newOrganization('showroom', { verified: true });
    const request = orderBody([{ productId: own, quantity: 2 }], { paymentMethod: 'pay_at_pickup', delivery: { method: 'pickup', pickupOrganizationId: showroom.id } });
    const key = crypto.randomUUID();
    const first = await callJson('/api/v1/orders', { method: 'POST', json: request, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    expect(await stockOf(own)).toBe(0);
    expect((await callJson(`/api/v1/admin/organizations/${showroom.id}/suspend`, { method: 'POST', token: await adminToken() })).status).toBe(200);
    // A fresh request is refused for the pickup point...
    expect((await callJson('/api/v1/orders', { method: 'POST', json: request })).status).toBe(422);
    // ...but the retry of the one that was placed gets its order back.
    const retry = await callJson('/api/v1/orders', { method: 'POST', json: request, headers: { 'idempotency-key': key } });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
  });

  it('Should create one order when the same key races itself', async () => {
    const key = crypto.randomUUID();
    const before = await stockOf(product);
    const results = await Promise.all(Array.from({ length: 5 }, () => callJson('/api/v1/orders', { method: 'POST', json: body(), headers: { 'idempotency-key': key } })));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(await stockOf(product)).toBe(before - 2);
  });

  it('Should answer 422 when a used key comes with a different body, writing nothing', async () => {
    const key = crypto.randomUUID();
    await callJson('/api/v1/orders', { method: 'POST', json: body(), headers: { 'idempotency-key': key } });
    const counts = await orderRowCounts();
    const stock = await stockOf(product);
    const changed = orderBody([{ productId: product, quantity: 3 }], { paymentMethod: 'pay_at_pickup', delivery: pickupAtShowroom });
    const { status, body: problem } = await callJson('/api/v1/orders', { method: 'POST', json: changed, headers: { 'idempotency-key': key } });
    expect(status).toBe(422);
    expect(problem.code).toBe('idempotency_mismatch');
    expect(await orderRowCounts()).toEqual(counts);
    expect(await stockOf(product)).toBe(stock);
  });

  it('Should keep keys apart per signed-in buyer', async () => {
    const key = crypto.randomUUID();
    const guest = await callJson('/api/v1/orders', { method: 'POST', json: body(), headers: { 'idempotency-key': key } });
    const buyer = await callJson('/api/v1/orders', { method: 'POST', json: body(), headers: { 'idempotency-key': key }, token: await demoToken('buyer') });
    expect(guest.status).toBe(201);
    expect(buyer.status).toBe(201);
    expect(buyer.body.id).not.toBe(guest.body.id);
  });

  it('Should reject a malformed key with 400', async () => {
    const { status, body: problem } = await callJson('/api/v1/orders', { method: 'POST', json: body(), headers: { 'idempotency-key': 'short' } });
    expect(status).toBe(400);
    expect(problem.errors[0].path).toBe('header.idempotency-key');
  });
});
