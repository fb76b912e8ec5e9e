import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { productId } from '../../seeds/seed';
import { coops } from '../helpers/cooperatives';
import { createFormedGroupBuy, createOrder } from '../helpers/fulfilment';
import { call, demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';

let staffA: string;
let staffB: string;

beforeAll(async () => {
  await seedDatabase();
  [staffA, staffB] = await Promise.all([demoToken('coopStaffA'), demoToken('coopStaffB')]);
});

const post = (path: string, token: string, values: Record<string, string> = {}) =>
  call(path, { method: 'POST', token, body: new URLSearchParams(values), headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
const page = async (path: string, token: string) => {
  const res = await call(path, { token, redirect: 'manual' });
  return { status: res.status, text: await res.text() };
};
const statusOf = async (id: string) => (await env.DB.prepare('SELECT status, tracking_number FROM shipments WHERE id = ?').bind(id).first<{ status: string; tracking_number: string | null }>())!;

describe('the shipments page', () => {
  it('Should accept, ship with a tracking number and deliver with the buttons', async () => {
    const order = await createOrder({ parts: [{ lines: [{ productId: productId('XW-HAM-002'), quantity: 6 }] }] });
    const [id] = order.shipmentIds as [string];
    const list = await page('/portal/shipments?status=pending', staffA);
    expect(list.text).toContain(`id="${id}"`);
    expect(list.text).toContain('宣威火腿切片 × <strong>6</strong>');
    expect((await post(`/portal/shipments/${id}/accept`, staffA)).status).toBe(303);
    expect((await statusOf(id)).status).toBe('accepted');
    const bad = await post(`/portal/shipments/${id}/ship`, staffA, { carrier: '顺丰速运', trackingNumber: 'x' });
    expect(bad.status).toBe(400);
    const shipped = await post(`/portal/shipments/${id}/ship`, staffA, { carrier: '顺丰速运', trackingNumber: 'SF20260001' });
    expect(shipped.status).toBe(303);
    expect(shipped.headers.get('location')).toBe(`/portal/shipments?coop=${coops.a}&done=1#${id}`);
    expect(await statusOf(id)).toEqual({ status: 'shipped', tracking_number: 'SF20260001' });
    const again = await post(`/portal/shipments/${id}/accept`, staffA);
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('it is shipped, not pending');
    expect((await post(`/portal/shipments/${id}/deliver`, staffA)).status).toBe(303);
    expect((await statusOf(id)).status).toBe('delivered');
  });

  it("Should answer 404 to another cooperative's clerk", async () => {
    const order = await createOrder({ parts: [{ lines: [{ productId: productId('XW-HAM-002'), quantity: 1 }] }] });
    const [id] = order.shipmentIds as [string];
    expect((await post(`/portal/shipments/${id}/accept`, staffB)).status).toBe(404);
    expect((await page(`/portal/shipments/${id}/packing-slip`, staffB)).status).toBe(404);
    expect((await statusOf(id)).status).toBe('pending');
    const list = await page('/portal/shipments', staffB);
    expect(list.text).not.toContain(id);
  });

  it('Should print a packing slip with items, quantities and the pickup point', async () => {
    const gb = await createFormedGroupBuy({
      organizerOrganizationId: 'org_lijiang_showroom_yangpu',
      pickupOrganizationId: 'org_lijiang_showroom_yangpu',
      participants: [[{ productId: productId('XW-HAM-001'), quantity: 2 }], [{ productId: productId('XW-HAM-001'), quantity: 1 }]],
    });
    const slip = await page(`/portal/shipments/${gb.shipmentIds[0]}/packing-slip`, staffA);
    expect(slip.status).toBe(200);
    expect(slip.text).toContain('装箱单');
    expect(slip.text).toContain(gb.groupBuyId);
    expect(slip.text).toContain('XW-HAM-001');
    expect(slip.text).toContain('<strong>3</strong>');
    expect(slip.text).toContain('控江路社区商业中心');
    // Printed without the site's header, tab bar and buttons: the print rules live in the linked stylesheet.
    const stylesheet = /<link rel="stylesheet" href="(\/assets\/css\/base\.[0-9a-f]+\.css)"/.exec(slip.text)?.[1];
    expect(stylesheet).toBeDefined();
    const css = await (await env.ASSETS.fetch(`http://localhost${stylesheet}`)).text();
    expect(css).toMatch(/@media print\{[^}]*header\.site[^}]*\.no-print\{display:none\}/);
  });

  it("Should name who collects a pickup order on its packing slip", async () => {
    const order = await createOrder({ pickupOrganizationId: 'org_lijiang_showroom_yangpu', parts: [{ lines: [{ productId: productId('XW-HAM-002'), quantity: 2 }] }] });
    const slip = await page(`/portal/shipments/${order.shipmentIds[0]}/packing-slip`, staffA);
    expect(slip.text).toContain(order.orderId);
    expect(slip.text).toContain('提货人');
    expect(slip.text).toContain('13900000000');
  });

  it('Should filter by delivery method', async () => {
    const pickup = await createOrder({ pickupOrganizationId: 'org_lijiang_showroom_yangpu', parts: [{ lines: [{ productId: productId('XW-HAM-002'), quantity: 1 }] }] });
    const shipped = await createOrder({ parts: [{ lines: [{ productId: productId('XW-HAM-002'), quantity: 1 }] }] });
    const list = await page('/portal/shipments?deliveryMethod=pickup', staffA);
    expect(list.text).toContain(pickup.shipmentIds[0]);
    expect(list.text).not.toContain(shipped.shipmentIds[0]);
  });
});
