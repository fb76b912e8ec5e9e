import { beforeAll, describe, expect, it } from 'vitest';
import { BASE } from '../helpers/http';
import { exports } from 'cloudflare:workers';
import { addMember, getPage, postForm, sessionCookie } from '../helpers/accounts';
import { CANTEEN, makeCooperative, makeProduct, row, rows, SHOWROOM, stockOf } from '../helpers/orders';
import { canteenTokens, placeCanteenOrder, skuOf } from '../helpers/procurement';
import { seedDatabase } from '../helpers/seed';

/** The procurement pages, driven like a browser: session cookie, form posts, no redirects followed. */

let purchaser: string; // cookie
let owner: string;
let admin: string;
let tokens: Awaited<ReturnType<typeof canteenTokens>>;
let rice: string;
let ham: string;
const sku: Record<string, string> = {};

beforeAll(async () => {
  await seedDatabase();
  tokens = await canteenTokens();
  purchaser = await sessionCookie('canteen@shanhai.local');
  owner = await sessionCookie('canteen-owner@shanhai.local');
  admin = await sessionCookie('admin@shanhai.local');
  const coop = await makeCooperative({ name: '墨江紫米测试社', shippingFlatFeeFen: 0, freeShippingAboveFen: null });
  rice = await makeProduct({ cooperativeId: coop, unitPriceFen: 1_200, minOrderQuantity: 5, orderStep: 5, stock: 500, nameZh: '墨江紫米' });
  ham = await makeProduct({ cooperativeId: coop, unitPriceFen: 90_000, stock: 500, nameZh: '宣威火腿' }); // ¥900 a case
  sku.rice = await skuOf(rice);
  sku.ham = await skuOf(ham);
});

const html = async (res: Response) => ({ status: res.status, text: await res.text(), location: res.headers.get('location') });

/** A multipart form post (file upload) with a session cookie. */
function upload(path: string, fields: Record<string, string>, file: { name: string; content: string | Uint8Array }, cookie: string) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set('file', new File([file.content], file.name, { type: 'text/csv' }));
  return exports.default.fetch(`${BASE}${path}`, { method: 'POST', body: form, headers: { cookie, origin: BASE }, redirect: 'manual' });
}

/** The preview form's fields as a browser would post them (inputs by name = value). */
function formFieldsOf(page: string): Record<string, string> {
  const form = page.slice(page.indexOf('id="bulk-preview"'));
  const fields: Record<string, string> = {};
  for (const match of form.matchAll(/<input([^>]*)>/g)) {
    const name = /name="([^"]+)"/.exec(match[1]!)?.[1];
    const value = /value="([^"]*)"/.exec(match[1]!)?.[1] ?? '';
    const type = /type="([^"]+)"/.exec(match[1]!)?.[1];
    if (!name) continue;
    if (type === 'radio' && !/checked/.test(match[1]!)) continue;
    fields[name] = value.replace(/&amp;/g, '&').replace(/&quot;/g, '"');
  }
  const delivery = /<select id="delivery" name="delivery"[^>]*>[\s\S]*?<option value="([^"]+)" selected/.exec(form);
  if (delivery) fields.delivery = delivery[1]!;
  return fields;
}

describe('the organisation dashboard', () => {
  it('Should show progress toward the target, a monthly chart with a text alternative, counties and the order forms', async () => {
    await placeCanteenOrder(tokens.purchaser, [{ productId: ham, quantity: 2 }]);
    const { status, text } = await html(await getPage('/procurement', purchaser));
    expect(status).toBe(200);
    expect(text).toContain('宝山区机关食堂');
    expect(text).toMatch(/已完成 ¥1,800\.00，目标 ¥500,000\.00（0\.4%）/);
    expect(text).toContain('role="progressbar"');
    expect(text).toMatch(/<svg class="chart month-chart"[^>]*role="img"/);
    expect(text).toContain('<summary>按月完成额');
    expect(text).toContain('href="/procurement/bulk?org=org_baoshan_canteen"');
    expect(text).toContain('format=csv');
    expect(text).toContain('待转账发票');
    expect(text).toContain('href="/procurement"'); // the header link for institution members
  });

  it('Should send a guest to sign in, tell someone without an organisation how to get one, and hide other organisations', async () => {
    const guest = await getPage('/procurement');
    expect(guest.status).toBe(303);
    expect(guest.headers.get('location')).toBe('/sign-in?next=%2Fprocurement');
    const buyer = await html(await getPage('/procurement', await sessionCookie('buyer@shanhai.local')));
    expect(buyer.text).toContain('你还不属于任何采购机构');
    expect((await getPage(`/procurement?org=${SHOWROOM}`, purchaser)).status).toBe(404);
  });

  it('Should render in English', async () => {
    const { text } = await html(await getPage('/procurement?lang=en', purchaser));
    expect(text).toContain('Yearly consumption-assistance target');
  });
});

