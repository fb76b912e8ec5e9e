import { beforeAll, describe, expect, it } from 'vitest';
import { callJson, demoToken } from '../helpers/http';
import { addMember, getPage, postForm, sessionCookie } from '../helpers/accounts';
import { CANTEEN, makeCooperative, makeProduct, orderRowCounts, row, rows, setStock, stockOf } from '../helpers/orders';
import { canteenTokens, negotiatedPrice, placeCanteenOrder } from '../helpers/procurement';
import { seedDatabase } from '../helpers/seed';

/**
 * Spending control: the demo purchaser's per-order limit is ¥20,000. Above it an order is not placed
 * but waits for an owner's approval; approving places it then (prices and stock as they are then).
 */

let tokens: Awaited<ReturnType<typeof canteenTokens>>;
let ham: string; // ¥8,000 a case
const approvals = `/api/v1/organizations/${CANTEEN}/approvals`;

beforeAll(async () => {
  await seedDatabase();
  tokens = await canteenTokens();
  const coop = await makeCooperative({ shippingFlatFeeFen: 0, freeShippingAboveFen: null });
  ham = await makeProduct({ cooperativeId: coop, unitPriceFen: 800_000, stock: 50, category: 'ham' });
});

async function request(quantity = 3, headers: Record<string, string> = {}) {
  const res = await placeCanteenOrder(tokens.purchaser, [{ productId: ham, quantity }], {}, headers);
  expect(res.status).toBe(202);
  return res;
}

