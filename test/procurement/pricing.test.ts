import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { applicableNegotiatedPrice, negotiatedPriceValidAt, quantityProblem, quote } from '../../src/pricing/pricing';
import { negotiatedPrices } from '../../src/pricing/negotiated';
import { getPage, sessionCookie, postForm } from '../helpers/accounts';
import { callJson, demoToken } from '../helpers/http';
import { CANTEEN, SHOWROOM, makeCooperative, makeProduct } from '../helpers/orders';
import { canteenTokens, negotiatedPrice, placeCanteenOrder } from '../helpers/procurement';
import { seedDatabase } from '../helpers/seed';

const product = { unitPriceFen: 1000, priceTiers: [{ minQuantity: 10, unitPriceFen: 900 }, { minQuantity: 50, unitPriceFen: 800 }], minOrderQuantity: 5, orderStep: 5 };

describe('pricing rules (pure)', () => {
  it('Should apply a tier from exactly its minimum quantity, and not one unit below', () => {
    expect(quote(product, 9)).toEqual({ unitPriceFen: 1000, lineTotalFen: 9000, source: 'list' });
    expect(quote(product, 10)).toEqual({ unitPriceFen: 900, lineTotalFen: 9000, source: 'tier' });
    expect(quote(product, 49)).toMatchObject({ unitPriceFen: 900, source: 'tier' });
    expect(quote(product, 50)).toEqual({ unitPriceFen: 800, lineTotalFen: 40_000, source: 'tier' });
  });

  it('Should let a negotiated price beat list and tier prices, even a lower tier', () => {
    expect(quote(product, 50, { unitPriceFen: 850, source: 'negotiated' })).toEqual({ unitPriceFen: 850, lineTotalFen: 42_500, source: 'negotiated' });
    expect(quote(product, 5, { unitPriceFen: 850, source: 'negotiated' })).toMatchObject({ unitPriceFen: 850, source: 'negotiated' });
  });

  it('Should reject quantities below the minimum and off the step, naming the nearest orderable one', () => {
    expect(quantityProblem(product, 4)).toMatchObject({ rule: 'below_minimum', minOrderQuantity: 5 });
    expect(quantityProblem(product, 5)).toBeNull();
    expect(quantityProblem(product, 12)).toMatchObject({ rule: 'off_step', orderStep: 5, nearest: 10 });
    expect(quantityProblem(product, 13)).toMatchObject({ rule: 'off_step', nearest: 15 });
    expect(quantityProblem(product, 15)).toBeNull();
    expect(quantityProblem(product, 0)).toMatchObject({ rule: 'not_positive' });
    expect(quantityProblem(product, 2.5)).toMatchObject({ rule: 'not_integer' });
    expect(quantityProblem(product, 100_001)).toMatchObject({ rule: 'too_large' });
  });

  it('Should hold a negotiated price from validFrom (inclusive) to validTo (exclusive), or open-ended', () => {
    const entry = { validFrom: 1000, validTo: 2000 };
    expect(negotiatedPriceValidAt(entry, 999)).toBe(false);
    expect(negotiatedPriceValidAt(entry, 1000)).toBe(true);
    expect(negotiatedPriceValidAt(entry, 1999)).toBe(true);
    expect(negotiatedPriceValidAt(entry, 2000)).toBe(false);
    expect(negotiatedPriceValidAt({ validFrom: 1000, validTo: null }, Number.MAX_SAFE_INTEGER)).toBe(true);
  });

  it('Should prefer the latest start where negotiated prices overlap, then the newest entry', () => {
    const open = { unitPriceFen: 900, validFrom: 0, validTo: null, createdAt: 5 };
    const spring = { unitPriceFen: 850, validFrom: 1000, validTo: 2000, createdAt: 1 };
    const correction = { unitPriceFen: 840, validFrom: 1000, validTo: 2000, createdAt: 9 };
    expect(applicableNegotiatedPrice([open, spring], 500)).toBe(open);
    expect(applicableNegotiatedPrice([open, spring], 1500)).toBe(spring);
    expect(applicableNegotiatedPrice([open, spring, correction], 1500)).toBe(correction);
    expect(applicableNegotiatedPrice([open, spring], 2000)).toBe(open);
    expect(applicableNegotiatedPrice([spring], 2000)).toBeNull();
  });
});