describe('bulk order pages', () => {
  it('Should take an uploaded CSV, highlight the bad line, accept the fix and place the order on invoice', async () => {
    const csv = `\ufeff商品编码,数量\n${sku.rice},12\n${sku.ham},3\n`;
    const preview = await html(await upload('/procurement/bulk/preview', { org: CANTEEN }, { name: 'order.csv', content: csv }, purchaser));
    expect(preview.status).toBe(200);
    expect(preview.text).toMatch(/<tr class="problem" data-line="2" data-status="off_step">/);
    expect(preview.text).toContain('建议 10');
    expect(preview.text).toContain('1 行可下单，1 行有问题');

    const fields = formFieldsOf(preview.text);
    expect(fields).toMatchObject({ sku_0: sku.rice, qty_0: '12', line_0: '2', n: '2', paymentMethod: 'invoice', delivery: 'loc:loc_baoshan_canteen_kitchen' });
    const fixed = await html(await postForm('/procurement/bulk/preview', { ...fields, qty_0: '10' }, { cookie: purchaser }));
    expect(fixed.text).toContain('2 行可下单，0 行有问题');
    expect(fixed.text).not.toContain('class="problem"');

    const stock = await stockOf(rice);
    const placed = await postForm('/procurement/bulk/place', { ...formFieldsOf(fixed.text), contactName: '采购员', contactPhone: '13800000002' }, { cookie: purchaser });
    expect(placed.status).toBe(303);
    const location = placed.headers.get('location')!;
    expect(location).toMatch(/^\/orders\/ord_\w+\?placed=1$/);
    const orderId = /ord_\w+/.exec(location)![0];
    expect(await row(`SELECT status, payment_method AS method, delivery_location_id AS loc FROM orders WHERE id = ?`, orderId)).toEqual({ status: 'invoiced', method: 'invoice', loc: 'loc_baoshan_canteen_kitchen' });
    expect(await stockOf(rice)).toBe(stock - 10);
    // The order page offers the pro-forma invoice and ordering again.
    const orderPage = await html(await getPage(location, purchaser));
    expect(orderPage.text).toContain(`action="/orders/${orderId}/reorder"`);
    expect(orderPage.text).toContain(`href="/orders/${orderId}/invoice"`);
  });

  it('Should explain a file with the wrong columns on the upload page', async () => {
    const res = await html(await postForm('/procurement/bulk/preview', { org: CANTEEN, csv: 'name,amount\n香菇,2' }, { cookie: purchaser }));
    expect(res.status).toBe(400);
    expect(res.text).toContain('Wrong columns');
    expect(res.text).toContain('name,amount'); // the pasted text is kept
  });

  it('Should show a refusal (credit, stock) on the preview instead of failing', async () => {
    const fields = { org: CANTEEN, n: '1', sku_0: sku.ham!, qty_0: '400', line_0: '2', delivery: 'loc:loc_baoshan_canteen_kitchen', contactName: '采购员', contactPhone: '13800000002', paymentMethod: 'invoice', idempotencyKey: crypto.randomUUID() };
    // ¥270,000 on invoice against ¥200,000 of credit (the owner has no per-order limit).
    const res = await html(await postForm('/procurement/bulk/place', { ...fields, qty_0: '300' }, { cookie: owner }));
    expect(res.status).toBe(422);
    expect(res.text).toContain('exceeds the invoice credit');
    expect(res.text).toContain('data-status="ok"'); // the preview is shown again with the refusal
  });

  it('Should send a purchaser’s bulk order above the limit to the approvals page', async () => {
    const fields = { org: CANTEEN, n: '1', sku_0: sku.ham!, qty_0: '30', line_0: '2', delivery: 'loc:loc_baoshan_canteen_kitchen', contactName: '采购员', contactPhone: '13800000002', paymentMethod: 'invoice', idempotencyKey: crypto.randomUUID() };
    const res = await postForm('/procurement/bulk/place', fields, { cookie: purchaser });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/procurement\/approvals\?org=org_baoshan_canteen&requested=apr_\w+$/);
  });

  it('Should let a plain member check a file but not place it', async () => {
    const member = await addMember(CANTEEN, 'member');
    const auth = { authorization: `Bearer ${member.token}` };
    const fields = { org: CANTEEN, n: '1', sku_0: sku.ham!, qty_0: '1', line_0: '2' };
    const preview = await html(await postForm('/procurement/bulk/preview', fields, { headers: auth }));
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('1 行可下单');
    expect(preview.text).not.toContain('formaction="/procurement/bulk/place"');
    const place = { ...fields, delivery: 'loc:loc_baoshan_canteen_kitchen', contactName: '成员', contactPhone: '13800000004', paymentMethod: 'invoice', idempotencyKey: crypto.randomUUID() };
    expect((await postForm('/procurement/bulk/place', place, { headers: auth })).status).toBe(403);
  });

  it('Should prefill the quick order from a past order, and put a past order back in the cart', async () => {
    const { body: order } = await placeCanteenOrder(tokens.purchaser, [{ productId: rice, quantity: 15 }, { productId: ham, quantity: 1 }]);
    const quick = await html(await getPage(`/procurement/quick?org=${CANTEEN}&from=${order.id}`, purchaser));
    expect(quick.status).toBe(200);
    expect(quick.text).toContain(`value="${sku.rice}"`);
    expect(quick.text).toContain('value="15"');
    expect((await getPage(`/procurement/quick?org=${CANTEEN}&from=ord_nope`, purchaser)).status).toBe(404);

    const again = await postForm(`/orders/${order.id}/reorder`, {}, { cookie: purchaser });
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe('/cart?added=1');
    const cart = await rows<{ productId: string; quantity: number }>(
      `SELECT product_id AS productId, quantity FROM cart_items JOIN carts ON carts.id = cart_items.cart_id WHERE carts.user_id = 'usr_demo_canteenPurchaser' ORDER BY product_id`,
    );
    expect(cart).toEqual(expect.arrayContaining([{ productId: rice, quantity: 15 }, { productId: ham, quantity: 1 }]));
    expect((await postForm(`/orders/${order.id}/reorder`, {}, { cookie: await sessionCookie('buyer@shanhai.local') })).status).toBe(404);
  });
});

