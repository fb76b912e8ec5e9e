import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/lib/csv';
import { MAX_IMPORT_ROWS } from '../../src/cooperatives/product-csv';
import { coops, pendingCooperative } from '../helpers/cooperatives';
import { call, callJson, demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';

let staffA: string;
let staffB: string;

beforeAll(async () => {
  await seedDatabase();
  [staffA, staffB] = await Promise.all([demoToken('coopStaffA'), demoToken('coopStaffB')]);
});

const importCsv = (csv: string, token: string, cooperativeId = coops.a, query = '') =>
  callJson(`/api/v1/products/import?cooperativeId=${cooperativeId}${query}`, { method: 'POST', token, body: csv, headers: { 'content-type': 'text/csv' } });

const countBySkuPrefix = async (prefix: string) =>
  (await env.DB.prepare('SELECT count(*) AS n FROM products WHERE sku LIKE ?').bind(`${prefix}%`).first<{ n: number }>())!.n;

describe('POST /api/v1/products/import', () => {
  it('Should create new SKUs and update existing ones from Chinese headers with a BOM', async () => {
    const csv =
      '\ufeff货号,中文名称,英文名称,品类,单位,英文单位,单价（元）,阶梯价,起订量,库存,状态\r\n' +
      'IMP-A-1,宣威火腿丁,Diced ham,火腿腊味,袋,pack,38.80,"10:35.00;50:32.00",2,100,上架\r\n' +
      'XW-HAM-002,宣威火腿切片（新包装）,,,,,,,,500,\r\n';
    const before = await env.DB.prepare("SELECT stock, unit_price_fen FROM products WHERE sku = 'XW-HAM-002'").first<{ stock: number; unit_price_fen: number }>();
    const { status, body } = await importCsv(csv, staffA);
    expect(status).toBe(200);
    expect(body).toMatchObject({ applied: true, created: 1, updated: 1 });
    expect(body.rows.map((r: { line: number; action: string }) => [r.line, r.action])).toEqual([
      [2, 'create'],
      [3, 'update'],
    ]);
    const created = await env.DB.prepare("SELECT * FROM products WHERE sku = 'IMP-A-1'").first<Record<string, unknown>>();
    expect(created).toMatchObject({ cooperative_id: coops.a, category: 'ham', unit_price_fen: 3880, min_order_quantity: 2, stock: 100, status: 'published' });
    expect(JSON.parse(created!.price_tiers as string)).toEqual([
      { minQuantity: 10, unitPriceFen: 3500 },
      { minQuantity: 50, unitPriceFen: 3200 },
    ]);
    const updated = await env.DB.prepare("SELECT id, name_zh, stock, unit_price_fen FROM products WHERE sku = 'XW-HAM-002'").first<{ id: string; name_zh: string; stock: number; unit_price_fen: number }>();
    expect(updated).toMatchObject({ name_zh: '宣威火腿切片（新包装）', stock: 500, unit_price_fen: before!.unit_price_fen });
    const adjustment = await env.DB.prepare('SELECT delta, reason, stock_after FROM stock_adjustments WHERE product_id = ? ORDER BY created_at DESC LIMIT 1').bind(updated!.id).first();
    expect(adjustment).toEqual({ delta: 500 - before!.stock, reason: 'CSV import', stock_after: 500 });
  });

  it('Should apply nothing when one row is bad, and report every bad cell by line', async () => {
    const before = await env.DB.prepare("SELECT name_zh FROM products WHERE sku = 'XW-HAM-003'").first<{ name_zh: string }>();
    const csv = [
      'sku,nameZh,nameEn,category,unitZh,unitEn,unitPrice,stock',
      'BAD-1,好产品,Good one,ham,只,leg,10.00,5',
      'XW-HAM-003,改名的火腿块,,,,,,',
      'BAD-2,坏产品,Bad one,ham,只,leg,ten yuan,-4',
      'BAD-3,,No Chinese name,spaceship,只,leg,1.00,1',
    ].join('\n');
    const { status, body } = await importCsv(csv, staffA);
    expect(status).toBe(422);
    expect(body.applied).toBe(false);
    expect(body.rows.map((r: { action: string }) => r.action)).toEqual(['create', 'update', 'error', 'error']);
    const paths = body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['line 4.unitPrice', 'line 4.stock', 'line 5.nameZh', 'line 5.category']));
    expect(await countBySkuPrefix('BAD-')).toBe(0);
    const after = await env.DB.prepare("SELECT name_zh FROM products WHERE sku = 'XW-HAM-003'").first<{ name_zh: string }>();
    expect(after).toEqual(before);
  });

  it('Should refuse SKUs repeated in the file or owned by another cooperative', async () => {
    const csv = 'sku,nameZh,nameEn,category,unitZh,unitEn,unitPrice\nDUP-1,甲,A,ham,只,leg,1.00\nDUP-1,乙,B,ham,只,leg,2.00\nXW-HAM-001,偷来的,Stolen,ham,只,leg,1.00\n';
    const { status, body } = await importCsv(csv, staffB, coops.b);
    expect(status).toBe(422);
    expect(body.errors.map((e: { path: string }) => e.path)).toEqual(['line 3.sku', 'line 4.sku']);
    expect(await countBySkuPrefix('DUP-')).toBe(0);
  });

  it('Should validate only on dryRun', async () => {
    const csv = 'sku,nameZh,nameEn,category,unitZh,unitEn,unitPrice\nDRY-1,试,Dry,tea,饼,cake,99.00\n';
    const { status, body } = await importCsv(csv, staffA, coops.a, '&dryRun=true');
    expect(status).toBe(200);
    expect(body).toMatchObject({ applied: false, created: 1 });
    expect(await countBySkuPrefix('DRY-')).toBe(0);
  });

  it.each([
    ['an unknown column', 'sku,colour\nX,red\n', /Unknown column/],
    ['no sku column', 'nameZh\n火腿\n', /sku/],
    ['a broken quote', 'sku,nameZh\n"X,火腿\n', /never closed/],
    ['only a header', 'sku,nameZh\n', /no products/],
  ])('Should refuse %s with 400', async (_label, csv, message) => {
    const { status, body } = await importCsv(csv, staffA);
    expect(status).toBe(400);
    expect(body.detail).toMatch(message);
  });

  it('Should refuse more rows than one batch may carry with 413', async () => {
    const rows = Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => `MANY-${i},货${i},Item ${i},tea,饼,cake,1.00`);
    const { status } = await importCsv(['sku,nameZh,nameEn,category,unitZh,unitEn,unitPrice', ...rows].join('\n'), staffA);
    expect(status).toBe(413);
    expect(await countBySkuPrefix('MANY-')).toBe(0);
  });

  it('Should refuse a file that is not UTF-8 with 400', async () => {
    const gbk = Uint8Array.from([0x73, 0x6b, 0x75, 0x0a, 0xbb, 0xf0, 0xcd, 0xc8, 0x0a]);
    const res = await callJson(`/api/v1/products/import?cooperativeId=${coops.a}`, { method: 'POST', token: staffA, body: gbk, headers: { 'content-type': 'text/csv' } });
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/UTF-8/);
  });

  it("Should answer 404 for importing into another cooperative", async () => {
    const { status } = await importCsv('sku,nameZh\nX-1,火腿\n', staffB, coops.a);
    expect(status).toBe(404);
  });

  it('Should not publish through the import for an unverified cooperative', async () => {
    const pending = await pendingCooperative();
    const csv = 'sku,nameZh,nameEn,category,unitZh,unitEn,unitPrice,status\nPEND-1,火腿,Ham,ham,只,leg,10.00,published\n';
    const { status, body } = await importCsv(csv, pending.token, pending.cooperativeId);
    expect(status).toBe(422);
    expect(body.errors[0].path).toBe('line 2.status');
  });
});

