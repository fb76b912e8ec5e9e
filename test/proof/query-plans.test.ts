/**
 * Every statement a hot path runs, as the services write it today, put through EXPLAIN QUERY PLAN: none
 * may read all of a table that grows with sales (products, orders and their lines, shipments and their
 * items, payments, refunds, group-buy participants, settlement lines, the audit log). Paginated lists
 * must also come out of an index in order rather than sort a cooperative's whole history per page.
 *
 * The statements are recorded from real requests (see test/helpers/query-plans.ts), so a service that
 * changes its SQL is checked as it now is. Routes of domains not merged yet are skipped by name.
 */
import { env, exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { productId } from '../../seeds/seed';
import { orgIds } from '../helpers/accounts';
import { createOrder, createRefund } from '../helpers/fulfilment';
import { callJson, demoToken, type JsonInit } from '../helpers/http';
import { orderBody, pickupAtShowroom, SHOWROOM } from '../helpers/orders';
import { joinBody, joinGroupBuy, openGroupBuy } from '../helpers/group-buys';
import { fullScans, planOf, statementsOf, type Recorded } from '../helpers/query-plans';
import { seedDatabase } from '../helpers/seed';

/**
 * Tables that grow with every sale: a hot path may only SEARCH them. (settlements is left out on purpose:
 * one row per cooperative per period, a few hundred a year; its period lookup may walk a covering index.)
 */
const GROWING = [
  'products',
  'orders',
  'order_lines',
  'shipments',
  'shipment_items',
  'payments',
  'refunds',
  'group_buys',
  'group_buy_participants',
  'group_buy_participant_items',
  'settlement_lines',
  'audit_log',
  'notifications',
  'session',
  'member',
] as const;

const HAM = productId('XW-HAM-001');
const DAY = 86_400_000;

type Fixture = { admin: string; coop: string; showroom: string; guestOrder: { id: string; accessToken: string }; paths: Set<string> };
const fx = {} as Fixture;

beforeAll(async () => {
  await seedDatabase();
  fx.admin = await demoToken('admin');
  fx.coop = await demoToken('coopStaffA');
  fx.showroom = await demoToken('showroomManager');
  const placed = await callJson('/api/v1/orders', { method: 'POST', json: orderBody([{ productId: HAM, quantity: 1 }], { delivery: pickupAtShowroom }) });
  expect(placed.status).toBe(201);
  fx.guestOrder = placed.body;
  // Last month's delivered sale and a refund, so settlement generation has something to read.
  const lastMonth = Date.now() - 20 * DAY;
  const delivered = await createOrder({ organizationId: orgIds.canteen, paymentMethod: 'invoice', at: lastMonth, parts: [{ lines: [{ productId: HAM, quantity: 2 }], status: 'delivered', deliveredAt: lastMonth }] });
  await createRefund({ paymentId: delivered.paymentId!, orderId: delivered.orderId, amountFen: 100, at: lastMonth });
  const doc = (await (await exports.default.fetch('http://localhost/openapi.json')).json()) as { paths: Record<string, unknown> };
  fx.paths = new Set(Object.keys(doc.paths));
}, 120_000);

type HotPath = {
  name: string;
  /** An OpenAPI path that must exist for this case to run (domains merged later). */
  needs?: string;
  request: () => Promise<[string, JsonInit]> | [string, JsonInit];
  /** A keyset-paginated list: its rows must come out of an index already in order. */
  paginated?: boolean;
  /** Plan lines that must appear (a range search where an equality alone would read a table's whole history). */
  plans?: RegExp[];
};

const shanghaiMonth = (offset: number) => {
  const d = new Date(Date.now() + 8 * 3_600_000);
  const start = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1));
  return start.toISOString().slice(0, 10);
};