describe('approvals, invoices and price list pages', () => {
  it('Should let the owner approve from the page and not show the purchaser the buttons', async () => {
    const { body: approval } = await placeCanteenOrder(tokens.purchaser, [{ productId: ham, quantity: 25 }]);
    const asPurchaser = await html(await getPage(`/procurement/approvals?org=${CANTEEN}`, purchaser));
    expect(asPurchaser.text).toContain(`id="${approval.id}"`);
    expect(asPurchaser.text).not.toContain(`/procurement/approvals/${approval.id}/approve`);
    const asOwner = await html(await getPage(`/procurement/approvals?org=${CANTEEN}`, owner));
    expect(asOwner.text).toContain(`action="/procurement/approvals/${approval.id}/approve"`);
    const noReason = await html(await postForm(`/procurement/approvals/${approval.id}/reject`, { org: CANTEEN, reason: '' }, { cookie: owner }));
    expect(noReason.status).toBe(400);
    const approved = await html(await postForm(`/procurement/approvals/${approval.id}/approve`, { org: CANTEEN }, { cookie: owner }));
    expect(approved.status).toBe(200);
    expect(approved.text).toContain('已批准，订单已提交');
    const forbidden = await postForm(`/procurement/approvals/${approval.id}/approve`, { org: CANTEEN }, { cookie: purchaser });
    expect(forbidden.status).toBe(403);
  });

  it('Should list invoices and print a pro-forma invoice with the fapiao title, tax id, sellers, total and due date', async () => {
    const { body: order } = await placeCanteenOrder(tokens.purchaser, [{ productId: ham, quantity: 1 }]);
    const list = await html(await getPage(`/procurement/invoices?org=${CANTEEN}&status=open`, purchaser));
    expect(list.text).toContain(`data-order-id="${order.id}"`);
    const proforma = await html(await getPage(`/orders/${order.id}/invoice`, purchaser));
    expect(proforma.status).toBe(200);
    expect(proforma.text).toContain('上海市宝山区机关事务管理局');
    expect(proforma.text).toContain('11310113MB0000000X');
    expect(proforma.text).toContain('合作社（卖方）: 墨江紫米测试社');
    expect(proforma.text).toContain('<strong data-testid="proforma-total">¥900.00</strong>');
    expect(proforma.text).toContain(new Date(order.invoiceDueAt + 8 * 3600_000).toISOString().slice(0, 10));
    expect(proforma.text).toContain('@page{size:A4');
    expect(proforma.text).toContain('data-print');
    expect((await getPage(`/orders/${order.id}/invoice`, await sessionCookie('buyer@shanhai.local'))).status).toBe(404);

    const requested = await postForm(`/orders/${order.id}/fapiao`, { title: '上海市宝山区机关事务管理局', taxId: '11310113MB0000000X' }, { cookie: purchaser });
    expect(requested.status).toBe(303);
    expect(requested.headers.get('location')).toBe(`/orders/${order.id}/invoice?fapiao=1`);
    expect((await html(await getPage(requested.headers.get('location')!, purchaser))).text).toContain('已于');
    const twice = await postForm(`/orders/${order.id}/fapiao`, { title: '上海市宝山区机关事务管理局', taxId: '11310113MB0000000X' }, { cookie: owner });
    expect(twice.status).toBe(409);
  });

  it('Should let an admin create, change and delete a negotiated price from the page', async () => {
    const created = await html(await postForm('/admin/price-lists', { organizationId: CANTEEN, sku: sku.rice!.toLowerCase(), priceYuan: '10.50', validFrom: '2026-01-01', validTo: '' }, { cookie: admin }));
    expect(created.status).toBe(200);
    expect(created.text).toContain('已保存');
    const entry = await row<{ id: string; price: number; from: number; to: number | null }>(`SELECT id, unit_price_fen AS price, valid_from AS "from", valid_to AS "to" FROM price_list_entries WHERE product_id = ?`, rice);
    expect(entry).toMatchObject({ price: 1_050, from: Date.UTC(2025, 11, 31, 16), to: null });
    const updated = await html(await postForm(`/admin/price-lists/${entry.id}`, { priceYuan: '10.00', validFrom: '2026-01-01', validTo: '2099-01-01' }, { cookie: admin }));
    expect(updated.status).toBe(200);
    expect(await row(`SELECT unit_price_fen AS price FROM price_list_entries WHERE id = ?`, entry.id)).toEqual({ price: 1_000 });
    const bad = await html(await postForm(`/admin/price-lists/${entry.id}`, { priceYuan: '10.00', validFrom: '2026-01-01', validTo: '2025-01-01' }, { cookie: admin }));
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('validTo must be after validFrom');
    expect((await rows(`SELECT action FROM audit_log WHERE entity_id = ? ORDER BY created_at`, entry.id)).map((r: any) => r.action)).toEqual(['price_list.create', 'price_list.update']);
    const removed = await html(await postForm(`/admin/price-lists/${entry.id}/delete`, {}, { cookie: admin }));
    expect(removed.text).toContain('已删除');
    expect(await rows(`SELECT id FROM price_list_entries WHERE id = ?`, entry.id)).toEqual([]);
    expect((await getPage('/admin/price-lists', owner)).status).toBe(403);
    expect((await html(await getPage('/admin/price-lists', admin))).text).toContain('协议价');
  });
});
