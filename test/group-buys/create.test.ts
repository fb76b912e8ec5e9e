import { SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { callJson, demoToken, newUser } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { CANTEEN, HOUR, PRODUCTS, SHOWROOM, createBody, openGroupBuy, rowCount } from '../helpers/group-buys';

let showroom: string;
let canteenPurchaser: string;

beforeAll(async () => {
  await seedDatabase();
  showroom = await demoToken('showroomManager');
  canteenPurchaser = await demoToken('canteenPurchaser');
});

async function create(token: string, overrides: Record<string, unknown>) {
  return callJson('/api/v1/group-buys', { method: 'POST', token, json: createBody(overrides) });
}

/** Every rejection must leave the database as it was. */
async function expectNothingWritten(run: () => Promise<{ status: number; body: any }>, status: number, path?: string, rule?: string) {
  const before = await Promise.all([rowCount('group_buys'), rowCount('group_buy_items'), rowCount('audit_log')]);
  const { status: actual, body } = await run();
  expect(actual, JSON.stringify(body)).toBe(status);
  if (path) expect(body.errors.map((e: { path: string }) => e.path)).toContain(path);
  // The rule broken is named for clients that word refusals themselves (our pages do, in Chinese).
  if (rule) expect(body.errors.find((e: { path: string }) => e.path === path)?.rule).toBe(rule);
  expect(await Promise.all([rowCount('group_buys'), rowCount('group_buy_items'), rowCount('audit_log')])).toEqual(before);
  return body;
}

describe('creating a group buy', () => {
  it('Should open a group buy for a verified showroom with a share link, group prices and progress', async () => {
    const { status, body } = await create(showroom, { capacity: 30, minQuantity: 10 });
    expect(status).toBe(201);
    expect(body.status).toBe('open');
    expect(body.shortCode).toMatch(/^[0-9a-z]{8}$/);
    expect(body.shareUrl).toBe(`http://localhost:8787/g/${body.shortCode}`);
    expect(body.items).toHaveLength(2);
    const shiitake = body.items.find((i: { productId: string }) => i.productId === PRODUCTS.shiitake);
    expect(shiitake).toMatchObject({ groupPriceFen: 4280, listPriceFen: 4880, remaining: 600, maxQuantity: null });
    const fresh = body.items.find((i: { productId: string }) => i.productId === PRODUCTS.freshShiitake);
    expect(fresh).toMatchObject({ groupPriceFen: 3280, maxQuantity: 50, remaining: 50 });
    expect(body.progress).toEqual({ participants: 0, quantity: 0, committedParticipants: 0, committedQuantity: 0 });
    expect(body).toMatchObject({ minParticipants: 2, minQuantity: 10, capacity: 30, joinable: true });
    expect(body.secondsLeft).toBeGreaterThan(47 * 3600);

    const read = await callJson(`/api/v1/group-buys/${body.id}`);
    expect(read.status).toBe(200);
    expect(read.body.title).toBe('永胜香菇社区团购');
    expect(read.body.pickup.address).toContain('控江路');
    const audit = await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'group_buy.create' AND entity_id = ?").bind(body.id).first('n');
    expect(audit).toBe(1);
  });

  it('Should keep the items in the order the organiser listed them, and preselect the first on the share page', async () => {
    for (const items of [
      [{ productId: PRODUCTS.freshShiitake }, { productId: PRODUCTS.shiitake }],
      [{ productId: PRODUCTS.shiitake }, { productId: PRODUCTS.freshShiitake }],
    ]) {
      for (let i = 0; i < 4; i++) {
        const group = await openGroupBuy(showroom, { items });
        expect(group.items.map((item) => item.productId)).toEqual(items.map((item) => item.productId));
        const page = await (await SELF.fetch(group.shareUrl.replace(/^https?:\/\/[^/]+/, 'http://localhost'))).text();
        const first = items[0]!.productId;
        expect(page.indexOf(`name="qty_${first}"`)).toBeLessThan(page.indexOf(`name="qty_${items[1]!.productId}"`));
        expect(page).toMatch(new RegExp(`name="qty_${first}"[^>]*value="1"|value="1"[^>]*name="qty_${first}"`));
      }
    }
  });

  it('Should default the group price to the list price', async () => {
    const group = await openGroupBuy(showroom, { items: [{ productId: PRODUCTS.shiitake }] });
    const read = await callJson(`/api/v1/group-buys/${group.id}`);
    expect(read.body.items[0]).toMatchObject({ groupPriceFen: 4880, listPriceFen: 4880 });
  });

  it('Should let a canteen purchaser open a group buy with a verified showroom as pickup point', async () => {
    const { status, body } = await create(canteenPurchaser, { organizationId: CANTEEN, pickupOrganizationId: SHOWROOM });
    expect(status).toBe(201);
    expect(body.organizer.id).toBe(CANTEEN);
    expect(body.pickup.id).toBe(SHOWROOM);
  });

  it('Should refuse a deadline in the past', async () => {
    await expectNothingWritten(() => create(showroom, { closesAt: new Date(Date.now() - 60_000).toISOString() }), 422, 'body.closesAt', 'deadline_past');
  });

  it('Should refuse a deadline more than 60 days ahead', async () => {
    await expectNothingWritten(() => create(showroom, { closesAt: new Date(Date.now() + 61 * 24 * HOUR).toISOString() }), 422, 'body.closesAt', 'deadline_too_far');
  });

  it('Should keep the pickup window and show it on the group', async () => {
    const closesAt = Date.now() + 48 * HOUR;
    const pickupStartsAt = new Date(closesAt + 16 * HOUR).toISOString();
    const pickupEndsAt = new Date(closesAt + 18 * HOUR).toISOString();
    const { status, body } = await create(showroom, { closesAt: new Date(closesAt).toISOString(), pickupStartsAt, pickupEndsAt });
    expect(status).toBe(201);
    expect(body.pickupWindow).toEqual({ startsAt: pickupStartsAt, endsAt: pickupEndsAt });
    const row = await env.DB.prepare('SELECT pickup_starts_at, pickup_ends_at FROM group_buys WHERE id = ?').bind(body.id).first();
    expect(row).toEqual({ pickup_starts_at: Date.parse(pickupStartsAt), pickup_ends_at: Date.parse(pickupEndsAt) });
  });

  it('Should refuse a pickup window that ends before it starts', async () => {
    const closesAt = Date.now() + 48 * HOUR;
    await expectNothingWritten(
      () =>
        create(showroom, {
          closesAt: new Date(closesAt).toISOString(),
          pickupStartsAt: new Date(closesAt + 18 * HOUR).toISOString(),
          pickupEndsAt: new Date(closesAt + 16 * HOUR).toISOString(),
        }),
      422,
      'body.pickupEndsAt',
      'pickup_window_inverted',
    );
  });

  it('Should refuse a pickup window that ends the moment it starts', async () => {
    const closesAt = Date.now() + 48 * HOUR;
    const at = new Date(closesAt + 16 * HOUR).toISOString();
    await expectNothingWritten(
      () => create(showroom, { closesAt: new Date(closesAt).toISOString(), pickupStartsAt: at, pickupEndsAt: at }),
      422,
      'body.pickupEndsAt',
      'pickup_window_inverted',
    );
  });

  it('Should refuse a pickup window that starts before the deadline', async () => {
    const closesAt = Date.now() + 48 * HOUR;
    await expectNothingWritten(
      () =>
        create(showroom, {
          closesAt: new Date(closesAt).toISOString(),
          pickupStartsAt: new Date(closesAt - HOUR).toISOString(),
          pickupEndsAt: new Date(closesAt + HOUR).toISOString(),
        }),
      422,
      'body.pickupStartsAt',
      'pickup_before_deadline',
    );
  });

  it('Should refuse a pickup window that starts exactly at the deadline', async () => {
    const closesAt = Date.now() + 48 * HOUR;
    await expectNothingWritten(
      () =>
        create(showroom, {
          closesAt: new Date(closesAt).toISOString(),
          pickupStartsAt: new Date(closesAt).toISOString(),
          pickupEndsAt: new Date(closesAt + HOUR).toISOString(),
        }),
      422,
      'body.pickupStartsAt',
      'pickup_before_deadline',
    );
  });

  it('Should refuse a pickup window that ends more than 14 days after the deadline', async () => {
    const closesAt = Date.now() + 48 * HOUR;
    await expectNothingWritten(
      () =>
        create(showroom, {
          closesAt: new Date(closesAt).toISOString(),
          pickupStartsAt: new Date(closesAt + HOUR).toISOString(),
          pickupEndsAt: new Date(closesAt + 14 * 24 * HOUR + 1000).toISOString(),
        }),
      422,
      'body.pickupEndsAt',
      'pickup_too_late',
    );
  });

  it('Should refuse a group buy without a pickup window', async () => {
    await expectNothingWritten(() => create(showroom, { pickupStartsAt: undefined, pickupEndsAt: undefined }), 400, 'body.pickupStartsAt');
  });

  it('Should refuse a deadline that is not a date', async () => {
    await expectNothingWritten(() => create(showroom, { closesAt: 'next friday' }), 400, 'body.closesAt');
  });

  it('Should refuse a group price above the list price', async () => {
    await expectNothingWritten(() => create(showroom, { items: [{ productId: PRODUCTS.shiitake, unitPriceFen: 4881 }] }), 422, 'body.items.0.unitPriceFen', 'price_above_list');
  });

  it('Should refuse a group price of zero or below', async () => {
    await expectNothingWritten(() => create(showroom, { items: [{ productId: PRODUCTS.shiitake, unitPriceFen: 0 }] }), 400, 'body.items.0.unitPriceFen');
    await expectNothingWritten(() => create(showroom, { items: [{ productId: PRODUCTS.shiitake, unitPriceFen: -100 }] }), 400, 'body.items.0.unitPriceFen');
  });

  it('Should refuse an unknown product', async () => {
    await expectNothingWritten(() => create(showroom, { items: [{ productId: 'prd_does_not_exist' }] }), 422, 'body.items.0.productId', 'unknown_product');
  });

  it('Should refuse an unpublished product', async () => {
    await env.DB.prepare("UPDATE products SET status = 'unpublished' WHERE id = ?").bind(PRODUCTS.hamCase).run();
    try {
      await expectNothingWritten(
        () => create(showroom, { items: [{ productId: PRODUCTS.shiitake }, { productId: PRODUCTS.hamCase }] }),
        422,
        'body.items.1.productId',
        'product_unavailable',
      );
    } finally {
      await env.DB.prepare("UPDATE products SET status = 'published' WHERE id = ?").bind(PRODUCTS.hamCase).run();
    }
  });

  it('Should refuse the same product listed twice', async () => {
    await expectNothingWritten(
      () => create(showroom, { items: [{ productId: PRODUCTS.shiitake }, { productId: PRODUCTS.shiitake, unitPriceFen: 100 }] }),
      422,
      'body.items.1.productId',
      'duplicate_product',
    );
  });

  it('Should refuse thresholds of zero or below', async () => {
    await expectNothingWritten(() => create(showroom, { minParticipants: 0 }), 400, 'body.minParticipants');
    await expectNothingWritten(() => create(showroom, { minQuantity: -5 }), 400, 'body.minQuantity');
  });

  it('Should refuse a capacity of zero, and one below the minimum participants', async () => {
    await expectNothingWritten(() => create(showroom, { capacity: 0 }), 400, 'body.capacity');
    await expectNothingWritten(() => create(showroom, { minParticipants: 5, capacity: 4 }), 422, 'body.capacity', 'capacity_below_minimum');
  });

  it('Should refuse an item cap below the product minimum order quantity', async () => {
    await expectNothingWritten(() => create(showroom, { items: [{ productId: PRODUCTS.hamCase, maxQuantity: 5 }] }), 422, 'body.items.0.maxQuantity', 'cap_below_moq');
  });

  it('Should refuse a pickup point that is neither the organiser nor a verified showroom', async () => {
    // The canteen is verified but not a showroom.
    await expectNothingWritten(() => create(showroom, { pickupOrganizationId: CANTEEN }), 422, 'body.pickupOrganizationId', 'pickup_point_invalid');
    await expectNothingWritten(() => create(showroom, { pickupOrganizationId: 'org_nowhere' }), 422, 'body.pickupOrganizationId');
    await env.DB.prepare(
      "INSERT INTO organization (id, name, slug, kind, status, created_at) VALUES ('org_pending_showroom', '待审核展销馆', 'pending-showroom', 'showroom', 'pending', 0)",
    ).run();
    await expectNothingWritten(() => create(showroom, { pickupOrganizationId: 'org_pending_showroom' }), 422, 'body.pickupOrganizationId');
  });

  it('Should refuse an anonymous caller, a public buyer, and a cooperative', async () => {
    await expectNothingWritten(() => callJson('/api/v1/group-buys', { method: 'POST', json: createBody() }), 401);
    const buyer = await demoToken('buyer');
    await expectNothingWritten(() => create(buyer, {}), 404);
    const coop = await demoToken('coopStaffA');
    const coopOrg = (await env.DB.prepare("SELECT organization_id FROM member WHERE user_id = 'usr_demo_coopStaffA'").first<string>('organization_id'))!;
    await expectNothingWritten(() => create(coop, { organizationId: coopOrg, pickupOrganizationId: SHOWROOM }), 403);
  });

  it('Should refuse an organisation awaiting verification', async () => {
    const owner = await newUser('新食堂负责人');
    await env.DB.batch([
      env.DB.prepare(
        "INSERT INTO organization (id, name, slug, kind, status, created_at) VALUES ('org_new_canteen', '新食堂', 'new-canteen', 'canteen', 'pending', 0)",
      ),
      env.DB.prepare("INSERT INTO member (id, organization_id, user_id, role, created_at) VALUES ('mem_new', 'org_new_canteen', ?, 'owner', 0)").bind(owner.id),
    ]);
    await expectNothingWritten(() => create(owner.token, { organizationId: 'org_new_canteen', pickupOrganizationId: SHOWROOM }), 403);
  });

  it('Should answer 404 for an unknown group buy', async () => {
    const { status, body } = await callJson('/api/v1/group-buys/gb_nope');
    expect(status).toBe(404);
    expect(body.type).toBe('/problems/not_found');
  });

  it("Should list the organiser's group buys, newest first, cursor-paginated", async () => {
    const first = await callJson('/api/v1/group-buys?limit=2', { token: showroom });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toBeTruthy();
    const second = await callJson(`/api/v1/group-buys?limit=2&cursor=${first.body.nextCursor}`, { token: showroom });
    const ids = [...first.body.items, ...second.body.items].map((g: { id: string }) => g.id);
    expect(new Set(ids).size).toBe(ids.length);
    const foreign = await callJson(`/api/v1/group-buys?organizationId=${CANTEEN}`, { token: showroom });
    expect(foreign.status).toBe(404);
  });
});

describe('the API description', () => {
  it('Should list every group-buy operation in the OpenAPI document', async () => {
    const { status, body } = await callJson('/openapi.json');
    expect(status).toBe(200);
    const paths = Object.keys(body.paths);
    for (const path of [
      '/api/v1/group-buys',
      '/api/v1/group-buys/{id}',
      '/api/v1/group-buys/{id}/participants',
      '/api/v1/group-buys/{id}/participants/{participantId}/cancel',
      '/api/v1/group-buys/{id}/close',
      '/api/v1/group-buys/{id}/pickups',
      '/api/v1/group-buys/{id}/pickup-list',
    ]) {
      expect(paths).toContain(path);
    }
    expect(body.paths['/api/v1/group-buys/{id}/pickup-list'].get.responses['200'].content).toHaveProperty('text/csv');
  });
});
