import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { callJson, demoToken, call } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { CANTEEN, PRODUCTS, SHOWROOM, joinGroupBuy, openGroupBuy, rowCount } from '../helpers/group-buys';

let showroom: string;

beforeAll(async () => {
  await seedDatabase();
  showroom = await demoToken('showroomManager');
});

const pickup = (groupBuyId: string, json: unknown, token = showroom) =>
  callJson(`/api/v1/group-buys/${groupBuyId}/pickups`, { method: 'POST', token, json });

/** A formed group with two pay-at-pickup participants. */
async function formedGroup() {
  const group = await openGroupBuy(showroom, { minParticipants: 1 });
  const first = await joinGroupBuy(group.id, {
    items: [
      { productId: PRODUCTS.shiitake, quantity: 3 },
      { productId: PRODUCTS.freshShiitake, quantity: 2 },
    ],
  });
  const second = await joinGroupBuy(group.id, { items: [{ productId: PRODUCTS.shiitake, quantity: 1 }] });
  const closed = await callJson(`/api/v1/group-buys/${group.id}/close`, { method: 'POST', token: showroom });
  expect(closed.body.status).toBe('succeeded');
  return { group, first: first.body, second: second.body };
}

describe('the pickup desk', () => {
  it('Should hand everything over and take the pay-at-pickup payment, counting the sale once', async () => {
    const { group, first } = await formedGroup();
    const salesBefore = (await env.DB.prepare('SELECT coalesce(sum(sales_fen), 0) AS s FROM sales_daily').first<number>('s'))!;
    const lookup = await callJson(`/api/v1/group-buys/${group.id}/pickups/${first.pickupCode.toLowerCase()}`, { token: showroom });
    expect(lookup.status).toBe(200);
    expect(lookup.body).toMatchObject({ participantId: first.participantId, status: 'pending_payment' });
    expect(lookup.body.meUrl).toBeUndefined();

    const res = await pickup(group.id, { pickupCode: ` ${first.pickupCode.slice(0, 3)}-${first.pickupCode.slice(3)} ` });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.status).toBe('picked_up');
    expect(res.body.items.map((i: { pickedUpQuantity: number; quantity: number }) => i.pickedUpQuantity === i.quantity)).toEqual([true, true]);
    expect(res.body.payment).toMatchObject({ method: 'pay_at_pickup', status: 'succeeded' });
    expect(res.body.paidAt).not.toBeNull();
    const salesAfter = (await env.DB.prepare('SELECT sum(sales_fen) AS s FROM sales_daily').first<number>('s'))!;
    expect(salesAfter - salesBefore).toBe(3 * 4280 + 2 * 3280);
    const confirmedBy = await env.DB.prepare('SELECT confirmed_by_user_id FROM payments WHERE id = ?').bind(first.payment.id).first('confirmed_by_user_id');
    expect(confirmedBy).toBe('usr_demo_showroomManager');
    expect(await rowCount('audit_log', "action = 'group_buy.pickup' AND entity_id = ?", first.participantId)).toBe(1);
  });

  it('Should refuse a reused pickup code with 409 and change nothing', async () => {
    const { group, second } = await formedGroup();
    expect((await pickup(group.id, { pickupCode: second.pickupCode })).status).toBe(200);
    const again = await pickup(group.id, { pickupCode: second.pickupCode });
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain('already');
    expect(await rowCount('audit_log', "action = 'group_buy.pickup' AND entity_id = ?", second.participantId)).toBe(1);
  });

  it('Should answer 404 for a wrong code and for a code of another group', async () => {
    const { group } = await formedGroup();
    const other = await formedGroup();
    expect((await pickup(group.id, { pickupCode: 'ZZZZZZ' })).status).toBe(404);
    expect((await pickup(group.id, { pickupCode: 'not a code' })).status).toBe(404);
    const foreign = await pickup(group.id, { pickupCode: other.first.pickupCode });
    // Codes are unique only within a group: another group's code is unknown here (unless it collides by chance).
    if (foreign.status !== 200) expect(foreign.status).toBe(404);
  });

  it('Should keep the rest open after a partial pickup, then finish it', async () => {
    const { group, first } = await formedGroup();
    const part = await pickup(group.id, { pickupCode: first.pickupCode, items: [{ productId: PRODUCTS.shiitake, quantity: 2 }] });
    expect(part.status, JSON.stringify(part.body)).toBe(200);
    expect(part.body.status).toBe('paid');
    expect(part.body.pickedUpAt).toBeNull();
    const byProduct = Object.fromEntries(part.body.items.map((i: { productId: string; pickedUpQuantity: number }) => [i.productId, i.pickedUpQuantity]));
    expect(byProduct).toEqual({ [PRODUCTS.shiitake]: 2, [PRODUCTS.freshShiitake]: 0 });
    expect(part.body.payment.status).toBe('succeeded');

    const tooMuch = await pickup(group.id, { pickupCode: first.pickupCode, items: [{ productId: PRODUCTS.shiitake, quantity: 2 }] });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.errors[0].path).toBe('body.items.0.quantity');
    const notOrdered = await pickup(group.id, { pickupCode: first.pickupCode, items: [{ productId: PRODUCTS.hamCase, quantity: 1 }] });
    expect(notOrdered.status).toBe(422);

    const rest = await pickup(group.id, { pickupCode: first.pickupCode });
    expect(rest.body.status).toBe('picked_up');
    expect(rest.body.items.every((i: { pickedUpQuantity: number; quantity: number }) => i.pickedUpQuantity === i.quantity)).toBe(true);
    // The sale was counted at the first pickup only.
    const paidAudits = await env.DB.prepare("SELECT after FROM audit_log WHERE action = 'group_buy.pickup' AND entity_id = ? ORDER BY created_at")
      .bind(first.participantId)
      .all<{ after: string }>();
    expect(paidAudits.results.map((r) => JSON.parse(r.after).paidAtDesk)).toEqual([true, false]);
  });

  it('Should hand over once when two clerks enter the same code at once', async () => {
    const { group, second } = await formedGroup();
    const [a, b] = await Promise.all([pickup(group.id, { pickupCode: second.pickupCode }), pickup(group.id, { pickupCode: second.pickupCode })]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect(await rowCount('audit_log', "action = 'group_buy.pickup' AND entity_id = ?", second.participantId)).toBe(1);
  });

  it('Should refuse pickups while the group is open, and after it failed', async () => {
    const open = await openGroupBuy(showroom, { minParticipants: 1 });
    const joined = await joinGroupBuy(open.id);
    expect((await pickup(open.id, { pickupCode: joined.body.pickupCode })).status).toBe(409);
    const failing = await openGroupBuy(showroom, { minParticipants: 5 });
    const loser = await joinGroupBuy(failing.id);
    await callJson(`/api/v1/group-buys/${failing.id}/close`, { method: 'POST', token: showroom });
    expect((await pickup(failing.id, { pickupCode: loser.body.pickupCode })).status).toBe(409);
  });

  it("Should let only the pickup point's staff run the desk", async () => {
    const purchaser = await demoToken('canteenPurchaser');
    // The canteen organises, the showroom is the pickup point.
    const group = await openGroupBuy(purchaser, { organizationId: CANTEEN, pickupOrganizationId: SHOWROOM, minParticipants: 1 });
    const joined = await joinGroupBuy(group.id);
    await callJson(`/api/v1/group-buys/${group.id}/close`, { method: 'POST', token: purchaser });
    expect((await pickup(group.id, { pickupCode: joined.body.pickupCode }, purchaser)).status).toBe(404);
    expect((await pickup(group.id, { pickupCode: joined.body.pickupCode }, await demoToken('buyer'))).status).toBe(404);
    expect((await pickup(group.id, { pickupCode: joined.body.pickupCode })).status).toBe(200);
  });
});

