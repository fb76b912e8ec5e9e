import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { productId } from '../../seeds/seed';
import { coops, pendingCooperative, productBody } from '../helpers/cooperatives';
import { callJson, demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';

let staffA: string;
let staffB: string;
let admin: string;

beforeAll(async () => {
  await seedDatabase();
  [staffA, staffB, admin] = await Promise.all([demoToken('coopStaffA'), demoToken('coopStaffB'), demoToken('admin')]);
});

const ftsHits = async (term: string, id: string) =>
  (await env.DB.prepare(`SELECT p.id FROM products_fts f JOIN products p ON p.rowid = f.rowid WHERE products_fts MATCH ? AND p.id = ?`).bind(`"${term}"`, id).all()).results.length;

describe('POST /api/v1/products', () => {
  it('Should create a draft product with tiers, stock history and searchable text', async () => {
    const { status, body } = await callJson('/api/v1/products', {
      method: 'POST',
      token: staffA,
      json: productBody(coops.a, { nameZh: '宣威老火腿礼盒', nameEn: 'Aged ham gift box', certificationNo: 'SH-1', shelfLifeDays: 365 }),
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({ cooperativeId: coops.a, countyId: 'xuanwei', status: 'draft', stock: 10, shelfLifeDays: 365, imageUrl: null });
    expect(body.priceTiers).toEqual([
      { minQuantity: 5, unitPriceFen: 9500 },
      { minQuantity: 20, unitPriceFen: 9000 },
    ]);
    expect(await ftsHits('礼盒', body.id)).toBe(1);
    expect(await ftsHits('宣威', body.id)).toBe(1);
    expect(await ftsHits('gift', body.id)).toBe(1);
    const history = await callJson(`/api/v1/products/${body.id}/stock-adjustments`, { token: staffA });
    expect(history.body.items).toMatchObject([{ delta: 10, stockAfter: 10 }]);
  });

  it('Should refuse a product for a cooperative the caller does not staff with 404', async () => {
    const { status } = await callJson('/api/v1/products', { method: 'POST', token: staffB, json: productBody(coops.a) });
    expect(status).toBe(404);
  });

  it('Should refuse anonymous callers with 401', async () => {
    const { status } = await callJson('/api/v1/products', { method: 'POST', json: productBody(coops.a) });
    expect(status).toBe(401);
  });

  it.each([
    ['a tier at one unit', [{ minQuantity: 1, unitPriceFen: 9000 }], 'body.priceTiers.0.minQuantity'],
    ['quantities that do not rise', [{ minQuantity: 10, unitPriceFen: 9500 }, { minQuantity: 10, unitPriceFen: 9000 }], 'body.priceTiers.1.minQuantity'],
    ['prices that do not fall', [{ minQuantity: 5, unitPriceFen: 9000 }, { minQuantity: 10, unitPriceFen: 9000 }], 'body.priceTiers.1.unitPriceFen'],
    ['a tier above the list price', [{ minQuantity: 5, unitPriceFen: 12000 }], 'body.priceTiers.0.unitPriceFen'],
  ])('Should refuse %s with 400 naming the tier', async (_label, priceTiers, path) => {
    const { status, body } = await callJson('/api/v1/products', { method: 'POST', token: staffA, json: productBody(coops.a, { priceTiers }) });
    expect(status).toBe(400);
    expect(body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it.each([
    ['a negative price', { unitPriceFen: -1 }, 'body.unitPriceFen'],
    ['a fractional price', { unitPriceFen: 12.5 }, 'body.unitPriceFen'],
    ['an unknown category', { category: 'spaceship' }, 'body.category'],
    ['a missing English name', { nameEn: '' }, 'body.nameEn'],
    ['negative stock', { stock: -3 }, 'body.stock'],
    ['a zero order step', { orderStep: 0 }, 'body.orderStep'],
    ['an unknown field', { featured: true }, 'body'],
  ])('Should refuse %s with 400', async (_label, overrides, path) => {
    const { status, body } = await callJson('/api/v1/products', { method: 'POST', token: staffA, json: productBody(coops.a, overrides) });
    expect(status).toBe(400);
    expect(body.errors.some((e: { path: string }) => e.path.startsWith(path))).toBe(true);
  });

  it('Should refuse a SKU already in use with 409', async () => {
    const { status } = await callJson('/api/v1/products', { method: 'POST', token: staffA, json: productBody(coops.a, { sku: 'XW-HAM-001' }) });
    expect(status).toBe(409);
  });
});

describe('PATCH /api/v1/products/{id}', () => {
  it('Should edit own product and re-index its text', async () => {
    const created = await callJson('/api/v1/products', { method: 'POST', token: staffA, json: productBody(coops.a) });
    const { status, body } = await callJson(`/api/v1/products/${created.body.id}`, {
      method: 'PATCH',
      token: staffA,
      json: { nameZh: '云腿切片', unitPriceFen: 9800, specZh: '200克/盒' },
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ nameZh: '云腿切片', unitPriceFen: 9800, specZh: '200克/盒', stock: 10 });
    expect(await ftsHits('云腿', created.body.id)).toBe(1);
  });

  it("Should answer 404 for another cooperative's product and leave it unchanged", async () => {
    const id = productId('XW-HAM-001');
    const { status } = await callJson(`/api/v1/products/${id}`, { method: 'PATCH', token: staffB, json: { unitPriceFen: 1 } });
    expect(status).toBe(404);
    const row = await env.DB.prepare('SELECT unit_price_fen FROM products WHERE id = ?').bind(id).first<{ unit_price_fen: number }>();
    expect(row!.unit_price_fen).toBe(59800);
  });

  it('Should check tiers against a new list price', async () => {
    const created = await callJson('/api/v1/products', { method: 'POST', token: staffA, json: productBody(coops.a) });
    const { status } = await callJson(`/api/v1/products/${created.body.id}`, { method: 'PATCH', token: staffA, json: { unitPriceFen: 9200 } });
    expect(status).toBe(400);
  });
});

describe('publishing', () => {
  it('Should publish and unpublish a verified cooperative product', async () => {
    const created = await callJson('/api/v1/products', { method: 'POST', token: staffA, json: productBody(coops.a) });
    const published = await callJson(`/api/v1/products/${created.body.id}/publish`, { method: 'POST', token: staffA });
    expect(published.body.status).toBe('published');
    const unpublished = await callJson(`/api/v1/products/${created.body.id}/unpublish`, { method: 'POST', token: staffA });
    expect(unpublished.body.status).toBe('unpublished');
  });

  it('Should let an unverified cooperative prepare drafts but not publish them', async () => {
    const pending = await pendingCooperative();
    const draft = await callJson('/api/v1/products', { method: 'POST', token: pending.token, json: productBody(pending.cooperativeId) });
    expect(draft.status).toBe(201);
    const publish = await callJson(`/api/v1/products/${draft.body.id}/publish`, { method: 'POST', token: pending.token });
    expect(publish.status).toBe(403);
    expect(publish.body.detail).toMatch(/awaiting verification/);
    const patch = await callJson(`/api/v1/products/${draft.body.id}`, { method: 'PATCH', token: pending.token, json: { status: 'published' } });
    expect(patch.status).toBe(403);
    const direct = await callJson('/api/v1/products', { method: 'POST', token: pending.token, json: productBody(pending.cooperativeId, { status: 'published' }) });
    expect(direct.status).toBe(403);
    const row = await env.DB.prepare('SELECT status FROM products WHERE id = ?').bind(draft.body.id).first<{ status: string }>();
    expect(row!.status).toBe('draft');
  });
});

describe('stock adjustments', () => {
  it('Should move stock with a reason and keep the history', async () => {
    const created = await callJson('/api/v1/products', { method: 'POST', token: staffA, json: productBody(coops.a, { stock: 5 }) });
    const up = await callJson(`/api/v1/products/${created.body.id}/stock-adjustments`, { method: 'POST', token: staffA, json: { delta: 20, reason: '新批次入库' } });
    expect(up.status).toBe(201);
    expect(up.body.product.stock).toBe(25);
    expect(up.body.adjustment).toMatchObject({ delta: 20, reason: '新批次入库', stockAfter: 25 });
    const down = await callJson(`/api/v1/products/${created.body.id}/stock-adjustments`, { method: 'POST', token: staffA, json: { delta: -3, reason: '破损' } });
    expect(down.body.product.stock).toBe(22);
    const history = await callJson(`/api/v1/products/${created.body.id}/stock-adjustments`, { token: staffA });
    expect(history.body.items.map((i: { delta: number }) => i.delta)).toEqual([-3, 20, 5]);
  });

  it('Should refuse to take stock below zero with 409 and write no history', async () => {
    const created = await callJson('/api/v1/products', { method: 'POST', token: staffA, json: productBody(coops.a, { stock: 2 }) });
    const res = await callJson(`/api/v1/products/${created.body.id}/stock-adjustments`, { method: 'POST', token: staffA, json: { delta: -3, reason: '盘亏' } });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ productId: created.body.id, available: 2 });
    const count = await env.DB.prepare('SELECT count(*) AS n FROM stock_adjustments WHERE product_id = ?').bind(created.body.id).first<{ n: number }>();
    expect(count!.n).toBe(1);
  });

  it('Should let the database settle simultaneous reductions: one succeeds, one is refused', async () => {
    const created = await callJson('/api/v1/products', { method: 'POST', token: staffA, json: productBody(coops.a, { stock: 5 }) });
    const take = () => callJson(`/api/v1/products/${created.body.id}/stock-adjustments`, { method: 'POST', token: staffA, json: { delta: -3, reason: '出库' } });
    const results = await Promise.all([take(), take()]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const row = await env.DB.prepare('SELECT stock FROM products WHERE id = ?').bind(created.body.id).first<{ stock: number }>();
    expect(row!.stock).toBe(2);
  });

  it('Should refuse a zero delta or a missing reason with 400', async () => {
    const id = productId('XW-HAM-001');
    expect((await callJson(`/api/v1/products/${id}/stock-adjustments`, { method: 'POST', token: staffA, json: { delta: 0, reason: 'nothing' } })).status).toBe(400);
    expect((await callJson(`/api/v1/products/${id}/stock-adjustments`, { method: 'POST', token: staffA, json: { delta: 1 } })).status).toBe(400);
  });

  it("Should answer 404 when adjusting another cooperative's stock", async () => {
    const id = productId('XW-HAM-001');
    const res = await callJson(`/api/v1/products/${id}/stock-adjustments`, { method: 'POST', token: staffB, json: { delta: -60, reason: 'sabotage' } });
    expect(res.status).toBe(404);
  });
});

describe('GET /api/v1/cooperatives/{id}/products', () => {
  it('Should list every status of own products, paginated', async () => {
    const first = await callJson(`/api/v1/cooperatives/${coops.a}/products?limit=2`, { token: staffA });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toBeTruthy();
    const ids = new Set<string>();
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string; cooperativeId: string }[]; nextCursor: string | null } } = await callJson(
        `/api/v1/cooperatives/${coops.a}/products?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        { token: staffA },
      );
      for (const item of page.body.items) {
        expect(item.cooperativeId).toBe(coops.a);
        ids.add(item.id);
      }
      cursor = page.body.nextCursor;
    } while (cursor);
    const total = await env.DB.prepare('SELECT count(*) AS n FROM products WHERE cooperative_id = ?').bind(coops.a).first<{ n: number }>();
    expect(ids.size).toBe(total!.n);
    const drafts = await callJson(`/api/v1/cooperatives/${coops.a}/products?status=draft`, { token: staffA });
    expect(drafts.body.items.every((p: { status: string }) => p.status === 'draft')).toBe(true);
  });

  it("Should answer 404 for another cooperative's list, and let admins read any", async () => {
    expect((await callJson(`/api/v1/cooperatives/${coops.a}/products`, { token: staffB })).status).toBe(404);
    expect((await callJson(`/api/v1/cooperatives/${coops.a}/products`, { token: admin })).status).toBe(200);
  });
});
