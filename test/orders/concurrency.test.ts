import { beforeAll, describe, expect, it } from 'vitest';
import { callJson } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { makeCooperative, makeProduct, orderBody, pickupAtShowroom, row, stockOf } from '../helpers/orders';

beforeAll(seedDatabase);

describe('concurrent orders for scarce stock', () => {
  it('Should sell exactly the stock when 30 buyers race for 7 units, answering every loser 409 with productId and available', async () => {
    const coop = await makeCooperative();
    const product = await makeProduct({ cooperativeId: coop, stock: 7, unitPriceFen: 2500 });
    const attempts = Array.from({ length: 30 }, (_, i) =>
      callJson('/api/v1/orders', {
        method: 'POST',
        json: orderBody([{ productId: product, quantity: 1 }], { paymentMethod: 'pay_at_pickup', delivery: pickupAtShowroom, contact: { name: `买家${i}`, phone: '13900000000' } }),
      }),
    );
    const results = await Promise.all(attempts);
    const won = results.filter((r) => r.status === 201);
    const lost = results.filter((r) => r.status !== 201);
    console.log(`concurrency: ${won.length} orders placed, ${lost.length} refused (${[...new Set(lost.map((r) => r.status))].join(',')}), stock now ${await stockOf(product)}`);
    expect(won).toHaveLength(7);
    expect(lost).toHaveLength(23);
    for (const r of lost) {
      expect(r.status).toBe(409);
      expect(r.body).toMatchObject({ code: 'insufficient_stock', productId: product, available: 0 });
    }
    expect(await stockOf(product)).toBe(0);
    const sold = await row<{ n: number; q: number }>(`SELECT COUNT(*) AS n, SUM(quantity) AS q FROM order_lines WHERE product_id = ?`, product);
    expect(sold).toEqual({ n: 7, q: 7 });
  });

  it('Should refuse an order for more than is left without touching the stock', async () => {
    const coop = await makeCooperative();
    const product = await makeProduct({ cooperativeId: coop, stock: 3 });
    const { status, body } = await callJson('/api/v1/orders', {
      method: 'POST',
      json: orderBody([{ productId: product, quantity: 4 }], { paymentMethod: 'pay_at_pickup', delivery: pickupAtShowroom }),
    });
    expect(status).toBe(409);
    expect(body).toMatchObject({ productId: product, available: 3 });
    expect(await stockOf(product)).toBe(3);
  });
});
