import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { productId, userId } from '../../seeds/seed';
import { coops, images, pendingCooperative, productBody } from '../helpers/cooperatives';
import { createOrder } from '../helpers/fulfilment';
import { call, callJson, demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';

let staffA: string;
let staffB: string;

beforeAll(async () => {
  await seedDatabase();
  [staffA, staffB] = await Promise.all([demoToken('coopStaffA'), demoToken('coopStaffB')]);
});

// Redirects are answers to check here, not to follow.
const form = (values: Record<string, string>) => ({ body: new URLSearchParams(values), headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' as const });
const html = async (path: string, token?: string) => {
  const res = await call(path, { token, redirect: 'manual' });
  return { status: res.status, text: await res.text(), res };
};

describe('the cooperative dashboard', () => {
  it('Should send guests to sign in and come back', async () => {
    const res = await call('/portal', { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/sign-in?next=%2Fportal');
  });

  it('Should show what to ship, this month and low stock', async () => {
    await createOrder({ buyerUserId: userId('buyer'), parts: [{ lines: [{ productId: productId('XW-HAM-002'), quantity: 4 }] }] });
    await env.DB.prepare('UPDATE products SET stock = 3 WHERE id = ?').bind(productId('XW-HAM-001')).run();
    const { status, text } = await html('/portal', staffA);
    expect(status).toBe(200);
    expect(text).toContain('宣威市火腿加工专业合作社');
    expect(text).toContain('待发货');
    expect(text).toContain('宣威火腿切片 ×4');
    expect(text).toContain('库存不足');
    expect(text).toMatch(/宣威火腿（整只）<\/a> — <strong>3<\/strong>/);
    const en = await html('/portal?lang=en', staffA);
    expect(en.text).toContain("This month&#39;s sales");
  });

  it('Should offer a chooser to someone staffing two cooperatives', async () => {
    await env.DB.prepare("INSERT INTO member (id, organization_id, user_id, role, created_at) VALUES ('mem_two', ?, ?, 'staff', 0)").bind(coops.b, userId('coopStaffA')).run();
    const token = await demoToken('coopStaffA');
    const chooser = await html('/portal', token);
    expect(chooser.text).toContain('选择合作社');
    expect(chooser.text).toContain(`/portal?coop=${coops.b}`);
    const chosen = await html(`/portal?coop=${coops.b}`, token);
    expect(chosen.text).toContain('概览');
    await env.DB.prepare("DELETE FROM member WHERE id = 'mem_two'").run();
  });

  it('Should tell an unverified cooperative it awaits verification and not offer publishing', async () => {
    const pending = await pendingCooperative();
    const dashboard = await html('/portal', pending.token);
    expect(dashboard.text).toContain('等待平台审核');
    const draft = await callJson('/api/v1/products', { method: 'POST', token: pending.token, json: productBody(pending.cooperativeId) });
    const editor = await html(`/portal/products/${draft.body.id}`, pending.token);
    expect(editor.text).toMatch(/<button name="action" value="publish" disabled/);
    const publish = await call(`/portal/products/${draft.body.id}/status`, { method: 'POST', token: pending.token, ...form({ action: 'publish' }) });
    expect(publish.status).toBe(403);
    expect(await publish.text()).toContain('awaiting verification');
  });
});

describe('product pages', () => {
  it('Should create a product from the form with tiers in yuan', async () => {
    const res = await call('/portal/products/new', {
      method: 'POST',
      token: staffA,
      ...form({ nameZh: '火腿丁', nameEn: 'Diced ham', category: 'ham', unitZh: '袋', unitEn: 'bag', unitPrice: '38.80', tierQty0: '10', tierPrice0: '35', stock: '40', minOrderQuantity: '1', orderStep: '1', publish: '1' }),
    });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    const id = location.match(/products\/(prd_[a-z0-9]+)/)![1]!;
    const row = await env.DB.prepare('SELECT unit_price_fen, price_tiers, stock, status FROM products WHERE id = ?').bind(id).first<Record<string, unknown>>();
    expect(row).toMatchObject({ unit_price_fen: 3880, stock: 40, status: 'published' });
    expect(JSON.parse(row!.price_tiers as string)).toEqual([{ minQuantity: 10, unitPriceFen: 3500 }]);
    const page = await html(location, staffA);
    expect(page.text).toContain('商品已创建');
    expect(page.text).toContain('opening stock');
  });

  it('Should re-render the form with the problem for a bad tier', async () => {
    const res = await call('/portal/products/new', {
      method: 'POST',
      token: staffA,
      ...form({ nameZh: '火腿丁', nameEn: 'Diced ham', category: 'ham', unitZh: '袋', unitEn: 'bag', unitPrice: '38.80', tierQty0: '10', tierPrice0: '40' }),
    });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toContain('below the list price');
    expect(text).toContain('value="火腿丁"');
  });

  it('Should name refused fields by their Chinese labels with Chinese messages, not by JSON paths', async () => {
    const res = await call('/portal/products/new', {
      method: 'POST',
      token: staffA,
      ...form({ nameZh: '', nameEn: 'Diced ham', category: 'ham', unitZh: '袋', unitEn: 'bag', unitPrice: '-1' }),
    });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toMatch(/中文名称：[^；<]*[\u4e00-\u9fff]/);
    expect(text).toMatch(/单价（元）：/);
    expect(text).not.toMatch(/(nameZh|unitPriceFen): /);
  });

  it('Should adjust stock, upload and reorder photos through the edit page', async () => {
    const created = await callJson('/api/v1/products', { method: 'POST', token: staffA, json: productBody(coops.a, { stock: 5 }) });
    const id = created.body.id;
    const stock = await call(`/portal/products/${id}/stock`, { method: 'POST', token: staffA, ...form({ delta: '-2', reason: '破损' }) });
    expect(stock.status).toBe(303);
    const tooMuch = await call(`/portal/products/${id}/stock`, { method: 'POST', token: staffA, ...form({ delta: '-20', reason: '盘亏' }) });
    expect(tooMuch.status).toBe(400);
    expect(await tooMuch.text()).toContain('below zero');
    for (const bytes of [images.png, images.jpeg]) {
      const body = new FormData();
      body.append('file', new File([bytes], 'p.bin'));
      expect((await call(`/portal/products/${id}/photos`, { method: 'POST', token: staffA, body, redirect: 'manual' })).status).toBe(303);
    }
    const fake = new FormData();
    fake.append('file', new File([new TextEncoder().encode('hello')], 'x.jpg', { type: 'image/jpeg' }));
    expect((await call(`/portal/products/${id}/photos`, { method: 'POST', token: staffA, body: fake })).status).toBe(415);
    const list = await callJson(`/api/v1/products/${id}/images`, { token: staffA });
    const [first, second] = list.body.items;
    expect((await call(`/portal/products/${id}/photos/${second.id}`, { method: 'POST', token: staffA, ...form({ action: 'up' }) })).status).toBe(303);
    const after = await callJson(`/api/v1/products/${id}/images`, { token: staffA });
    expect(after.body.items.map((i: { id: string }) => i.id)).toEqual([second.id, first.id]);
    const page = await html(`/portal/products/${id}`, staffA);
    // The editor lists photos by their thumbnail copy (the photo itself where it has none).
    expect(page.text).toContain(`src="/photos/${second.r2Key}?size=thumb"`);
    expect(page.text).toContain('<strong id="current-stock">3</strong>');
  });

  it("Should answer 404 pages for another cooperative's product", async () => {
    const id = productId('XW-HAM-001');
    expect((await html(`/portal/products/${id}`, staffB)).status).toBe(404);
    const post = await call(`/portal/products/${id}/stock`, { method: 'POST', token: staffB, ...form({ delta: '-1', reason: 'nope' }) });
    expect(post.status).toBe(404);
  });

  it('Should list own products only', async () => {
    const { text } = await html('/portal/products', staffA);
    expect(text).toContain('XW-HAM-001');
    const other = await env.DB.prepare('SELECT sku FROM products WHERE cooperative_id = ? LIMIT 1').bind(coops.b).first<{ sku: string }>();
    expect(text).not.toContain(other!.sku);
  });
});

describe('the import page', () => {
  it('Should show a per-row report and import nothing when a row is bad', async () => {
    const body = new FormData();
    body.append('file', new File(['\ufeff货号,中文名称,英文名称,品类,单位,英文单位,单价\nPG-1,甲,A,ham,只,leg,1.00\nPG-2,乙,B,ham,只,leg,abc\n'], 'p.csv', { type: 'text/csv' }));
    const res = await call('/portal/import', { method: 'POST', token: staffA, body });
    expect(res.status).toBe(422);
    const text = await res.text();
    expect(text).toContain('有错误，未导入任何商品');
    expect(text).toContain('PG-2');
    expect(text).toContain('unitPrice: Not a price in yuan');
    expect((await env.DB.prepare("SELECT count(*) AS n FROM products WHERE sku LIKE 'PG-%'").first<{ n: number }>())!.n).toBe(0);
  });

  it('Should import a good file', async () => {
    const body = new FormData();
    body.append('file', new File(['sku,nameZh,nameEn,category,unitZh,unitEn,unitPrice\nPG-3,丙,C,tea,饼,cake,88.00\n'], 'p.csv'));
    const res = await call('/portal/import', { method: 'POST', token: staffA, body });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('导入完成：新建 1 个');
  });
});
