import { env } from 'cloudflare:workers';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { runScheduledJobs } from '../../src/jobs/scheduled';
import { markOverdueInvoices } from '../../src/procurement/invoices.service';
import { addMember } from '../helpers/accounts';
import { callJson, demoToken } from '../helpers/http';
import { CANTEEN, makeCooperative, makeProduct, orderBody, pickupAtShowroom, row, rows } from '../helpers/orders';
import { canteenTokens, placeCanteenOrder } from '../helpers/procurement';
import { seedDatabase } from '../helpers/seed';

let tokens: Awaited<ReturnType<typeof canteenTokens>>;
let product: string;
const DAY = 86_400_000;

beforeAll(async () => {
  await seedDatabase();
  tokens = await canteenTokens();
  const coop = await makeCooperative({ shippingFlatFeeFen: 0, freeShippingAboveFen: null });
  product = await makeProduct({ cooperativeId: coop, unitPriceFen: 5_000, stock: 1_000 });
});

async function invoiceOrder(quantity = 1) {
  const { status, body } = await placeCanteenOrder(tokens.purchaser, [{ productId: product, quantity }]);
  expect(status).toBe(201);
  return body as { id: string; invoiceDueAt: number; createdAt: number; payment: { id: string } };
}

const statusOf = (id: string) => row<{ invoiceStatus: string; status: string }>(`SELECT invoice_status AS invoiceStatus, status FROM orders WHERE id = ?`, id);
const overdueNotices = (id: string) => rows(`SELECT id FROM notifications WHERE kind = 'invoice.overdue' AND json_extract(payload, '$.orderId') = ?`, id);

describe('overdue invoices (cron job)', () => {
  // Each test counts only its own invoices: earlier ones are settled.
  beforeEach(async () => {
    await env.DB.prepare(`UPDATE orders SET invoice_status = 'paid' WHERE invoice_status IN ('open', 'overdue')`).run();
  });

  it('Should give an invoice order a due date of now + the organisation’s terms', async () => {
    const order = await invoiceOrder();
    expect(order.invoiceDueAt - order.createdAt).toBe(30 * DAY);
  });

  it('Should mark open invoices past their due date overdue — once, however often it runs', async () => {
    const order = await invoiceOrder();
    const job = markOverdueInvoices.run.bind(markOverdueInvoices, createDb(env.DB), env as never);
    expect(await job(order.invoiceDueAt - 1)).toBe(0);
    expect((await statusOf(order.id)).invoiceStatus).toBe('open');

    expect(await job(order.invoiceDueAt + 1)).toBe(1);
    expect(await statusOf(order.id)).toEqual({ invoiceStatus: 'overdue', status: 'invoiced' });
    expect(await overdueNotices(order.id)).toHaveLength(1);
    expect(await rows(`SELECT id FROM audit_log WHERE action = 'invoice.overdue' AND entity_id = ?`, order.id)).toHaveLength(1);

    expect(await job(order.invoiceDueAt + 2)).toBe(0);
    expect(await overdueNotices(order.id)).toHaveLength(1);
  });

  it('Should change each invoice once when two runs overlap', async () => {
    const a = await invoiceOrder();
    const b = await invoiceOrder();
    const db = createDb(env.DB);
    const at = Math.max(a.invoiceDueAt, b.invoiceDueAt) + 1;
    const [first, second] = await Promise.all([markOverdueInvoices.run(db, env as never, at), markOverdueInvoices.run(db, env as never, at)]);
    expect(first + second).toBe(2);
    for (const order of [a, b]) {
      expect((await statusOf(order.id)).invoiceStatus).toBe('overdue');
      expect(await overdueNotices(order.id)).toHaveLength(1);
    }
  });

  it('Should never touch a paid invoice, and let the admin record the transfer of an overdue one', async () => {
    const paid = await invoiceOrder();
    const late = await invoiceOrder();
    const admin = tokens.admin;
    expect((await callJson(`/api/v1/admin/payments/${paid.payment.id}/confirm`, { method: 'POST', token: admin, json: { bankReference: 'BOC-1' } })).status).toBe(200);
    await markOverdueInvoices.run(createDb(env.DB), env as never, late.invoiceDueAt + 1);
    expect(await statusOf(paid.id)).toEqual({ invoiceStatus: 'paid', status: 'paid' });
    expect((await statusOf(late.id)).invoiceStatus).toBe('overdue');
    expect((await callJson(`/api/v1/admin/payments/${late.payment.id}/confirm`, { method: 'POST', token: admin, json: { bankReference: 'BOC-2' } })).status).toBe(200);
    expect(await statusOf(late.id)).toEqual({ invoiceStatus: 'paid', status: 'paid' });
  });

  it('Should be registered with the scheduled handler', async () => {
    const order = await invoiceOrder();
    const results = await runScheduledJobs(env as never, order.invoiceDueAt + 1);
    expect(results['invoices.mark-overdue']).toBeGreaterThanOrEqual(1);
    expect((await statusOf(order.id)).invoiceStatus).toBe('overdue');
  });
});