describe('GET /api/v1/products/export', () => {
  it('Should export own products as CSV that imports back unchanged', async () => {
    const res = await call(`/api/v1/products/export?cooperativeId=${coops.a}`, { token: staffA });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const text = await res.text();
    const rows = parseCsv(text);
    expect(rows[0]).toContain('sku');
    expect(rows[0]).toContain('unitPrice');
    const skus = rows.slice(1).map((r) => r[0]);
    expect(skus).toContain('XW-HAM-001');
    const ham = rows.find((r) => r[0] === 'XW-HAM-001')!;
    expect(ham[rows[0]!.indexOf('unitPrice')]).toBe('598.00');
    expect(ham[rows[0]!.indexOf('priceTiers')]).toBe('5:568.00;20:538.00');
    const snapshot = await env.DB.prepare('SELECT sku, name_zh, unit_price_fen, price_tiers, stock, status FROM products WHERE cooperative_id = ? ORDER BY sku').bind(coops.a).all();
    const reimport = await importCsv(text, staffA);
    expect(reimport.status).toBe(200);
    expect(reimport.body.updated).toBe(skus.length);
    const after = await env.DB.prepare('SELECT sku, name_zh, unit_price_fen, price_tiers, stock, status FROM products WHERE cooperative_id = ? ORDER BY sku').bind(coops.a).all();
    expect(after.results).toEqual(snapshot.results);
  });

  it('Should export with Chinese headings on request', async () => {
    const text = await (await call(`/api/v1/products/export?cooperativeId=${coops.a}&headers=zh`, { token: staffA })).text();
    expect(parseCsv(text)[0]!.slice(0, 3)).toEqual(['货号', '中文名称', '英文名称']);
  });

  it("Should answer 404 for another cooperative's export", async () => {
    expect((await call(`/api/v1/products/export?cooperativeId=${coops.a}`, { token: staffB })).status).toBe(404);
  });
});