const HOT_PATHS: HotPath[] = [
  { name: 'catalog list (API)', request: () => ['/api/v1/products?limit=50', {}], paginated: true },
  { name: 'catalog page', request: () => ['/products', {}] },
  { name: 'search with filters (API)', request: () => [`/api/v1/products?q=${encodeURIComponent('火腿')}&category=ham&sort=price`, {}] },
  { name: 'filter by district, by price (API)', request: () => ['/api/v1/products?district=baoshan&minPriceFen=1000&maxPriceFen=90000&sort=-price', {}] },
  { name: 'filter by cooperative (API)', request: () => [`/api/v1/products?cooperative=${orgIds.coopA}&sort=popular`, {}] },
  { name: 'product by id (API)', request: () => [`/api/v1/products/${HAM}`, {}] },
  { name: 'product page', request: () => [`/products/${HAM}`, {}] },
  { name: 'home page', request: () => ['/', {}] },
  { name: 'quote', request: () => ['/api/v1/quotes', { method: 'POST', json: { items: [{ productId: HAM, quantity: 2 }], deliveryMethod: 'pickup' } }] },
  {
    name: 'order placement',
    request: () => ['/api/v1/orders', { method: 'POST', headers: { 'idempotency-key': crypto.randomUUID() }, json: orderBody([{ productId: HAM, quantity: 1 }], { delivery: pickupAtShowroom }) }],
  },
  {
    name: 'order placement by a signed-in purchaser for the canteen',
    request: async () => [
      '/api/v1/orders',
      { method: 'POST', token: await demoToken('canteenPurchaser'), json: orderBody([{ productId: HAM, quantity: 1 }], { delivery: { method: 'pickup', pickupOrganizationId: SHOWROOM }, organizationId: orgIds.canteen }) },
    ],
  },
  { name: 'order by id (guest token)', request: () => [`/api/v1/orders/${fx.guestOrder.id}?token=${fx.guestOrder.accessToken}`, {}] },
  { name: 'order by id (admin)', request: () => [`/api/v1/orders/${fx.guestOrder.id}`, { token: fx.admin }] },
  { name: 'order page (guest token)', request: () => [`/orders/${fx.guestOrder.id}?token=${fx.guestOrder.accessToken}`, {}] },
  { name: 'shipments of a cooperative', request: () => [`/api/v1/shipments?cooperativeId=${orgIds.coopA}`, { token: fx.coop }], paginated: true },
  { name: 'shipments of a cooperative by status', request: () => [`/api/v1/shipments?cooperativeId=${orgIds.coopA}&status=pending`, { token: fx.coop }], paginated: true },
  { name: 'settlements of a cooperative', request: () => [`/api/v1/settlements?cooperativeId=${orgIds.coopA}`, { token: fx.coop }], paginated: true },
  {
    name: 'settlement generation',
    request: () => ['/api/v1/admin/settlements', { method: 'POST', token: fx.admin, json: { periodStart: shanghaiMonth(-1), periodEnd: shanghaiMonth(0) } }],
    plans: [/^SEARCH shipments USING INDEX \w+ \(status=\? AND delivered_at>\? AND delivered_at<\?\)/, /^SEARCH refunds USING INDEX \w+ \(status=\? AND updated_at>\? AND updated_at<\?\)/],
  },
  { name: "a canteen's consumption toward its target", needs: '/api/v1/organizations/{id}/consumption', request: async () => [`/api/v1/organizations/${orgIds.canteen}/consumption`, { token: await demoToken('canteenOwner') }] },
  { name: 'impact report (API)', needs: '/api/v1/impact', request: () => ['/api/v1/impact', {}] },
  { name: 'impact report by period (API)', needs: '/api/v1/impact', request: () => [`/api/v1/impact?from=${shanghaiMonth(-3)}&to=${shanghaiMonth(0)}`, {}] },
  { name: 'impact page', needs: '/api/v1/impact', request: () => ['/impact', {}] },
  ...groupBuyPaths(),
];

