import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoOrganizations, productId } from '../../seeds/seed';
import { call, callJson, refusedWithinOneWindow } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';

/** Guest writes limited per client address with the rate-limiting binding (wrangler.toml GUEST_ORDERS: 20 per 60 s). */
const LIMIT = 20;
const PRODUCT = productId('XW-HAM-002');

beforeAll(async () => {
  await seedDatabase();
  await env.DB.prepare('UPDATE products SET stock = 100000 WHERE id = ?').bind(PRODUCT).run();
});

const orderCount = async () => (await env.DB.prepare('SELECT count(*) AS n FROM orders').first<{ n: number }>())!.n;

function guestOrder(address: string) {
  return callJson('/api/v1/orders', {
    method: 'POST',
    headers: { 'cf-connecting-ip': address, 'idempotency-key': crypto.randomUUID() },
    json: {
      items: [{ productId: PRODUCT, quantity: 1 }],
      delivery: { method: 'pickup', pickupOrganizationId: demoOrganizations.showroom.id },
      contact: { name: '限流测试', phone: '13800000000' },
      paymentMethod: 'pay_at_pickup',
    },
  });
}

/** Spends an address's allowance (`LIMIT` orders inside one window) and makes the one more that must be refused. */
async function exhaust(addresses: string[]): Promise<{ address: string; refused: Awaited<ReturnType<typeof guestOrder>>; before: number }> {
  let before = 0;
  const { key, refused } = await refusedWithinOneWindow(
    addresses,
    async (address) => {
      for (let i = 0; i < LIMIT; i += 1) expect((await guestOrder(address)).status).toBe(201);
      before = await orderCount();
    },
    guestOrder,
  );
  return { address: key, refused, before };
}

describe('rate limits for guest writes', () => {
  it('Should refuse the 21st guest order from one address with 429 problem+json and write nothing, while another address still orders', async () => {
    const { refused, before } = await exhaust(['203.0.113.7', '203.0.113.17']);
    expect(refused.status).toBe(429);
    expect(refused.res.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.res.headers.get('retry-after')).toBe('60');
    expect(refused.body).toMatchObject({ status: 429, code: 'rate_limited', errors: [{ rule: 'rate_limited' }] });
    expect(await orderCount()).toBe(before);
    expect((await guestOrder('203.0.113.8')).status).toBe(201);
  });

  it("Should word a refused checkout form in the page's language", async () => {
    const { address, refused } = await exhaust(['203.0.113.9', '203.0.113.19']);
    expect(refused.status).toBe(429);
    const form = (cookie: string) =>
      call('/checkout', { method: 'POST', headers: { 'cf-connecting-ip': address, 'content-type': 'application/x-www-form-urlencoded', cookie }, body: 'name=x' });
    const zh = await form('shanhai_cart=cart_x');
    expect(zh.status).toBe(429);
    expect(await zh.text()).toContain('请求过于频繁');
    const en = await form('shanhai_cart=cart_x; lang=en');
    expect(await en.text()).toContain('Too many requests');
  });

  it('Should not count quotes against orders', async () => {
    const address = '203.0.113.10';
    for (let i = 0; i < LIMIT; i += 1) await guestOrder(address);
    const quote = await callJson('/api/v1/quotes', {
      method: 'POST',
      headers: { 'cf-connecting-ip': address },
      json: { items: [{ productId: PRODUCT, quantity: 1 }] },
    });
    expect(quote.status).not.toBe(429);
  });
});