describe('purchase approvals', () => {
  it('Should place a purchaser’s order within the limit at once, and hold one above it (202) without reserving anything', async () => {
    expect((await placeCanteenOrder(tokens.purchaser, [{ productId: ham, quantity: 2 }])).status).toBe(201); // ¥16,000
    const counts = await orderRowCounts();
    const stock = await stockOf(ham);
    const { body, res } = await request(3); // ¥24,000
    expect(res.headers.get('location')).toBe(`${approvals}/${body.id}`);
    expect(body).toMatchObject({ status: 'pending', organizationId: CANTEEN, totalFen: 2_400_000, orderId: null, decidedBy: null });
    expect(body.requestedBy.name).toContain('采购员');
    expect(body.request).toMatchObject({ items: [{ productId: ham, quantity: 3 }], paymentMethod: 'invoice', organizationId: CANTEEN });
    expect(await stockOf(ham)).toBe(stock);
    const after = await orderRowCounts();
    expect({ ...after, audit_log: counts.audit_log }).toEqual(counts); // only the audit row of the request
    expect(after.audit_log).toBe(counts.audit_log! + 1);
    const notice = await row<{ kind: string }>(`SELECT kind FROM notifications WHERE organization_id = ? AND kind = 'approval.requested' ORDER BY created_at DESC`, CANTEEN);
    expect(notice.kind).toBe('approval.requested');
  });

  it('Should not hold an owner’s order: owners have no per-order limit', async () => {
    expect((await placeCanteenOrder(tokens.owner, [{ productId: ham, quantity: 3 }])).status).toBe(201);
  });

  it('Should replay the same request for the same Idempotency-Key', async () => {
    const key = crypto.randomUUID();
    const first = await request(3, { 'idempotency-key': key });
    const again = await request(3, { 'idempotency-key': key });
    expect(again.body.id).toBe(first.body.id);
    expect(again.res.headers.get('idempotent-replayed')).toBe('true');
  });

  it('Should let the owner approve: the order is placed then, for the purchaser, and approving twice is a 409', async () => {
    const { body: approval } = await request(3);
    const stock = await stockOf(ham);
    const { status, body } = await callJson(`${approvals}/${approval.id}/approve`, { method: 'POST', token: tokens.owner });
    expect(status).toBe(200);
    expect(body.approval).toMatchObject({ status: 'approved', orderId: body.order.id });
    expect(body.approval.decidedBy.name).toContain('主任');
    expect(body.order).toMatchObject({ status: 'invoiced', totalFen: 2_400_000, organizationId: CANTEEN });
    expect(await stockOf(ham)).toBe(stock - 3);
    const order = await row<{ buyer: string }>(`SELECT buyer_user_id AS buyer FROM orders WHERE id = ?`, body.order.id);
    expect(order.buyer).toBe('usr_demo_canteenPurchaser');
    const audit = await rows(`SELECT action FROM audit_log WHERE entity_id = ? ORDER BY created_at`, approval.id);
    expect(audit.map((a: any) => a.action)).toEqual(['approval.request', 'approval.approve']);

    const counts = await orderRowCounts();
    const twice = await callJson(`${approvals}/${approval.id}/approve`, { method: 'POST', token: tokens.owner });
    expect(twice.status).toBe(409);
    expect(await orderRowCounts()).toEqual(counts);
    expect((await callJson(`${approvals}/${approval.id}/reject`, { method: 'POST', token: tokens.owner, json: { reason: 'too late' } })).status).toBe(409);
  });

  it('Should place one order when the owner approves twice at the same moment', async () => {
    const { body: approval } = await request(3);
    const before = (await orderRowCounts()).orders;
    const results = await Promise.all([1, 2].map(() => callJson(`${approvals}/${approval.id}/approve`, { method: 'POST', token: tokens.owner })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect((await orderRowCounts()).orders).toBe(before! + 1);
  });

  it('Should let the owner reject with a reason; a reason is required and a decided request stays decided', async () => {
    const { body: approval } = await request(3);
    const noReason = await callJson(`${approvals}/${approval.id}/reject`, { method: 'POST', token: tokens.owner, json: {} });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].path).toBe('body.reason');
    const { status, body } = await callJson(`${approvals}/${approval.id}/reject`, { method: 'POST', token: tokens.owner, json: { reason: '本月预算已用完' } });
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'rejected', decisionReason: '本月预算已用完', orderId: null });
    expect((await callJson(`${approvals}/${approval.id}/approve`, { method: 'POST', token: tokens.owner })).status).toBe(409);
    const notice = await row<{ kind: string }>(`SELECT kind FROM notifications WHERE user_id = 'usr_demo_canteenPurchaser' ORDER BY created_at DESC`);
    expect(notice.kind).toBe('approval.rejected');
  });

  it('Should let only the organisation’s owner decide — not the purchaser, a member, another owner or a platform admin', async () => {
    const { body: approval } = await request(3);
    const member = await addMember(CANTEEN, 'member');
    const path = `${approvals}/${approval.id}/approve`;
    expect((await callJson(path, { method: 'POST', token: tokens.purchaser })).status).toBe(403);
    expect((await callJson(path, { method: 'POST', token: member.token })).status).toBe(403);
    expect((await callJson(path, { method: 'POST', token: tokens.admin })).status).toBe(403);
    expect((await callJson(path, { method: 'POST', token: await demoToken('showroomManager') })).status).toBe(404);
    expect((await callJson(path, { method: 'POST' })).status).toBe(401);
    expect((await callJson(`${approvals}/apr_nope/approve`, { method: 'POST', token: tokens.owner })).status).toBe(404);
    expect((await row(`SELECT status FROM purchase_approvals WHERE id = ?`, approval.id)).status).toBe('pending');
  });

  it('Should recompute prices at approval (a negotiated price given meanwhile applies)', async () => {
    const { body: approval } = await request(3);
    await negotiatedPrice(CANTEEN, ham, 700_000, Date.now() - 1000);
    const { body } = await callJson(`${approvals}/${approval.id}/approve`, { method: 'POST', token: tokens.owner });
    expect(body.order.lines[0]).toMatchObject({ unitPriceFen: 700_000, priceSource: 'negotiated' });
    expect(body.order.totalFen).toBe(2_100_000);
  });

  it('Should check stock at approval: a shortage is a 409 and the request stays pending', async () => {
    const { body: approval } = await request(3);
    const stock = await stockOf(ham);
    await setStock(ham, 1);
    const { status, body } = await callJson(`${approvals}/${approval.id}/approve`, { method: 'POST', token: tokens.owner });
    expect(status).toBe(409);
    expect(body).toMatchObject({ productId: ham, available: 1 });
    expect((await row(`SELECT status FROM purchase_approvals WHERE id = ?`, approval.id)).status).toBe('pending');
    await setStock(ham, stock);
  });

  it('Should list all requests to the owner and only their own to a purchaser', async () => {
    const other = await addMember(CANTEEN, 'purchaser');
    const mine = await callJson(approvals, { token: tokens.purchaser });
    expect(mine.status).toBe(200);
    expect(mine.body.items.length).toBeGreaterThan(0);
    const all = await callJson(`${approvals}?limit=100`, { token: tokens.owner });
    expect(all.body.items.length).toBeGreaterThanOrEqual(mine.body.items.length);
    const pending = await callJson(`${approvals}?status=pending&limit=100`, { token: tokens.owner });
    expect(pending.body.items.every((a: any) => a.status === 'pending')).toBe(true);
    const theirs = await callJson(approvals, { token: other.token });
    expect(theirs.body.items).toEqual([]);
    expect((await callJson(`${approvals}/${mine.body.items[0].id}`, { token: other.token })).status).toBe(404);
    const member = await addMember(CANTEEN, 'member');
    expect((await callJson(approvals, { token: member.token })).status).toBe(403);
  });

  it('Should send a checkout above the limit to the approvals page, keeping the cart', async () => {
    const cookie = await sessionCookie('canteen@shanhai.local');
    await postForm('/cart/items', { productId: ham, quantity: '3' }, { cookie });
    const checkout = await (await getPage('/checkout', cookie)).text();
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(checkout)![1]!;
    expect(checkout).toContain('value="loc_baoshan_canteen_kitchen" selected');
    const placed = await postForm(
      '/checkout',
      { idempotencyKey: key, organizationId: CANTEEN, deliveryMethod: 'ship', deliveryLocationId: 'loc_baoshan_canteen_kitchen', contactName: '采购员', contactPhone: '13800000002', paymentMethod: 'invoice' },
      { cookie },
    );
    expect(placed.status).toBe(303);
    expect(placed.headers.get('location')).toMatch(/^\/procurement\/approvals\?org=org_baoshan_canteen&requested=apr_\w+$/);
    expect(await (await getPage('/cart', cookie)).text()).toContain(`data-product-id="${ham}"`);
  });
});
