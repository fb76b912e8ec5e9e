import { env, exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { productId } from '../../seeds/seed';
import { formatFen } from '../../src/lib/money';
import { withVersionsProbe, type VersionsProbe } from '../../src/lib/public-cache';
import { sessionCookie } from '../helpers/accounts';
import { BASE, call, callJson, demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';

/**
 * Public reads through the Cache API (src/lib/public-cache.ts): shared entries per URL + locale + data
 * versions, never stale after a write made through the app, never shared with anyone who could see
 * something of their own.
 */
const HAM = productId('XW-HAM-001');
let staffA: string;

beforeAll(async () => {
  await seedDatabase();
  staffA = await demoToken('coopStaffA');
});

const get = (path: string, headers: Record<string, string> = {}) => exports.default.fetch(`${BASE}${path}`, { headers, redirect: 'manual' });

async function setPrice(fen: number) {
  const { status } = await callJson(`/api/v1/products/${HAM}`, { method: 'PATCH', token: staffA, json: { unitPriceFen: fen } });
  expect(status).toBe(200);
}

async function adjustStock(delta: number) {
  const { status } = await callJson(`/api/v1/products/${HAM}/stock-adjustments`, { method: 'POST', token: staffA, json: { delta, reason: '盘点调整' } });
  expect(status).toBe(201);
}

describe('public reads from the Cache API', () => {
  it('Should answer the second anonymous read of a product from the cache, byte for byte, with an ETag and Cache-Control', async () => {
    await get(`/api/v1/products/${HAM}`);
    const first = await get(`/api/v1/products/${HAM}?probe=1`);
    const second = await get(`/api/v1/products/${HAM}?probe=1`);
    expect(first.headers.get('x-cache')).toBe('miss');
    expect(second.headers.get('x-cache')).toBe('hit');
    expect(await second.text()).toBe(await first.text());
    expect(second.headers.get('etag')).toMatch(/^".+"$/);
    expect(second.headers.get('cache-control')).toBe('public, max-age=0, must-revalidate');
    expect(second.headers.get('set-cookie')).toBeNull();
  });

  it('Should answer 304 to the current ETag and 200 with a new ETag once the product changed', async () => {
    const first = await get(`/products/${HAM}`);
    const etag = first.headers.get('etag')!;
    const again = await get(`/products/${HAM}`, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    await setPrice(61900);
    const after = await get(`/products/${HAM}`, { 'if-none-match': etag });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
  });

  it('Should keep zh and en entries apart', async () => {
    const en = await get('/?probe=locale', { cookie: 'lang=en' });
    const enAgain = await get('/?probe=locale', { cookie: 'lang=en' });
    const zh = await get('/?probe=locale');
    expect([en.headers.get('x-cache'), enAgain.headers.get('x-cache'), zh.headers.get('x-cache')]).toEqual(['miss', 'hit', 'miss']);
    const enHtml = await en.text();
    expect(await enAgain.text()).toBe(enHtml);
    expect(await zh.text()).not.toBe(enHtml);
  });

  it('Should remember a language chosen with ?lang= on every visit, never serving that answer from a shared entry', async () => {
    for (let visit = 0; visit < 2; visit += 1) {
      const res = await get('/products?lang=en');
      expect(res.headers.get('x-cache')).toBeNull();
      expect(res.headers.get('set-cookie')).toMatch(/lang=en/);
      expect(await res.text()).toContain('<html lang="en">');
    }
  });

  it('Should show every price and stock change on the very next read, API and page, with 0 stale reads in 20 alternations', async () => {
    let stale = 0;
    let stock = (await (await get(`/api/v1/products/${HAM}`)).json<{ stock: number }>()).stock;
    for (let i = 0; i < 20; i += 1) {
      const price = 60000 + i * 100 + 1;
      await setPrice(price);
      const api = await (await get(`/api/v1/products/${HAM}`)).json<{ unitPriceFen: number; stock: number }>();
      const list = await (await get('/api/v1/products?limit=50&q=' + encodeURIComponent('火腿'))).json<{ items: Array<{ id: string; unitPriceFen: number }> }>();
      const page = await (await get(`/products/${HAM}`)).text();
      if (api.unitPriceFen !== price) stale += 1;
      if (list.items.find((p) => p.id === HAM)?.unitPriceFen !== price) stale += 1;
      if (!page.includes(formatFen(price))) stale += 1;
      await adjustStock(1);
      stock += 1;
      const afterStock = await (await get(`/api/v1/products/${HAM}`)).json<{ stock: number }>();
      if (afterStock.stock !== stock) stale += 1;
    }
    expect(stale).toBe(0);
  });
});

describe('personalised requests bypass the shared cache', () => {
  it("Should never give a signed-in buyer's page to a guest, nor a guest's page to the buyer", async () => {
    const guestBefore = await get(`/products/${HAM}?probe=people`);
    expect(guestBefore.headers.get('x-cache')).toBe('miss');
    const cookie = await sessionCookie('buyer@shanhai.local');
    const buyer = await get(`/products/${HAM}?probe=people`, { cookie });
    expect(buyer.headers.get('x-cache')).toBeNull();
    expect(buyer.headers.get('cache-control')).toBe('private, no-cache');
    const buyerHtml = await buyer.text();
    const guestAfter = await get(`/products/${HAM}?probe=people`);
    expect(guestAfter.headers.get('x-cache')).toBe('hit');
    const guestHtml = await guestAfter.text();
    expect(buyerHtml).not.toBe(guestHtml);
    expect(guestHtml).not.toContain('buyer@shanhai.local');
    expect(await (await get(`/products/${HAM}?probe=people`)).text()).toBe(guestHtml);
  });

  it('Should bypass the cache for a guest with a cart and for a bearer token', async () => {
    await get('/products?probe=cart');
    const withCart = await get('/products?probe=cart', { cookie: 'shanhai_cart=cart_someone' });
    expect(withCart.headers.get('x-cache')).toBeNull();
    const token = await demoToken('canteenPurchaser');
    const withToken = await call('/api/v1/products?probe=token', { token });
    expect(withToken.headers.get('x-cache')).toBeNull();
    const guest = await get('/api/v1/products?probe=token');
    expect(guest.headers.get('x-cache')).toBe('miss');
  });
});

describe('the versions a write batch leaves', () => {
  it('Should read them in the batch itself, hand back only the statements asked for, and forget them after a later write outside a batch', async () => {
    const probe: VersionsProbe = { versions: null };
    const d1 = withVersionsProbe(env.DB, probe);
    const results = await d1.batch([d1.prepare('UPDATE products SET stock = stock + 1 WHERE id = ?').bind(HAM), d1.prepare('SELECT stock FROM products WHERE id = ?').bind(HAM)]);
    expect(results).toHaveLength(2);
    const stored = await env.DB.prepare('SELECT (SELECT version FROM catalog_state WHERE id = 1) AS catalog, (SELECT version FROM impact_state WHERE id = 1) AS impact').first<{ catalog: number; impact: number }>();
    expect(probe.versions).toEqual(stored);
    await d1.prepare('SELECT 1').first();
    expect(probe.versions).toEqual(stored);
    await d1.prepare('UPDATE products SET stock = stock - 1 WHERE id = ?').bind(HAM).run();
    expect(probe.versions).toBeNull();
  });
});