describe('GET /organizations/{id}/invoices', () => {
  it('Should list the organisation’s invoices with due dates to its members, filtered by status', async () => {
    const order = await invoiceOrder(2);
    const member = await addMember(CANTEEN, 'member');
    const { status, body } = await callJson(`/api/v1/organizations/${CANTEEN}/invoices?status=open&limit=100`, { token: member.token });
    expect(status).toBe(200);
    expect(body.items.every((i: any) => i.invoiceStatus === 'open')).toBe(true);
    expect(body.items.find((i: any) => i.orderId === order.id)).toMatchObject({ totalFen: 10_000, invoiceDueAt: order.invoiceDueAt, status: 'invoiced' });
    const overdue = await callJson(`/api/v1/organizations/${CANTEEN}/invoices?status=overdue&limit=100`, { token: tokens.owner });
    expect(overdue.body.items.every((i: any) => i.invoiceStatus === 'overdue')).toBe(true);
    expect(overdue.body.items.length).toBeGreaterThan(0);
    const page = await callJson(`/api/v1/organizations/${CANTEEN}/invoices?limit=1`, { token: tokens.owner });
    expect(page.body.items).toHaveLength(1);
    const next = await callJson(`/api/v1/organizations/${CANTEEN}/invoices?limit=1&cursor=${page.body.nextCursor}`, { token: tokens.owner });
    expect(next.body.items[0].orderId).not.toBe(page.body.items[0].orderId);
    expect((await callJson(`/api/v1/organizations/${CANTEEN}/invoices`, { token: await demoToken('buyer') })).status).toBe(404);
    expect((await callJson(`/api/v1/organizations/${CANTEEN}/invoices?status=late`, { token: tokens.owner })).status).toBe(400);
  });
});

describe('POST /orders/{id}/fapiao', () => {
  const fapiao = { title: '上海市宝山区机关事务管理局', taxId: '11310113mb0000000x', email: 'finance@baoshan.example' };

  it('Should store the request once, tell the platform, and answer a second request with 409', async () => {
    const order = await invoiceOrder();
    const member = await addMember(CANTEEN, 'member');
    const { status, body } = await callJson(`/api/v1/orders/${order.id}/fapiao`, { method: 'POST', token: member.token, json: fapiao });
    expect(status).toBe(201);
    expect(body).toMatchObject({ orderId: order.id, title: fapiao.title, taxId: '11310113MB0000000X', email: fapiao.email });
    expect(await row(`SELECT fapiao_title AS t, fapiao_tax_id AS x, fapiao_requested_at AS at FROM orders WHERE id = ?`, order.id)).toEqual({ t: fapiao.title, x: '11310113MB0000000X', at: body.requestedAt });
    const notice = await row<{ org: string; payload: string }>(`SELECT organization_id AS org, payload FROM notifications WHERE kind = 'fapiao.requested' AND json_extract(payload, '$.orderId') = ?`, order.id);
    expect(notice.org).toBe('org_platform');
    expect(JSON.parse(notice.payload)).toMatchObject({ email: fapiao.email, buyerOrganizationId: CANTEEN });

    const again = await callJson(`/api/v1/orders/${order.id}/fapiao`, { method: 'POST', token: tokens.owner, json: { ...fapiao, title: '另一个抬头' } });
    expect(again.status).toBe(409);
    expect(again.body.fapiaoRequestedAt).toBe(body.requestedAt);
    expect((await row<{ t: string }>(`SELECT fapiao_title AS t FROM orders WHERE id = ?`, order.id)).t).toBe(fapiao.title);
  });

  it('Should store one of two simultaneous requests', async () => {
    const order = await invoiceOrder();
    const results = await Promise.all([tokens.owner, tokens.purchaser].map((token) => callJson(`/api/v1/orders/${order.id}/fapiao`, { method: 'POST', token, json: fapiao })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(await rows(`SELECT id FROM notifications WHERE kind = 'fapiao.requested' AND json_extract(payload, '$.orderId') = ?`, order.id)).toHaveLength(1);
  });

  it('Should refuse bad input, outsiders, personal orders and cancelled orders', async () => {
    const order = await invoiceOrder();
    const bad = await callJson(`/api/v1/orders/${order.id}/fapiao`, { method: 'POST', token: tokens.owner, json: { title: 'x', taxId: '123' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(['body.taxId', 'body.title']);
    expect((await callJson(`/api/v1/orders/${order.id}/fapiao`, { method: 'POST', token: await demoToken('showroomManager'), json: fapiao })).status).toBe(404);
    expect((await callJson(`/api/v1/orders/${order.id}/fapiao`, { method: 'POST', json: fapiao })).status).toBe(401);
    const personal = await callJson('/api/v1/orders', { method: 'POST', token: tokens.purchaser, json: orderBody([{ productId: product, quantity: 1 }], { delivery: pickupAtShowroom }) });
    expect((await callJson(`/api/v1/orders/${personal.body.id}/fapiao`, { method: 'POST', token: tokens.purchaser, json: fapiao })).status).toBe(404);
    expect((await callJson(`/api/v1/orders/${order.id}/cancel`, { method: 'POST', token: tokens.purchaser })).status).toBe(200);
    expect((await callJson(`/api/v1/orders/${order.id}/fapiao`, { method: 'POST', token: tokens.owner, json: fapiao })).status).toBe(409);
  });
});
