import { beforeAll, describe, expect, it } from 'vitest';
import { callJson, demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { PRODUCTS, joinGroupBuy, openGroupBuy, rowCount } from '../helpers/group-buys';

let showroom: string;

beforeAll(async () => {
  await seedDatabase();
  showroom = await demoToken('showroomManager');
});

const pickup = (groupBuyId: string, json: unknown, init: { key?: string; token?: string } = {}) =>
  callJson(`/api/v1/group-buys/${groupBuyId}/pickups`, {
    method: 'POST',
    token: init.token ?? showroom,
    json,
    headers: init.key ? { 'idempotency-key': init.key } : undefined,
  });

const pickedUp = (participantId: string) =>
  rowCount('group_buy_participant_items', 'participant_id = ? AND picked_up_quantity > 0', participantId);

/** A formed group: one resident with 3 + 2 units, one with 1, one with 2 (phones chosen for the tail lookup). */
async function formedGroup() {
  const group = await openGroupBuy(showroom, { minParticipants: 1 });
  const first = await joinGroupBuy(group.id, {
    name: '张阿姨',
    phone: '13911115678',
    items: [
      { productId: PRODUCTS.shiitake, quantity: 3 },
      { productId: PRODUCTS.freshShiitake, quantity: 2 },
    ],
  });
  const second = await joinGroupBuy(group.id, { name: '李叔叔', phone: '13922225678', items: [{ productId: PRODUCTS.shiitake, quantity: 1 }] });
  const third = await joinGroupBuy(group.id, { name: '王老师', phone: '13933334321', items: [{ productId: PRODUCTS.shiitake, quantity: 2 }] });
  const closed = await callJson(`/api/v1/group-buys/${group.id}/close`, { method: 'POST', token: showroom });
  expect(closed.body.status).toBe('succeeded');
  return { group, first: first.body, second: second.body, third: third.body };
}

describe('the pickup desk for a queue', () => {
  it('Should apply a hand-over retried with the same Idempotency-Key once', async () => {
    const { group, first } = await formedGroup();
    const request = { pickupCode: first.pickupCode, items: [{ productId: PRODUCTS.shiitake, quantity: 1 }] };
    const once = await pickup(group.id, request, { key: 'desk-retry-1' });
    expect(once.status, JSON.stringify(once.body)).toBe(200);
    // The answer was lost to a timeout; the desk sends the very same request again.
    const again = await pickup(group.id, request, { key: 'desk-retry-1' });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.items.find((i: { productId: string }) => i.productId === PRODUCTS.shiitake).pickedUpQuantity).toBe(1);
    expect(await rowCount('audit_log', "action = 'group_buy.pickup' AND entity_id = ?", first.participantId)).toBe(1);
    const stored = await rowCount('group_buy_participant_items', 'participant_id = ? AND product_id = ? AND picked_up_quantity = 1', first.participantId, PRODUCTS.shiitake);
    expect(stored).toBe(1);
  });

  it('Should apply twin hand-overs sent at the same moment with one key once', async () => {
    const { group, second } = await formedGroup();
    const request = { pickupCode: second.pickupCode };
    const [a, b] = await Promise.all([pickup(group.id, request, { key: 'desk-twin' }), pickup(group.id, request, { key: 'desk-twin' })]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(await rowCount('audit_log', "action = 'group_buy.pickup' AND entity_id = ?", second.participantId)).toBe(1);
  });

  it('Should refuse a key reused for another hand-over and change nothing', async () => {
    const { group, first, third } = await formedGroup();
    expect((await pickup(group.id, { pickupCode: first.pickupCode }, { key: 'desk-reused' })).status).toBe(200);
    const other = await pickup(group.id, { pickupCode: third.pickupCode }, { key: 'desk-reused' });
    expect(other.status).toBe(422);
    expect(await pickedUp(third.participantId)).toBe(0);
  });

  it('Should tell a wrong code from a group not formed yet and from a code already used', async () => {
    const { group, second } = await formedGroup();
    const wrong = await pickup(group.id, { pickupCode: 'ZZZZZZ' });
    expect(wrong.status).toBe(404);
    expect(wrong.body.errors[0].rule).toBe('pickup_code_unknown');

    const open = await openGroupBuy(showroom, { minParticipants: 5 });
    const waiting = await joinGroupBuy(open.id);
    const notYet = await pickup(open.id, { pickupCode: waiting.body.pickupCode });
    expect(notYet.status).toBe(409);
    expect(notYet.body.errors[0].rule).toBe('group_not_formed_yet');
    // A code nobody holds is wrong, even in a group that is still open.
    expect((await pickup(open.id, { pickupCode: 'ZZZZZZ' })).body.errors[0].rule).toBe('pickup_code_unknown');

    expect((await pickup(group.id, { pickupCode: second.pickupCode })).status).toBe(200);
    const used = await pickup(group.id, { pickupCode: second.pickupCode });
    expect(used.status).toBe(409);
    expect(used.body.errors[0].rule).toBe('already_handed_over');
  });

  it('Should count handed over, partial and waiting participants', async () => {
    const { group, first, second } = await formedGroup();
    const tally = () => callJson(`/api/v1/group-buys/${group.id}/pickup-tally`, { token: showroom });
    expect((await tally()).body).toEqual({ handedOver: 0, partial: 0, waiting: 3 });
    await pickup(group.id, { pickupCode: second.pickupCode });
    await pickup(group.id, { pickupCode: first.pickupCode, items: [{ productId: PRODUCTS.shiitake, quantity: 3 }] });
    expect((await tally()).body).toEqual({ handedOver: 1, partial: 1, waiting: 1 });
    expect((await callJson(`/api/v1/group-buys/${group.id}/pickup-tally`, { token: await demoToken('buyer') })).status).toBe(404);
  });

  it('Should find the residents whose phone ends in four digits, and nobody for other digits', async () => {
    const { group, first, second } = await formedGroup();
    const found = await callJson(`/api/v1/group-buys/${group.id}/pickups?phoneTail=5678`, { token: showroom });
    expect(found.status).toBe(200);
    expect(found.body.items.map((p: { participantId: string }) => p.participantId).sort()).toEqual([first.participantId, second.participantId].sort());
    expect(found.body.items[0].phone).toMatch(/^139\*{4}5678$/);
    expect((await callJson(`/api/v1/group-buys/${group.id}/pickups?phoneTail=0000`, { token: showroom })).body.items).toEqual([]);
    const bad = await callJson(`/api/v1/group-buys/${group.id}/pickups?phoneTail=56`, { token: showroom });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].rule).toBe('phone_tail_shape');
    expect((await callJson(`/api/v1/group-buys/${group.id}/pickups?phoneTail=5678`, { token: await demoToken('buyer') })).status).toBe(404);
  });

  it('Should reveal a full phone number to the desk and write the reveal to the audit log', async () => {
    const { group, first } = await formedGroup();
    const before = await rowCount('audit_log', "action = 'group_buy.phone_reveal' AND entity_id = ?", first.participantId);
    const res = await callJson(`/api/v1/group-buys/${group.id}/participants/${first.participantId}/phone`, { method: 'POST', token: showroom });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ phone: '13911115678' });
    expect(await rowCount('audit_log', "action = 'group_buy.phone_reveal' AND entity_id = ? AND actor_user_id = 'usr_demo_showroomManager'", first.participantId)).toBe(before + 1);
  });

  it('Should refuse a phone reveal to a stranger and to nobody signed in, writing nothing', async () => {
    const { group, first } = await formedGroup();
    const path = `/api/v1/group-buys/${group.id}/participants/${first.participantId}/phone`;
    expect((await callJson(path, { method: 'POST', token: await demoToken('buyer') })).status).toBe(404);
    expect((await callJson(path, { method: 'POST' })).status).toBe(401);
    expect(await rowCount('audit_log', "action = 'group_buy.phone_reveal' AND entity_id = ?", first.participantId)).toBe(0);
  });
});
