import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { joinGroupBuy as joinService } from '../../src/group-buys/group-buys.join';
import { PICKUP_CODE_ALPHABET } from '../../src/group-buys/pickup-code';
import { callJson, demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { HOUR, PRODUCTS, joinBody, joinGroupBuy, openGroupBuy, rowCount, setClosesAt, stockOf } from '../helpers/group-buys';

let showroom: string;

beforeAll(async () => {
  await seedDatabase();
  showroom = await demoToken('showroomManager');
});

const snapshot = () =>
  Promise.all([
    rowCount('group_buy_participants'),
    rowCount('group_buy_participant_items'),
    rowCount('payments'),
    stockOf(PRODUCTS.shiitake),
    stockOf(PRODUCTS.hamCase),
    env.DB.prepare('SELECT sum(sold_quantity) AS s FROM group_buy_items').first('s'),
    env.DB.prepare('SELECT sum(participants_count) AS s FROM group_buys').first('s'),
  ]);

async function expectRefused(run: () => Promise<{ status: number; body: any }>, status: number, path?: string) {
  const before = await snapshot();
  const { status: actual, body } = await run();
  expect(actual, JSON.stringify(body)).toBe(status);
  if (path) expect(body.errors.map((e: { path: string }) => e.path)).toContain(path);
  expect(await snapshot()).toEqual(before);
  return body;
}

describe('joining a group buy', () => {
  it('Should join with pay-at-pickup: pickup code, token, stock reserved, progress moved, in one go', async () => {
    const group = await openGroupBuy(showroom);
    const stockBefore = await stockOf(PRODUCTS.shiitake);
    const { status, body } = await joinGroupBuy(group.id, {
      name: '李阿姨',
      phone: '+86 138-1234-5678',
      items: [
        { productId: PRODUCTS.shiitake, quantity: 3 },
        { productId: PRODUCTS.freshShiitake, quantity: 1 },
      ],
    });
    expect(status, JSON.stringify(body)).toBe(201);
    expect(body.pickupCode).toMatch(new RegExp(`^[${PICKUP_CODE_ALPHABET}]{6}$`));
    expect(body.accessToken).toHaveLength(32);
    expect(body.status).toBe('pending_payment');
    expect(body.phone).toBe('138****5678');
    expect(body.totalFen).toBe(3 * 4280 + 3280);
    expect(body.payment).toMatchObject({ method: 'pay_at_pickup', status: 'pending', amountFen: 3 * 4280 + 3280, checkoutUrl: null });
    expect(body.meUrl).toBe(`http://localhost:8787/g/${group.shortCode}/me?token=${body.accessToken}`);
    expect(await stockOf(PRODUCTS.shiitake)).toBe(stockBefore - 3);

    const read = await callJson(`/api/v1/group-buys/${group.id}`);
    expect(read.body.progress).toEqual({ participants: 1, quantity: 4, committedParticipants: 1, committedQuantity: 4 });
    const fresh = read.body.items.find((i: { productId: string }) => i.productId === PRODUCTS.freshShiitake);
    expect(fresh).toMatchObject({ soldQuantity: 1, remaining: 49 });

    const own = await callJson(`/api/v1/group-buys/${group.id}/participants/${body.participantId}?token=${body.accessToken}`);
    expect(own.status).toBe(200);
    expect(own.body.pickupCode).toBe(body.pickupCode);
    const stranger = await callJson(`/api/v1/group-buys/${group.id}/participants/${body.participantId}?token=wrong`);
    expect(stranger.status).toBe(404);
  });

  it('Should refuse a join at the deadline instant and accept one a millisecond before', async () => {
    const group = await openGroupBuy(showroom);
    const closesAt = Date.now() + HOUR;
    await setClosesAt(group.id, closesAt);
    const db = createDb(env.DB);
    const input = { groupBuyId: group.id, ...joinBody(), paymentMethod: 'pay_at_pickup' as const };
    const ctx = { appUrl: env.APP_URL, env: {}, actor: null };
    await expect(joinService(db, input, { ...ctx, now: closesAt })).rejects.toMatchObject({ code: 'invalid_state' });
    const joined = await joinService(db, { ...input, phone: '13700000001' }, { ...ctx, now: closesAt - 1 });
    expect(joined.status).toBe('pending_payment');
  });

  it('Should refuse a join after the deadline even while the cron job has not closed the group yet', async () => {
    const group = await openGroupBuy(showroom);
    await setClosesAt(group.id, Date.now() - 1000);
    const body = await expectRefused(() => joinGroupBuy(group.id), 409);
    expect(body.detail).toContain('closed');
  });

  it('Should refuse a join to a closed group', async () => {
    const group = await openGroupBuy(showroom);
    const closed = await callJson(`/api/v1/group-buys/${group.id}/close`, { method: 'POST', token: showroom });
    expect(closed.status).toBe(200);
    await expectRefused(() => joinGroupBuy(group.id), 409);
  });

  it('Should refuse a quantity off the product step, and one below its minimum', async () => {
    const group = await openGroupBuy(showroom, { items: [{ productId: PRODUCTS.hamCase, unitPriceFen: 15000 }] });
    const offStep = await expectRefused(() => joinGroupBuy(group.id, { items: [{ productId: PRODUCTS.hamCase, quantity: 12 }] }), 422, 'body.items.0.quantity');
    expect(offStep.detail).toContain('10 plus multiples of 5');
    await expectRefused(() => joinGroupBuy(group.id, { items: [{ productId: PRODUCTS.hamCase, quantity: 5 }] }), 422, 'body.items.0.quantity');
    const ok = await joinGroupBuy(group.id, { items: [{ productId: PRODUCTS.hamCase, quantity: 15 }] });
    expect(ok.status).toBe(201);
    expect(ok.body.totalFen).toBe(15 * 15000);
  });

  it('Should refuse a product that is not part of the group, and the same product twice', async () => {
    const group = await openGroupBuy(showroom);
    await expectRefused(() => joinGroupBuy(group.id, { items: [{ productId: PRODUCTS.hamCase, quantity: 10 }] }), 422, 'body.items.0.productId');
    await expectRefused(
      () =>
        joinGroupBuy(group.id, {
          items: [
            { productId: PRODUCTS.shiitake, quantity: 1 },
            { productId: PRODUCTS.shiitake, quantity: 2 },
          ],
        }),
      422,
      'body.items.1.productId',
    );
  });

  it('Should refuse zero, negative, fractional and huge quantities', async () => {
    const group = await openGroupBuy(showroom);
    for (const quantity of [0, -1, 1.5, 1_000_001]) {
      await expectRefused(() => joinGroupBuy(group.id, { items: [{ productId: PRODUCTS.shiitake, quantity }] }), 400, 'body.items.0.quantity');
    }
  });

  it('Should refuse a missing name, a bad phone number and an unknown payment method', async () => {
    const group = await openGroupBuy(showroom);
    await expectRefused(() => joinGroupBuy(group.id, { name: '' }), 400, 'body.name');
    await expectRefused(() => joinGroupBuy(group.id, { phone: '12345' }), 400, 'body.phone');
    await expectRefused(() => joinGroupBuy(group.id, { paymentMethod: 'invoice' }), 400, 'body.paymentMethod');
  });

  it('Should refuse Stripe payment when Stripe is not configured', async () => {
    const group = await openGroupBuy(showroom);
    await expectRefused(() => joinGroupBuy(group.id, { paymentMethod: 'stripe' }), 422, 'body.paymentMethod');
  });

  it('Should answer 404 for an unknown group buy', async () => {
    await expectRefused(() => joinGroupBuy('gb_unknown'), 404);
  });

  it('Should refuse more than the stock left, naming the product and what is available', async () => {
    const group = await openGroupBuy(showroom);
    const body = await expectRefused(() => joinGroupBuy(group.id, { items: [{ productId: PRODUCTS.freshShiitake, quantity: 51 }] }), 409);
    expect(body).toMatchObject({ code: 'insufficient_stock', productId: PRODUCTS.freshShiitake, available: 50 });
  });

  it('Should create one participant per Idempotency-Key and replay it', async () => {
    const group = await openGroupBuy(showroom);
    const body = joinBody();
    const headers = { 'idempotency-key': 'join-once-123' };
    const [a, b] = await Promise.all([
      callJson(`/api/v1/group-buys/${group.id}/participants`, { method: 'POST', json: body, headers }),
      callJson(`/api/v1/group-buys/${group.id}/participants`, { method: 'POST', json: body, headers }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body.participantId).toBe(b.body.participantId);
    expect(a.body.pickupCode).toBe(b.body.pickupCode);
    expect(await rowCount('group_buy_participants', 'group_buy_id = ?', group.id)).toBe(1);
    const again = await callJson(`/api/v1/group-buys/${group.id}/participants`, { method: 'POST', json: body, headers });
    expect(again.status).toBe(200);
    expect(again.body.participantId).toBe(a.body.participantId);
    const different = await callJson(`/api/v1/group-buys/${group.id}/participants`, {
      method: 'POST',
      json: { ...body, name: '别人' },
      headers,
    });
    expect(different.status).toBe(422);
    expect(await rowCount('group_buy_participants', 'group_buy_id = ?', group.id)).toBe(1);
  });

  it('Should draw a fresh pickup code when the one drawn is taken in the group', async () => {
    const group = await openGroupBuy(showroom);
    const db = createDb(env.DB);
    const ctx = { appUrl: env.APP_URL, env: {}, actor: null, now: Date.now() };
    const first = await joinService(db, { groupBuyId: group.id, ...joinBody(), paymentMethod: 'pay_at_pickup' }, { ...ctx, newPickupCode: () => 'ABCDEF' });
    const draws = ['ABCDEF', 'ABCDEF', 'XYZ234'];
    const second = await joinService(
      db,
      { groupBuyId: group.id, ...joinBody(), paymentMethod: 'pay_at_pickup' },
      { ...ctx, newPickupCode: () => draws.shift()! },
    );
    expect(first.pickupCode).toBe('ABCDEF');
    expect(second.pickupCode).toBe('XYZ234');
    expect(draws).toHaveLength(0);
    // The same code may exist in another group: uniqueness is per group.
    const other = await openGroupBuy(showroom);
    const third = await joinService(db, { groupBuyId: other.id, ...joinBody(), paymentMethod: 'pay_at_pickup' }, { ...ctx, newPickupCode: () => 'ABCDEF' });
    expect(third.pickupCode).toBe('ABCDEF');
  });
});

describe('cancelling a participation', () => {
  it('Should release stock and caps and decrement the counters in one go', async () => {
    const group = await openGroupBuy(showroom);
    const stockBefore = await stockOf(PRODUCTS.freshShiitake);
    const joined = await joinGroupBuy(group.id, { items: [{ productId: PRODUCTS.freshShiitake, quantity: 4 }] });
    expect(await stockOf(PRODUCTS.freshShiitake)).toBe(stockBefore - 4);
    const res = await callJson(`/api/v1/group-buys/${group.id}/participants/${joined.body.participantId}/cancel?token=${joined.body.accessToken}`, {
      method: 'POST',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.status).toBe('cancelled');
    expect(res.body.payment.status).toBe('cancelled');
    expect(await stockOf(PRODUCTS.freshShiitake)).toBe(stockBefore);
    const read = await callJson(`/api/v1/group-buys/${group.id}`);
    expect(read.body.progress).toEqual({ participants: 0, quantity: 0, committedParticipants: 0, committedQuantity: 0 });
    expect(read.body.items.find((i: { productId: string }) => i.productId === PRODUCTS.freshShiitake).soldQuantity).toBe(0);
    const twice = await callJson(`/api/v1/group-buys/${group.id}/participants/${joined.body.participantId}/cancel?token=${joined.body.accessToken}`, {
      method: 'POST',
    });
    expect(twice.status).toBe(409);
    expect(await stockOf(PRODUCTS.freshShiitake)).toBe(stockBefore);
  });

  it('Should refuse a cancel with a wrong token, and after the deadline', async () => {
    const group = await openGroupBuy(showroom);
    const joined = await joinGroupBuy(group.id);
    const path = `/api/v1/group-buys/${group.id}/participants/${joined.body.participantId}/cancel`;
    expect((await callJson(`${path}?token=not-it`, { method: 'POST' })).status).toBe(404);
    await setClosesAt(group.id, Date.now() - 1);
    const late = await callJson(`${path}?token=${joined.body.accessToken}`, { method: 'POST' });
    expect(late.status).toBe(409);
    const row = await env.DB.prepare('SELECT status FROM group_buy_participants WHERE id = ?').bind(joined.body.participantId).first('status');
    expect(row).toBe('pending_payment');
  });
});
