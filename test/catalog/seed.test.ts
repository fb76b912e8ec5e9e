import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { seedDatabase } from '../helpers/seed';
import { cooperatives, counties, districts, products } from '../../seeds/data';

async function counts() {
  const tables = ['districts', 'counties', 'organization', 'products', 'user', 'account', 'member', 'products_fts'];
  const out: Record<string, number> = {};
  for (const t of tables) {
    const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${t}`).first<{ n: number }>();
    out[t] = row!.n;
  }
  return out;
}

describe('seeding', () => {
  it('Should seed every pairing, cooperative and product, and change nothing when run twice', async () => {
    await seedDatabase();
    const first = await counts();
    expect(first.districts).toBe(districts.length);
    expect(first.counties).toBe(counties.length);
    expect(first.products).toBe(products.length);
    expect(first.products_fts).toBe(products.length);
    expect(first.organization).toBe(cooperatives.length + 3);
    expect(products.length).toBeGreaterThanOrEqual(40);
    expect(new Set(cooperatives.map((c) => c.countyId)).size).toBeGreaterThanOrEqual(12);

    const stockBefore = await env.DB.prepare('SELECT sum(stock) AS s FROM products').first<{ s: number }>();
    await env.DB.prepare("UPDATE products SET stock = stock - 1 WHERE sku = 'XW-HAM-001'").run();
    await seedDatabase();
    expect(await counts()).toEqual(first);
    const stockAfter = await env.DB.prepare('SELECT sum(stock) AS s FROM products').first<{ s: number }>();
    // A second seed must not overwrite stock that orders have since reserved.
    expect(stockAfter!.s).toBe(stockBefore!.s - 1);
  });
});
