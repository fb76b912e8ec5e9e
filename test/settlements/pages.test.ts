import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { productId } from '../../seeds/seed';
import { createOrder } from '../helpers/fulfilment';
import { call, demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';

let admin: string;
let staffA: string;
let staffB: string;

beforeAll(async () => {
  await seedDatabase();
  [admin, staffA, staffB] = await Promise.all([demoToken('admin'), demoToken('coopStaffA'), demoToken('coopStaffB')]);
  await createOrder({ at: Date.UTC(2026, 1, 10), parts: [{ lines: [{ productId: productId('XW-HAM-001'), quantity: 2 }], shippingFen: 1200, status: 'delivered' }] });
});

const post = (path: string, token: string, values: Record<string, string>) =>
  call(path, { method: 'POST', token, body: new URLSearchParams(values), headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
const page = async (path: string, token: string) => {
  const res = await call(path, { token, redirect: 'manual' });
  return { status: res.status, text: await res.text() };
};

describe('settlement pages', () => {
  it('Should let the admin set rates, generate a period and record the payment', async () => {
    expect((await post('/admin/settlements/settings', admin, { platformFeeRateBp: '100', pickupCommissionRateBp: '0', receiptAssumedAfterDays: '7' })).status).toBe(303);
    const generated = await post('/admin/settlements', admin, { periodStart: '2026-02-01', periodEnd: '2026-02-28' });
    expect(generated.status).toBe(200);
    const text = await generated.text();
    expect(text).toContain('已生成 1 张结算单');
    expect(text).toContain('¥1,208.00');
    const { id } = (await env.DB.prepare('SELECT id FROM settlements').first<{ id: string }>())!;
    expect((await post(`/admin/settlements/${id}/paid`, admin, { bankReference: 'ICBC-0001' })).status).toBe(303);
    const twice = await post(`/admin/settlements/${id}/paid`, admin, { bankReference: 'ICBC-0002' });
    expect(twice.status).toBe(409);
  });

  it('Should show the cooperative its statement with traced lines and nobody else', async () => {
    const { id } = (await env.DB.prepare('SELECT id FROM settlements').first<{ id: string }>())!;
    const list = await page('/portal/settlements', staffA);
    expect(list.text).toContain('2026-02-01 – 2026-02-28');
    const detail = await page(`/portal/settlements/${id}`, staffA);
    expect(detail.status).toBe(200);
    expect(detail.text).toContain('Platform fee 1.00% of ¥1,208.00');
    expect(detail.text).toContain(`/api/v1/settlements/${id}.csv`);
    expect((await page(`/portal/settlements/${id}`, staffB)).status).toBe(404);
    expect((await page('/admin/settlements', staffA)).status).toBe(403);
  });
});