describe('negotiated prices in every quote', () => {
  let tokens: Awaited<ReturnType<typeof canteenTokens>>;
  let ham: string;
  let tea: string;
  let coop: string;
  const now = Date.now();

  beforeAll(async () => {
    await seedDatabase();
    tokens = await canteenTokens();
    coop = await makeCooperative({ shippingFlatFeeFen: 0, freeShippingAboveFen: null });
    ham = await makeProduct({ cooperativeId: coop, unitPriceFen: 10_000, priceTiers: [{ minQuantity: 10, unitPriceFen: 9_000 }], stock: 500 });
    tea = await makeProduct({ cooperativeId: coop, unitPriceFen: 5_000, stock: 500 });
    await negotiatedPrice(CANTEEN, ham, 9_500, now - 3_600_000); // open-ended, valid now
    await negotiatedPrice(SHOWROOM, tea, 1_000, now - 3_600_000); // another organisation's price
  });

  it('Should look up the valid price at the exact instant: before validFrom, at validFrom, just before and at validTo', async () => {
    const db = createDb(env.DB);
    const product = await makeProduct({ cooperativeId: coop, unitPriceFen: 2_000 });
    await negotiatedPrice(CANTEEN, product, 1_500, 10_000, 20_000);
    const at = async (instant: number) => (await negotiatedPrices(db, { organizationId: CANTEEN, productIds: [product], at: instant })).get(product)?.unitPriceFen ?? null;
    expect(await at(9_999)).toBeNull();
    expect(await at(10_000)).toBe(1_500);
    expect(await at(19_999)).toBe(1_500);
    expect(await at(20_000)).toBeNull();
    expect((await negotiatedPrices(db, { organizationId: SHOWROOM, productIds: [product], at: 15_000 })).size).toBe(0);
    expect((await negotiatedPrices(db, { organizationId: null, productIds: [product], at: 15_000 })).size).toBe(0);
  });

  it('Should look up more products than one statement may bind', async () => {
    const db = createDb(env.DB);
    const ids = Array.from({ length: 150 }, (_, i) => `prd_missing_${i}`);
    expect((await negotiatedPrices(db, { organizationId: CANTEEN, productIds: [...ids, ham], at: now })).get(ham)?.unitPriceFen).toBe(9_500);
  });

  it('Should price POST /quotes with the organisation’s negotiated price over the tier, and not another organisation’s', async () => {
    const items = [{ productId: ham, quantity: 10 }, { productId: tea, quantity: 1 }];
    const mine = await callJson('/api/v1/quotes', { method: 'POST', token: tokens.purchaser, json: { items, organizationId: CANTEEN } });
    expect(mine.status).toBe(200);
    expect(mine.body.lines).toEqual([
      expect.objectContaining({ productId: ham, unitPriceFen: 9_500, priceSource: 'negotiated', listUnitPriceFen: 10_000 }),
      expect.objectContaining({ productId: tea, unitPriceFen: 5_000, priceSource: 'list' }),
    ]);
    const personal = await callJson('/api/v1/quotes', { method: 'POST', token: tokens.purchaser, json: { items } });
    expect(personal.body.lines[0]).toMatchObject({ unitPriceFen: 9_000, priceSource: 'tier' });
    // Someone who does not buy for the canteen cannot read its prices.
    expect((await callJson('/api/v1/quotes', { method: 'POST', token: await demoToken('buyer'), json: { items, organizationId: CANTEEN } })).status).toBe(404);
  });

  it('Should charge the negotiated price on POST /orders, and list/tier prices before it starts or after it ends', async () => {
    const product = await makeProduct({ cooperativeId: coop, unitPriceFen: 3_000, stock: 100 });
    await negotiatedPrice(CANTEEN, product, 2_000, now + 3_600_000); // starts in an hour
    await negotiatedPrice(CANTEEN, product, 2_500, now - 7_200_000, now - 3_600_000); // ended an hour ago
    const before = await placeCanteenOrder(tokens.purchaser, [{ productId: product, quantity: 1 }]);
    expect(before.body.lines[0]).toMatchObject({ unitPriceFen: 3_000, priceSource: 'list' });
    await negotiatedPrice(CANTEEN, product, 2_200, now - 60_000, now + 3_600_000);
    const during = await placeCanteenOrder(tokens.purchaser, [{ productId: product, quantity: 1 }]);
    expect(during.body.lines[0]).toMatchObject({ unitPriceFen: 2_200, priceSource: 'negotiated' });
    // The showroom's own price for tea is not the canteen's.
    const teaOrder = await placeCanteenOrder(tokens.purchaser, [{ productId: tea, quantity: 1 }]);
    expect(teaOrder.body.lines[0]).toMatchObject({ unitPriceFen: 5_000, priceSource: 'list' });
  });

  it('Should still apply the minimum and step under a negotiated price', async () => {
    const product = await makeProduct({ cooperativeId: coop, unitPriceFen: 3_000, minOrderQuantity: 4, orderStep: 2, stock: 100 });
    await negotiatedPrice(CANTEEN, product, 2_000, now - 60_000);
    const below = await placeCanteenOrder(tokens.purchaser, [{ productId: product, quantity: 3 }]);
    expect(below.status).toBe(422);
    expect(below.body.problems[0]).toMatchObject({ rule: 'below_minimum' });
    const off = await placeCanteenOrder(tokens.purchaser, [{ productId: product, quantity: 5 }]);
    expect(off.status).toBe(422);
    expect(off.body.problems[0]).toMatchObject({ rule: 'off_step', nearest: 6 });
  });

  it('Should show the canteen’s negotiated price in its purchaser’s cart and checkout', async () => {
    const cookie = await sessionCookie('canteen@shanhai.local');
    await postForm('/cart/items', { productId: ham, quantity: '2' }, { cookie });
    const cart = await (await getPage('/cart', cookie)).text();
    expect(cart).toContain('¥95.00');
    expect(cart).toContain('协议价');
    expect(cart).toContain('按 宝山区机关食堂 的价格计算');
    const checkout = await (await getPage('/checkout', cookie)).text();
    expect(checkout).toContain('¥190.00');
    expect(checkout).toContain(`<option value="${CANTEEN}" selected`);
  });
});
