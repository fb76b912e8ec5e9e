import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, callJson } from '../helpers/http';
import { CANTEEN, makeCooperative, makeProduct, orderRowCounts, row, rows, stockOf } from '../helpers/orders';
import { bulkBody, bulkPlaceBody, canteenTokens, negotiatedPrice, PURCHASER_MEMBER, setPurchaserLimit, skuOf } from '../helpers/procurement';
import { seedDatabase } from '../helpers/seed';

let tokens: Awaited<ReturnType<typeof canteenTokens>>;
let coop: string;
let rice: string; // MOQ 5, step 5, tier at 50
let tea: string; // list price only, little stock
let ham: string; // negotiated for the canteen
let draft: string;
const sku: Record<string, string> = {};

beforeAll(async () => {
  await seedDatabase();
  tokens = await canteenTokens();
  coop = await makeCooperative({ shippingFlatFeeFen: 1000, freeShippingAboveFen: 50000 });
  rice = await makeProduct({ cooperativeId: coop, unitPriceFen: 1200, priceTiers: [{ minQuantity: 50, unitPriceFen: 1000 }], minOrderQuantity: 5, orderStep: 5, stock: 500, category: 'rice' });
  tea = await makeProduct({ cooperativeId: coop, unitPriceFen: 3000, stock: 3, category: 'tea' });
  ham = await makeProduct({ cooperativeId: coop, unitPriceFen: 8000, stock: 100, category: 'ham' });
  draft = await makeProduct({ cooperativeId: coop, status: 'draft' });
  await negotiatedPrice(CANTEEN, ham, 6500, Date.now() - 86_400_000);
  for (const [name, id] of Object.entries({ rice, tea, ham, draft })) sku[name] = await skuOf(id);
});

const preview = (csv: string, overrides: Record<string, unknown> = {}, token = tokens.purchaser) =>
  callJson('/api/v1/orders/bulk?mode=preview', { method: 'POST', token, json: bulkBody(csv, overrides) });

