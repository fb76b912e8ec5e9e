import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { groupBuyConsumption } from '../../src/group-buys/group-buys.consumption';
import { callJson, demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { CANTEEN, PRODUCTS, SHOWROOM, joinGroupBuy, joinPaid, openGroupBuy, stubStripe } from '../helpers/group-buys';

let stripe: ReturnType<typeof stubStripe>;
beforeAll(seedDatabase);
afterEach(() => stripe?.restore());

describe("group-buy sales toward the organiser's consumption target", () => {
  it('Should count money paid and kept, by county, for the organiser only', async () => {
    stripe = stubStripe();
    const purchaser = await demoToken('canteenPurchaser');
    const db = createDb(env.DB);
    const start = Date.now() - 1000;
    const group = await openGroupBuy(purchaser, { organizationId: CANTEEN, pickupOrganizationId: SHOWROOM, minParticipants: 1 });
    // Paid online, kept: counts.
    await joinPaid(group.id, { items: [{ productId: PRODUCTS.shiitake, quantity: 2 }, { productId: PRODUCTS.freshShiitake, quantity: 1 }] });
    // Paid online, then cancelled and refunded: does not count.
    const refunded = await joinPaid(group.id, { items: [{ productId: PRODUCTS.shiitake, quantity: 5 }] });
    await callJson(`/api/v1/group-buys/${group.id}/participants/${refunded.participantId}/cancel?token=${refunded.accessToken}`, { method: 'POST' });
    // Pay at pickup: counts once paid at the desk.
    const atDesk = await joinGroupBuy(group.id, { items: [{ productId: PRODUCTS.freshShiitake, quantity: 3 }] });
    expect((await groupBuyConsumption(db, CANTEEN, { from: start, to: Date.now() + 1000 })).totalFen).toBe(2 * 4280 + 3280);

    await callJson(`/api/v1/group-buys/${group.id}/close`, { method: 'POST', token: purchaser });
    const showroom = await demoToken('showroomManager');
    await callJson(`/api/v1/group-buys/${group.id}/pickups`, { method: 'POST', token: showroom, json: { pickupCode: atDesk.body.pickupCode } });

    const ledger = await groupBuyConsumption(db, CANTEEN, { from: start, to: Date.now() + 1000 });
    expect(ledger.totalFen).toBe(2 * 4280 + 3280 + 3 * 3280);
    const counties = await env.DB.prepare('SELECT id, county_id FROM products WHERE id IN (?, ?)').bind(PRODUCTS.shiitake, PRODUCTS.freshShiitake).all<{ id: string; county_id: string }>();
    const countyOf = Object.fromEntries(counties.results.map((r) => [r.id, r.county_id]));
    expect(Object.fromEntries(ledger.byCounty.map((r) => [r.countyId, r.amountFen]))).toEqual({
      [countyOf[PRODUCTS.shiitake]!]: 2 * 4280,
      [countyOf[PRODUCTS.freshShiitake]!]: 3280 + 3 * 3280,
    });
    // Not the pickup point's, and nothing outside the period.
    expect((await groupBuyConsumption(db, SHOWROOM, { from: start, to: Date.now() + 1000 })).totalFen).toBe(0);
    expect((await groupBuyConsumption(db, CANTEEN, { from: 0, to: start })).totalFen).toBe(0);
  });
});