describe('the pickup list', () => {
  it('Should list the participants as JSON pages and as CSV, for organiser and pickup staff only', async () => {
    const purchaser = await demoToken('canteenPurchaser');
    const group = await openGroupBuy(purchaser, { organizationId: CANTEEN, pickupOrganizationId: SHOWROOM, minParticipants: 1 });
    for (let i = 0; i < 3; i++) await joinGroupBuy(group.id, { name: `居民${i}`, items: [{ productId: PRODUCTS.freshShiitake, quantity: i + 1 }] });
    const cancelled = await joinGroupBuy(group.id, { name: '退出的人' });
    await callJson(`/api/v1/group-buys/${group.id}/participants/${cancelled.body.participantId}/cancel?token=${cancelled.body.accessToken}`, { method: 'POST' });

    const page1 = await callJson(`/api/v1/group-buys/${group.id}/pickup-list?limit=2`, { token: showroom });
    expect(page1.status).toBe(200);
    expect(page1.body.items).toHaveLength(2);
    const page2 = await callJson(`/api/v1/group-buys/${group.id}/pickup-list?limit=2&cursor=${page1.body.nextCursor}`, { token: purchaser });
    expect(page2.body.items).toHaveLength(1);
    expect(page2.body.nextCursor).toBeNull();
    const codes = [...page1.body.items, ...page2.body.items].map((p: { pickupCode: string }) => p.pickupCode);
    expect(codes).toEqual([...codes].sort());
    expect([...page1.body.items, ...page2.body.items].map((p: { name: string }) => p.name).sort()).toEqual(['居民0', '居民1', '居民2']);
    expect(page1.body.items[0].phone).toMatch(/^139\*{4}\d{4}$/);

    const csv = await call(`/api/v1/group-buys/${group.id}/pickup-list`, { token: showroom, headers: { accept: 'text/csv' } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const text = await csv.text();
    const rows = text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(rows[0]).toBe('pickup_code,name,phone,status,payment_method,sku,product,quantity,picked_up,line_total');
    expect(rows).toHaveLength(4);
    expect(text).toContain('居民2');
    expect(text).not.toContain('退出的人');

    expect((await callJson(`/api/v1/group-buys/${group.id}/pickup-list`, { token: await demoToken('buyer') })).status).toBe(404);
    expect((await callJson(`/api/v1/group-buys/${group.id}/pickup-list`)).status).toBe(401);
  });
});