describe('POST /api/v1/orders/bulk?mode=preview', () => {
  it('Should report every line with its status, the price applied and its source, and totals of the ok lines', async () => {
    const csv = [
      'sku,quantity',
      `${sku.rice},50`, // tier
      `${sku.ham},2`, // negotiated
      'NO-SUCH-SKU,3',
      `${sku.tea},10`, // only 3 in stock
      `${sku.rice},5`, // duplicate of line 2
      `${sku.draft},1`,
      '',
    ].join('\n');
    const { status, body } = await preview(csv);
    expect(status).toBe(200);
    const byLine = Object.fromEntries(body.lines.map((l: any) => [l.line, l]));
    expect(byLine[2]).toMatchObject({ status: 'ok', unitPriceFen: 1000, priceSource: 'tier', lineTotalFen: 50_000, productId: rice });
    expect(byLine[3]).toMatchObject({ status: 'ok', unitPriceFen: 6500, priceSource: 'negotiated', lineTotalFen: 13_000 });
    expect(byLine[4]).toMatchObject({ status: 'unknown_sku', productId: null });
    expect(byLine[5]).toMatchObject({ status: 'short_stock', available: 3, suggestedQuantity: 3, unitPriceFen: 3000 });
    expect(byLine[6]).toMatchObject({ status: 'duplicate', duplicateOfLine: 2 });
    expect(byLine[7]).toMatchObject({ status: 'unavailable' });
    expect(body.lines).toHaveLength(6);
    expect(body.okLines).toBe(2);
    expect(body.problemLines).toBe(4);
    expect(body.subtotalFen).toBe(63_000);
    expect(body.shippingFen).toBe(0); // 63,000 ≥ the cooperative's free threshold
    expect(body.totalFen).toBe(63_000);
    expect(body.counts).toEqual({ ok: 2, unknown_sku: 1, short_stock: 1, duplicate: 1, unavailable: 1 });
    expect(body.placeable).toBe(true);
  });

  it('Should flag quantities below the minimum, off the step and not whole numbers, suggesting what can be ordered', async () => {
    const csv = ['商品编码,数量', `${sku.rice},3`, `${sku.ham},abc`, `${sku.tea},0`, `${sku.rice!.toLowerCase()},12`].join('\r\n');
    const { body } = await preview(csv);
    const [below, notNumber, zero, offStep] = body.lines;
    expect(below).toMatchObject({ line: 2, status: 'below_moq', minOrderQuantity: 5, suggestedQuantity: 5 });
    expect(notNumber).toMatchObject({ status: 'invalid_quantity', quantity: null });
    expect(zero).toMatchObject({ status: 'invalid_quantity', quantity: 0 });
    // Lower-case SKU is the same product (and a duplicate of line 2).
    expect(offStep).toMatchObject({ status: 'duplicate', duplicateOfLine: 2 });
    const step = await preview(['sku,quantity', `${sku.rice},12`].join('\n'));
    expect(step.body.lines[0]).toMatchObject({ status: 'off_step', orderStep: 5, suggestedQuantity: 10 });
    expect(body.placeable).toBe(false);
  });

  it('Should accept the raw file as text/csv with a BOM and Chinese headers', async () => {
    const res = await call(`/api/v1/orders/bulk?organizationId=${CANTEEN}`, {
      method: 'POST',
      token: tokens.purchaser,
      body: `\ufeff编号,数量\n${sku.ham},1\n`,
      headers: { 'content-type': 'text/csv; charset=utf-8' },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.lines).toEqual([expect.objectContaining({ line: 2, sku: sku.ham, status: 'ok', priceSource: 'negotiated' })]);
  });

  it('Should refuse a file with the wrong columns with a 400 that says which columns it needs', async () => {
    const { status, body } = await preview('product,amount\nX,1\n');
    expect(status).toBe(400);
    expect(body.detail).toMatch(/Wrong columns/);
    expect(body.detail).toMatch(/SKU column/);
    expect(body.detail).toMatch(/quantity column/);
  });

  it('Should refuse a text/csv file that is not UTF-8 and a text/csv place', async () => {
    const gbk = new Uint8Array([0xc9, 0xcc, 0xc6, 0xb7, 0x2c, 0x31, 0x0a]); // "商品" in GBK
    const bad = await call(`/api/v1/orders/bulk?organizationId=${CANTEEN}`, { method: 'POST', token: tokens.purchaser, body: gbk, headers: { 'content-type': 'text/csv' } });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/UTF-8/);
    const place = await call(`/api/v1/orders/bulk?mode=place&organizationId=${CANTEEN}`, { method: 'POST', token: tokens.purchaser, body: 'sku,quantity\nA,1\n', headers: { 'content-type': 'text/csv' } });
    expect(place.status).toBe(400);
  });

  it('Should only let owners and purchasers of the organisation use it', async () => {
    expect((await callJson('/api/v1/orders/bulk', { method: 'POST', json: bulkBody('sku,quantity\nA,1') })).status).toBe(401);
    expect((await preview('sku,quantity\nA,1', {}, tokens.admin)).status).toBe(200);
    const other = await preview('sku,quantity\nA,1', { organizationId: 'org_lijiang_showroom_yangpu' });
    expect(other.status).toBe(404);
  });

  it('Should preview 5,000 lines in well under the request budget, and refuse 5,001', async () => {
    // 5,000 distinct products: the worst case for lookups and pricing.
    const cooperative = await makeCooperative();
    const county = await row<{ countyId: string }>('SELECT county_id AS countyId FROM organization WHERE id = ?', cooperative);
    const statements = Array.from({ length: 5000 }, (_, i) =>
      env.DB.prepare(
        `INSERT INTO products (id, sku, cooperative_id, county_id, category, name_zh, name_en, unit_zh, unit_en, unit_price_fen, price_tiers, min_order_quantity, order_step, stock, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'rice', ?, ?, '袋', 'bag', ?, '[{"minQuantity":10,"unitPriceFen":900}]', 1, 1, 1000, 'published', 0, 0)`,
      ).bind(`prd_bulk_${i}`, `BULK-${i}`, cooperative, county.countyId, `批量 ${i}`, `Bulk ${i}`, 1000 + (i % 7)),
    );
    for (let i = 0; i < statements.length; i += 500) await env.DB.batch(statements.slice(i, i + 500));
    const csv = ['sku,quantity', ...Array.from({ length: 5000 }, (_, i) => `BULK-${i},${(i % 20) + 1}`)].join('\n');
    const started = performance.now();
    const { status, body } = await preview(csv);
    const ms = performance.now() - started;
    console.log(`5,000-line bulk preview: ${ms.toFixed(0)} ms`);
    expect(status).toBe(200);
    expect(body.lines).toHaveLength(5000);
    expect(body.okLines).toBe(5000);
    expect(body.lines[4999]).toMatchObject({ line: 5001, sku: 'BULK-4999', quantity: 20, unitPriceFen: 900, priceSource: 'tier' });
    expect(body.placeable).toBe(false); // more products than one order takes
    expect(ms).toBeLessThan(10_000);
    const tooMany = await preview(`${csv}\nBULK-1,1`);
    expect(tooMany.status).toBe(413);
  });
});

