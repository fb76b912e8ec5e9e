import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, callJson, demoToken, newUser } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { CANTEEN, makeCooperative, makeProduct, orderBody, orderRowCounts, pickupAtShowroom, shipAddress, stockOf } from '../helpers/orders';

let coop: string;
let product: string;
let moq: string;
let unpublished: string;
let memberToken: string;

async function makeOrganization(id: string, kind: string, status: string) {
  await env.DB.prepare(`INSERT INTO organization (id, name, slug, kind, status, created_at) VALUES (?, ?, ?, ?, ?, 0)`).bind(id, id, id, kind, status).run();
}

beforeAll(async () => {
  await seedDatabase();
  coop = await makeCooperative();
  product = await makeProduct({ cooperativeId: coop, stock: 40 });
  moq = await makeProduct({ cooperativeId: coop, stock: 40, minOrderQuantity: 6, orderStep: 3 });
  unpublished = await makeProduct({ cooperativeId: coop, stock: 40, status: 'unpublished' });
  await makeOrganization('org_test_other_canteen', 'canteen', 'verified');
  await makeOrganization('org_test_pending_showroom', 'showroom', 'pending');
  const member = await newUser('Canteen member');
  await env.DB.prepare(`INSERT INTO member (id, organization_id, user_id, role, created_at) VALUES ('mem_test_plain', ?, ?, 'member', 0)`).bind(CANTEEN, member.id).run();
  memberToken = member.token;
});

const pickup = { paymentMethod: 'pay_at_pickup', delivery: pickupAtShowroom };
const address = (patch: Record<string, string>) => ({ delivery: { method: 'ship', address: { ...shipAddress, ...patch } } });

type Case = { name: string; body: () => unknown; status: number; path?: string; token?: () => Promise<string> };

