import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { currentShanghaiYear } from '../../src/procurement/consumption';
import { callJson, demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { CANTEEN, PRODUCTS, SHOWROOM, joinGroupBuy, joinPaid, openGroupBuy, stubStripe } from '../helpers/group-buys';

let stripe: ReturnType<typeof stubStripe>;
beforeAll(seedDatabase);
afterEach(() => stripe?.restore());

type Consumption = { groupBuysFen: number; byCounty: { countyId: string; spentFen: number }[] };

/** The organisation's ledger as its owner reads it: the one definition in src/procurement/consumption.ts. */
async function consumptionOf(organizationId: string, token: string) {
  const res = await callJson<Consumption>(`/api/v1/organizations/${organizationId}/consumption?year=${currentShanghaiYear()}`, { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { groupBuysFen: res.body.groupBuysFen, byCounty: Object.fromEntries(res.body.byCounty.map((r) => [r.countyId, r.spentFen])) };
}

describe("group-buy sales toward the organiser's consumption target", () => {
  it('Should count, once the group buy has formed, what participants paid and kept, by county, for the organiser only', async () => {
    stripe = stubStripe();
    const purchaser = await demoToken('canteenPurchaser');
    const canteenOwner = await demoToken('canteenOwner');
    const showroom = await demoToken('showroomManager');
    const before = await consumptionOf(CANTEEN, canteenOwner);
    const showroomBefore = await consumptionOf(SHOWROOM, showroom);

    const group = await openGroupBuy(purchaser, { organizationId: CANTEEN, pickupOrganizationId: SHOWROOM, minParticipants: 1 });
    // Paid online, kept: counts.
    await joinPaid(group.id, { items: [{ productId: PRODUCTS.shiitake, quantity: 2 }, { productId: PRODUCTS.freshShiitake, quantity: 1 }] });
    // Paid online, then cancelled and refunded: does not count.
    const refunded = await joinPaid(group.id, { items: [{ productId: PRODUCTS.shiitake, quantity: 5 }] });
    await callJson(`/api/v1/group-buys/${group.id}/participants/${refunded.participantId}/cancel?token=${refunded.accessToken}`, { method: 'POST' });
    // Pay at pickup: counts once paid at the desk.
    const atDesk = await joinGroupBuy(group.id, { items: [{ productId: PRODUCTS.freshShiitake, quantity: 3 }] });
    // While the group is open nothing counts yet: it may still fail and refund everyone.
    expect((await consumptionOf(CANTEEN, canteenOwner)).groupBuysFen).toBe(before.groupBuysFen);

    expect((await callJson(`/api/v1/group-buys/${group.id}/close`, { method: 'POST', token: purchaser })).body.status).toBe('succeeded');
    expect((await consumptionOf(CANTEEN, canteenOwner)).groupBuysFen - before.groupBuysFen).toBe(2 * 4280 + 3280);
    await callJson(`/api/v1/group-buys/${group.id}/pickups`, { method: 'POST', token: showroom, json: { pickupCode: atDesk.body.pickupCode } });

    const after = await consumptionOf(CANTEEN, canteenOwner);
    expect(after.groupBuysFen - before.groupBuysFen).toBe(2 * 4280 + 3280 + 3 * 3280);
    const counties = await env.DB.prepare('SELECT id, county_id FROM products WHERE id IN (?, ?)').bind(PRODUCTS.shiitake, PRODUCTS.freshShiitake).all<{ id: string; county_id: string }>();
    const countyOf = Object.fromEntries(counties.results.map((r) => [r.id, r.county_id]));
    const grew = (county: string) => (after.byCounty[county] ?? 0) - (before.byCounty[county] ?? 0);
    expect(grew(countyOf[PRODUCTS.shiitake]!)).toBe(2 * 4280);
    expect(grew(countyOf[PRODUCTS.freshShiitake]!)).toBe(3280 + 3 * 3280);
    // Not the pickup point's.
    expect((await consumptionOf(SHOWROOM, showroom)).groupBuysFen).toBe(showroomBefore.groupBuysFen);
  });
});