describe('POST /api/v1/orders/bulk?mode=place', () => {
  it('Should place the ok lines as one invoice order through the order service, skipping the rest', async () => {
    const before = await stockOf(rice);
    const csv = ['sku,quantity', `${sku.rice},10`, `${sku.ham},1`, 'NOPE,1', `${sku.tea},99`].join('\n');
    const key = crypto.randomUUID();
    const { status, body } = await callJson('/api/v1/orders/bulk?mode=place', { method: 'POST', token: tokens.purchaser, json: bulkPlaceBody(csv), headers: { 'idempotency-key': key } });
    expect(status).toBe(201);
    expect(body.order.status).toBe('invoiced');
    expect(body.order.lines.map((l: any) => l.productId).sort()).toEqual([ham, rice].sort());
    expect(body.order.lines.find((l: any) => l.productId === ham)).toMatchObject({ unitPriceFen: 6500, priceSource: 'negotiated' });
    expect(body.order.delivery.deliveryLocationId).toBe('loc_baoshan_canteen_kitchen');
    expect(body.report.okLines).toBe(2);
    expect(body.report.totalFen).toBe(body.order.totalFen);
    expect(await stockOf(rice)).toBe(before - 10);

    // The same key again replays the order, although the stock it reserved changed the preview.
    const counts = await orderRowCounts();
    const again = await callJson('/api/v1/orders/bulk?mode=place', { method: 'POST', token: tokens.purchaser, json: bulkPlaceBody(csv), headers: { 'idempotency-key': key } });
    expect(again.status).toBe(201);
    expect(again.res.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.order.id).toBe(body.order.id);
    expect(await orderRowCounts()).toEqual(counts);
    const changed = await callJson('/api/v1/orders/bulk?mode=place', { method: 'POST', token: tokens.purchaser, json: bulkPlaceBody(`${csv}\n`), headers: { 'idempotency-key': key } });
    expect(changed.status).toBe(422);
  });

  it('Should place an order of many lines (more rows than one INSERT may bind)', async () => {
    const many = await Promise.all(Array.from({ length: 12 }, () => makeProduct({ cooperativeId: coop, unitPriceFen: 500, stock: 50 })));
    const csv = ['sku,quantity', ...(await Promise.all(many.map(skuOf))).map((s) => `${s},2`)].join('\n');
    const { status, body } = await callJson('/api/v1/orders/bulk?mode=place', { method: 'POST', token: tokens.purchaser, json: bulkPlaceBody(csv) });
    expect(status).toBe(201);
    expect(body.order.lines).toHaveLength(12);
    const lines = await rows('SELECT id FROM order_lines WHERE order_id = ?', body.order.id);
    expect(lines).toHaveLength(12);
  });

  it('Should refuse to place when no line can be ordered, with the report, and write nothing', async () => {
    const counts = await orderRowCounts();
    const { status, body } = await callJson('/api/v1/orders/bulk?mode=place', { method: 'POST', token: tokens.purchaser, json: bulkPlaceBody('sku,quantity\nNOPE,1\n') });
    expect(status).toBe(422);
    expect(body.report.lines[0].status).toBe('unknown_sku');
    expect(await orderRowCounts()).toEqual(counts);
  });

  it('Should ask for delivery, contact and payment method to place', async () => {
    const { status, body } = await callJson('/api/v1/orders/bulk?mode=place', { method: 'POST', token: tokens.purchaser, json: bulkBody(`sku,quantity\n${sku.ham},1`) });
    expect(status).toBe(400);
    expect(body.errors.map((e: any) => e.path)).toEqual(['body.delivery', 'body.contact', 'body.paymentMethod']);
  });

  it('Should hold a bulk order above the purchaser’s limit for the owner’s approval (202)', async () => {
    await setPurchaserLimit(PURCHASER_MEMBER, 10_000);
    try {
      const { status, body } = await callJson('/api/v1/orders/bulk?mode=place', { method: 'POST', token: tokens.purchaser, json: bulkPlaceBody(`sku,quantity\n${sku.ham},2`) });
      expect(status).toBe(202);
      expect(body.order).toBeNull();
      expect(body.approval).toMatchObject({ status: 'pending', totalFen: 13_000 + 1000 }); // goods + the cooperative's shipping
      expect(body.approval.request.items).toEqual([{ productId: ham, quantity: 2 }]);
    } finally {
      await setPurchaserLimit(PURCHASER_MEMBER, 2_000_000);
    }
  });
});
