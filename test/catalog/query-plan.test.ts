/**
 * The catalog's read routes stay cheap as the catalog grows: no statement walks the products table,
 * selective filters use their own index (or the FTS index), and each route costs at most 3 D1 statements.
 */
import { createExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { createDb } from '../../src/db/client';
import { productListQuery, type ProductFilters } from '../../src/catalog/catalog.service';
import { encodeCursor } from '../../src/lib/pagination';
import { seedDatabase } from '../helpers/seed';

beforeAll(seedDatabase);

async function planOf(filters: ProductFilters, cursor?: string): Promise<string[]> {
  const query = productListQuery(createDb(env.DB), filters, { limit: 20, cursor });
  if (!query) throw new Error('query matches nothing');
  const { sql, params } = query.toSQL();
  const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...params)
    .all<{ detail: string }>();
  return plan.results.map((row) => row.detail);
}

/** The plan lines that read the products table itself. */
function productAccess(plan: string[]): string[] {
  return plan.filter((line) => /\bproducts\b(?!_fts)/.test(line));
}

describe('product list query plans', () => {
  const cases: Array<[string, ProductFilters, RegExp]> = [
    ['newest', { sort: 'newest' }, /USING INDEX products_status_created_idx/],
    ['price', { sort: 'price' }, /USING INDEX products_status_price_idx/],
    ['-price', { sort: '-price' }, /USING INDEX products_status_price_idx/],
    ['popular', { sort: 'popular' }, /USING INDEX products_status_sold_idx/],
    ['category', { sort: 'newest', category: 'ham' }, /USING INDEX products_category_idx \(category=\? AND status=\?\)/],
    ['county', { sort: 'price', county: 'xuanwei' }, /USING INDEX products_county_idx \(county_id=\? AND status=\?\)/],
    ['district', { sort: 'popular', district: 'baoshan' }, /USING INDEX products_county_idx \(county_id=\? AND status=\?\)/],
    ['cooperative', { sort: 'newest', cooperative: 'org_coop_xuanwei-ham' }, /USING INDEX products_cooperative_idx/],
    ['price range', { sort: 'price', minPriceFen: 1000, maxPriceFen: 5000 }, /USING INDEX products_status_price_idx \(status=\? AND unit_price_fen>\? AND unit_price_fen<\?\)/],
    ['search', { sort: 'newest', q: '火腿' }, /USING INTEGER PRIMARY KEY \(rowid=\?\)/],
    ['search in English', { sort: 'price', q: 'purple rice' }, /USING INTEGER PRIMARY KEY \(rowid=\?\)/],
    ['search within a category', { sort: 'price', q: '火腿', category: 'ham' }, /USING INDEX products_category_idx/],
  ];

  for (const [label, filters, expected] of cases) {
    it(`Should read products through an index for ${label}`, async () => {
      const plan = await planOf(filters);
      const access = productAccess(plan);
      expect(access, plan.join('\n')).toHaveLength(1);
      expect(access[0], plan.join('\n')).toMatch(/^SEARCH products /);
      expect(access[0], plan.join('\n')).toMatch(expected);
      if (filters.q) expect(plan.join('\n')).toMatch(/SCAN products_fts VIRTUAL TABLE INDEX \d+:M/);
    });
  }

  it('Should seek past the cursor inside the sort index rather than filter row by row', async () => {
    const cursor = encodeCursor({ s: 'price', k: 5000, id: 'prd_m' });
    const access = productAccess(await planOf({ sort: 'price' }, cursor));
    expect(access[0]).toMatch(/products_status_price_idx \(status=\? AND \(unit_price_fen,id\)>\(\?,\?\)\)/);
  });
});

describe('D1 statements per read route', () => {
  // Exact counts, so a route that starts costing more shows up here; none may exceed 3.
  const routes: Array<[string, number]> = [
    ['/api/v1/districts', 2],
    ['/api/v1/counties', 1],
    ['/api/v1/counties/xuanwei', 1],
    ['/api/v1/products?limit=50', 1],
    ['/api/v1/products?q=%E7%81%AB%E8%85%BF&category=ham', 1],
    ['/api/v1/products/prd_xw_ham_001', 1],
    ['/api/v1/cooperatives/org_coop_xuanwei-ham', 1],
    ['/', 1],
    ['/products?category=ham&district=baoshan&q=%E7%81%AB%E8%85%BF', 3],
    ['/products/prd_xw_ham_001', 1],
    ['/counties', 2],
    ['/counties/xuanwei', 2],
    ['/cooperatives/org_coop_xuanwei-ham', 2],
    ['/illustrations/tea.svg', 0],
  ];
  // A cached read also reads the data versions (src/lib/public-cache.ts) when this isolate has not for
  // VERSION_MEMO_MS: one read just before, so each count below is the route's own.
  const warmVersions = () => worker.fetch(new Request(`http://localhost/api/v1/counties?warm=${Math.random()}`), env, createExecutionContext());
  for (const [path, expected] of routes) {
    it(`Should answer ${path} with ${expected} statement(s)`, async () => {
      await warmVersions();
      // BENCH_MODE makes the worker count its D1 statements into x-d1-queries.
      const res = await worker.fetch(new Request(`http://localhost${path}`), { ...env, BENCH_MODE: '1' }, createExecutionContext());
      expect(res.status).toBe(200);
      expect(Number(res.headers.get('x-d1-queries'))).toBe(expected);
      expect(expected).toBeLessThanOrEqual(3);
    });
  }
});