const cases: Case[] = [
  { name: 'an unknown product', body: () => orderBody([{ productId: 'prd_nope', quantity: 1 }], pickup), status: 422, path: 'body.items.0.productId' },
  { name: 'a product not for sale', body: () => orderBody([{ productId: unpublished, quantity: 1 }], pickup), status: 422, path: 'body.items.0.productId' },
  { name: 'quantity 0', body: () => orderBody([{ productId: product, quantity: 0 }], pickup), status: 400, path: 'body.items.0.quantity' },
  { name: 'a negative quantity', body: () => orderBody([{ productId: product, quantity: -3 }], pickup), status: 400, path: 'body.items.0.quantity' },
  { name: 'a fractional quantity', body: () => orderBody([{ productId: product, quantity: 1.5 }], pickup), status: 400, path: 'body.items.0.quantity' },
  { name: 'an absurdly large quantity', body: () => orderBody([{ productId: product, quantity: 1e9 }], pickup), status: 400, path: 'body.items.0.quantity' },
  { name: 'a quantity given as text', body: () => orderBody([{ productId: product, quantity: '2' as unknown as number }], pickup), status: 400, path: 'body.items.0.quantity' },
  { name: 'a quantity below the minimum order', body: () => orderBody([{ productId: moq, quantity: 3 }], pickup), status: 422, path: 'body.items.0.quantity' },
  { name: 'a quantity off the order step', body: () => orderBody([{ productId: moq, quantity: 7 }], pickup), status: 422, path: 'body.items.0.quantity' },
  { name: 'the same product twice', body: () => orderBody([{ productId: product, quantity: 1 }, { productId: product, quantity: 1 }], pickup), status: 422, path: 'body.items.1.productId' },
  { name: 'no items', body: () => orderBody([], pickup), status: 400, path: 'body.items' },
  { name: 'a phone that is neither a mobile nor a Shanghai landline', body: () => orderBody([{ productId: product, quantity: 1 }], address({ phone: '12345' })), status: 400, path: 'body.delivery.address.phone' },
  { name: 'a district that is not in Shanghai', body: () => orderBody([{ productId: product, quantity: 1 }], address({ districtId: 'chaoyang' })), status: 400, path: 'body.delivery.address.districtId' },
  { name: 'an empty recipient', body: () => orderBody([{ productId: product, quantity: 1 }], address({ recipient: '  ' })), status: 400, path: 'body.delivery.address.recipient' },
  { name: 'a street too short to find', body: () => orderBody([{ productId: product, quantity: 1 }], address({ street: '1号' })), status: 400, path: 'body.delivery.address.street' },
  { name: 'a missing address', body: () => orderBody([{ productId: product, quantity: 1 }], { delivery: { method: 'ship' } }), status: 400, path: 'body.delivery.address' },
  { name: 'an unknown delivery method', body: () => orderBody([{ productId: product, quantity: 1 }], { delivery: { method: 'drone' } }), status: 400, path: 'body.delivery.method' },
  { name: 'a bad contact phone', body: () => orderBody([{ productId: product, quantity: 1 }], { ...pickup, contact: { name: '王', phone: '555-1234' } }), status: 400, path: 'body.contact.phone' },
  { name: 'another organisation’s canteen as pickup point', body: () => orderBody([{ productId: product, quantity: 1 }], { paymentMethod: 'pay_at_pickup', delivery: { method: 'pickup', pickupOrganizationId: 'org_test_other_canteen' } }), status: 422, path: 'body.delivery.pickupOrganizationId' },
  { name: 'a showroom awaiting verification as pickup point', body: () => orderBody([{ productId: product, quantity: 1 }], { paymentMethod: 'pay_at_pickup', delivery: { method: 'pickup', pickupOrganizationId: 'org_test_pending_showroom' } }), status: 422, path: 'body.delivery.pickupOrganizationId' },
  { name: 'a cooperative as pickup point', body: () => orderBody([{ productId: product, quantity: 1 }], { paymentMethod: 'pay_at_pickup', delivery: { method: 'pickup', pickupOrganizationId: coop } }), status: 422, path: 'body.delivery.pickupOrganizationId' },
  { name: 'an unknown pickup point', body: () => orderBody([{ productId: product, quantity: 1 }], { paymentMethod: 'pay_at_pickup', delivery: { method: 'pickup', pickupOrganizationId: 'org_nowhere' } }), status: 422, path: 'body.delivery.pickupOrganizationId' },
  { name: 'pay at pickup for a shipped order', body: () => orderBody([{ productId: product, quantity: 1 }], { paymentMethod: 'pay_at_pickup' }), status: 422, path: 'body.paymentMethod' },
  { name: 'invoice terms for a guest', body: () => orderBody([{ productId: product, quantity: 1 }], { paymentMethod: 'invoice' }), status: 422, path: 'body.paymentMethod' },
  { name: 'an unknown payment method', body: () => orderBody([{ productId: product, quantity: 1 }], { paymentMethod: 'bitcoin' }), status: 400, path: 'body.paymentMethod' },
  { name: 'ordering for an organisation as a guest', body: () => orderBody([{ productId: product, quantity: 1 }], { ...pickup, organizationId: CANTEEN }), status: 401 },
  { name: 'ordering for an organisation one does not belong to', body: () => orderBody([{ productId: product, quantity: 1 }], { ...pickup, organizationId: CANTEEN }), status: 404, token: () => demoToken('buyer') },
  { name: 'ordering for an organisation as a plain member', body: () => orderBody([{ productId: product, quantity: 1 }], { ...pickup, organizationId: CANTEEN }), status: 403, token: async () => memberToken },
  { name: 'invoice terms for an organisation without terms', body: () => orderBody([{ productId: product, quantity: 1 }], { paymentMethod: 'invoice', organizationId: 'org_lijiang_showroom_yangpu' }), status: 422, path: 'body.paymentMethod', token: () => demoToken('showroomManager') },
];

describe('POST /api/v1/orders rejects bad input and writes nothing', () => {
  it.each(cases)('Should reject $name with $status', async ({ body, status, path, token }) => {
    const counts = await orderRowCounts();
    const stocks = [await stockOf(product), await stockOf(moq)];
    const res = await callJson('/api/v1/orders', { method: 'POST', json: body(), token: token ? await token() : undefined });
    expect(res.status).toBe(status);
    expect(res.res.headers.get('content-type')).toContain('application/problem+json');
    if (path) expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await orderRowCounts()).toEqual(counts);
    expect([await stockOf(product), await stockOf(moq)]).toEqual(stocks);
  });

  it('Should reject a body that is not JSON with 400', async () => {
    const counts = await orderRowCounts();
    const res = await call('/api/v1/orders', { method: 'POST', body: '{"items": [', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(await orderRowCounts()).toEqual(counts);
  });
});