/** Group buys: open one as the showroom, read it, join it; a formed one for the pickup desk and list. */
function groupBuyPaths(): HotPath[] {
  const needs = '/api/v1/group-buys';
  let open: { id: string; shareUrl: string } | undefined;
  let formed: { id: string; pickupCode: string } | undefined;
  const openOne = async () => (open ??= await openGroupBuy(fx.showroom));
  const formedOne = async () => {
    if (formed) return formed;
    const group = await openGroupBuy(fx.showroom, { minParticipants: 1 });
    const joined = await joinGroupBuy(group.id);
    expect(joined.status, JSON.stringify(joined.body)).toBe(201);
    await joinGroupBuy(group.id);
    const closed = await callJson(`/api/v1/group-buys/${group.id}/close`, { method: 'POST', token: fx.showroom });
    expect(closed.body.status).toBe('succeeded');
    return (formed = { id: group.id, pickupCode: joined.body.pickupCode });
  };
  return [
    { name: 'group buy read', needs, request: async () => [`/api/v1/group-buys/${(await openOne()).id}`, {}] },
    { name: 'group buy join', needs, request: async () => [`/api/v1/group-buys/${(await openOne()).id}/participants`, { method: 'POST', json: joinBody() }] },
    { name: 'group buy join page', needs, request: async () => [new URL((await openOne()).shareUrl).pathname, {}] },
    { name: 'group buy participant by pickup code', needs, request: async () => { const g = await formedOne(); return [`/api/v1/group-buys/${g.id}/pickups/${g.pickupCode}`, { token: fx.showroom }]; } },
    { name: 'group buy pickup by code', needs, request: async () => { const g = await formedOne(); return [`/api/v1/group-buys/${g.id}/pickups`, { method: 'POST', token: fx.showroom, json: { pickupCode: g.pickupCode } }]; } },
    { name: 'group buy pickup list', needs, request: async () => [`/api/v1/group-buys/${(await formedOne()).id}/pickup-list`, { token: fx.showroom }] },
    // Not checked as `paginated`: it merges two index searches (organiser OR pickup point) and sorts an
    // organisation's own group buys, a few hundred a year at most, not a table's whole history.
    { name: "an organiser's group buys", needs, request: async () => (await openOne(), ['/api/v1/group-buys', { token: fx.showroom }]) },
  ];
}

function describePlans(statements: Array<{ statement: Recorded; plan: string[] }>): string {
  return statements.map(({ statement, plan }) => `${statement.sql}\n    ${plan.join('\n    ')}`).join('\n');
}

describe('query plans of the hot paths', () => {
  for (const hot of HOT_PATHS) {
    it(`Should read no growing table in full for ${hot.name}`, async (context) => {
      if (hot.needs && !fx.paths.has(hot.needs)) context.skip(`${hot.needs} is not merged yet`);
      const [path, init] = await hot.request();
      const { status, body, statements } = await statementsOf(path, init);
      expect(status, body.slice(0, 500)).toBeLessThan(400);
      expect(statements.length).toBeGreaterThan(0);
      const planned = [];
      for (const statement of statements) planned.push({ statement, plan: await planOf(statement) });
      const scans = planned.flatMap(({ statement, plan }) => fullScans(plan, GROWING).map((line) => `${line}   ← ${statement.sql.slice(0, 300)}`));
      expect(scans, describePlans(planned)).toEqual([]);
      for (const expected of hot.plans ?? []) expect(planned.flatMap(({ plan }) => plan).join('\n'), describePlans(planned)).toMatch(new RegExp(expected.source, 'm'));
      if (hot.paginated) {
        // The page query (the one with a LIMIT) must not collect and sort every matching row to return 20.
        const sorted = planned.filter(({ statement, plan }) => /\blimit\b/i.test(statement.sql) && plan.some((line) => /USE TEMP B-TREE FOR (?:RIGHT PART OF )?ORDER BY/.test(line)));
        expect(sorted.map(({ statement }) => statement.sql), describePlans(sorted)).toEqual([]);
      }
    });
  }

  it('Should see a full scan when one happens (the check itself works)', async () => {
    const plan = await planOf({ sql: 'SELECT id FROM orders WHERE contact_name = ?', params: ['x'] });
    expect(fullScans(plan, GROWING)).toHaveLength(1);
    const direct = await env.DB.prepare('EXPLAIN QUERY PLAN SELECT id FROM orders WHERE id = ?').bind('x').all<{ detail: string }>();
    expect(fullScans(direct.results.map((r) => r.detail), GROWING)).toEqual([]);
  });
});
