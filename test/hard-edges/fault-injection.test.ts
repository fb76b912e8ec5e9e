import { beforeAll, describe, expect, it } from 'vitest';
import { productId } from '../../seeds/seed';
import { DAY_MS, startOfShanghaiDay } from '../../src/lib/time';
import { d1FailingOnce, moneyState } from '../helpers/faults';
import { createOrder } from '../helpers/fulfilment';
import { callJson, demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { callWithEnv, jsonOf, makeCooperative, makeProduct, orderBody, pickupAtShowroom } from '../helpers/orders';
import { joinBody, openGroupBuy } from '../helpers/group-buys';

/**
 * A D1 error in the middle of each money-bearing batch (src/db/batch.ts callers): the attempt fails,
 * every table and the stock are exactly as before, and one retry applies the write exactly once.
 */
let admin: string;
let showroom: string;

beforeAll(async () => {
  await seedDatabase();
  [admin, showroom] = await Promise.all([demoToken('admin'), demoToken('showroomManager')]);
});

async function failedThenRetried(when: RegExp, send: (db?: D1Database) => Promise<Response>) {
  const faulty = d1FailingOnce(when);
  const before = await moneyState();
  const failed = await send(faulty.DB);
  expect(faulty.injected(), 'the fault was injected into a batch').toBe(1);
  expect(failed.status).toBeGreaterThanOrEqual(500);
  expect(await moneyState()).toEqual(before);
  const retried = await jsonOf(await send());
  expect(retried.status, JSON.stringify(retried.body)).toBeLessThan(300);
  return { before, after: await moneyState(), body: retried.body };
}

const call = (db: D1Database | undefined, path: string, init: Parameters<typeof callWithEnv>[2]) => callWithEnv(db ? { DB: db } : {}, path, init);

describe('a D1 error in the middle of a money-bearing batch', () => {
  it('Should leave nothing of a failed order and place it once on retry (same Idempotency-Key)', async () => {
    const product = await makeProduct({ cooperativeId: await makeCooperative(), stock: 20 });
    const request = { method: 'POST', json: orderBody([{ productId: product, quantity: 3 }], { delivery: pickupAtShowroom }), headers: { 'idempotency-key': `fault-order-${crypto.randomUUID()}` } };
    const { before, after, body } = await failedThenRetried(/insert into "orders"/i, (db) => call(db, '/api/v1/orders', request));
    expect(after.orders).toBe(before.orders + 1);
    expect(after.stock).toBe(before.stock - 3);
    const again = await jsonOf(await call(undefined, '/api/v1/orders', request));
    expect(again.body.id).toBe(body.id);
    expect((await moneyState()).orders).toBe(after.orders);
  });

  it('Should leave nothing of a failed group-buy join and join once on retry', async () => {
    const group = await openGroupBuy(showroom);
    const request = { method: 'POST', json: joinBody(), headers: { 'idempotency-key': `fault-join-${crypto.randomUUID()}` } };
    const { before, after } = await failedThenRetried(/insert into "group_buy_participants"/i, (db) => call(db, `/api/v1/group-buys/${group.id}/participants`, request));
    expect(after.group_buy_participants).toBe(before.group_buy_participants + 1);
    await call(undefined, `/api/v1/group-buys/${group.id}/participants`, request);
    expect((await moneyState()).group_buy_participants).toBe(after.group_buy_participants);
  });

  it('Should leave a group buy open when closing fails, and close it once on retry', async () => {
    const group = await openGroupBuy(showroom, { minParticipants: 1 });
    expect((await callJson(`/api/v1/group-buys/${group.id}/participants`, { method: 'POST', json: joinBody() })).status).toBe(201);
    const { before, after, body } = await failedThenRetried(/update "group_buys"/i, (db) => call(db, `/api/v1/group-buys/${group.id}/close`, { method: 'POST', token: showroom }));
    expect(body.status).toBe('succeeded');
    expect(after.open_group_buys).toBe(before.open_group_buys - 1);
    expect(after.shipments).toBeGreaterThan(before.shipments);
    const again = await call(undefined, `/api/v1/group-buys/${group.id}/close`, { method: 'POST', token: showroom });
    expect(again.status).toBe(409);
    expect((await moneyState()).shipments).toBe(after.shipments);
  });

  it('Should leave nothing of a failed refund and refund once on retry (same Idempotency-Key)', async () => {
    const product = await makeProduct({ cooperativeId: await makeCooperative(), stock: 20 });
    const placed = await callJson('/api/v1/orders', { method: 'POST', json: orderBody([{ productId: product, quantity: 2 }], { delivery: pickupAtShowroom }) });
    expect(placed.status).toBe(201);
    expect((await callJson(`/api/v1/admin/payments/${placed.body.payment.id}/confirm`, { method: 'POST', token: admin, json: { bankReference: 'cash' } })).status).toBe(200);
    const request = { method: 'POST', token: admin, json: { amountFen: 500, reason: '部分退款' }, headers: { 'idempotency-key': `fault-refund-${crypto.randomUUID()}` } };
    const { before, after } = await failedThenRetried(/insert into "refunds"/i, (db) => call(db, `/api/v1/admin/orders/${placed.body.id}/refunds`, request));
    expect(after.refunds).toBe(before.refunds + 1);
    await call(undefined, `/api/v1/admin/orders/${placed.body.id}/refunds`, request);
    expect((await moneyState()).refunds).toBe(after.refunds);
  });

  it('Should leave nothing of a failed settlement run and create the statements once on retry', async () => {
    const start = startOfShanghaiDay('2025-06-01');
    await createOrder({ at: start + DAY_MS, parts: [{ lines: [{ productId: productId('XW-HAM-001'), quantity: 1 }], status: 'delivered', deliveredAt: start + 2 * DAY_MS }] });
    const request = { method: 'POST', token: admin, json: { periodStart: '2025-06-01', periodEnd: '2025-06-30' } };
    const { before, after } = await failedThenRetried(/insert into "settlements"/i, (db) => call(db, '/api/v1/admin/settlements', request));
    expect(after.settlements).toBeGreaterThan(before.settlements);
    const again = await jsonOf(await call(undefined, '/api/v1/admin/settlements', request));
    expect(again.status).toBeLessThan(500);
    expect((await moneyState()).settlements).toBe(after.settlements);
  });
});
