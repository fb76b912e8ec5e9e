import { env, exports } from 'cloudflare:workers';
import { cooperativeOrgId, demoOrganizations, productId } from '../../seeds/seed';
import { demoMemberId, orgIds } from './accounts';
import { createOrder } from './fulfilment';
import { joinGroupBuy, openGroupBuy, PRODUCTS as GROUP_BUY_PRODUCTS } from './group-buys';
import type { IdPool, OpenApiDoc } from './fuzz';
import { callJson, demoToken } from './http';
import { seedDatabase } from './seed';

/**
 * What the fuzz tests call routes with: the seeded database plus a paid order of cooperative A, the
 * OpenAPI document, tokens of the admin and of each collection's owner, and real ids for path
 * parameters. Requires nothing else; call once per file in beforeAll.
 */

type DemoKey = Parameters<typeof demoToken>[0];

/** Who owns the resource a path names, by its first segment after /api/v1 (`admin` routes have no owner). */
const OWNER_BY_COLLECTION: Record<string, DemoKey> = {
  organizations: 'canteenOwner',
  invitations: 'canteenOwner',
  products: 'coopStaffA',
  cooperatives: 'coopStaffA',
  shipments: 'coopStaffA',
  settlements: 'coopStaffA',
  orders: 'canteenPurchaser',
  quotes: 'canteenPurchaser',
  'group-buys': 'showroomManager',
};

export type FuzzFixture = {
  doc: OpenApiDoc;
  idPool: IdPool;
  adminToken: string;
  /** The bearer token of whoever owns what `path` names, if anyone does. */
  ownerToken(path: string): string | undefined;
  /** `path` with every `{param}` replaced by a real id where the parameter or collection is known. */
  concretePath(path: string): Promise<string>;
};

async function firstId(table: string): Promise<string | undefined> {
  try {
    const row = await env.DB.prepare(`SELECT id FROM "${table}" ORDER BY id LIMIT 1`).first<{ id: string }>();
    return row?.id;
  } catch {
    return undefined; // no such table
  }
}

export async function prepareFuzzFixture(): Promise<FuzzFixture> {
  await seedDatabase();
  const doc = (await (await exports.default.fetch('http://localhost/openapi.json')).json()) as OpenApiDoc;
  const tokens: Partial<Record<DemoKey, string>> = {};
  for (const key of new Set<DemoKey>(['admin', ...Object.values(OWNER_BY_COLLECTION)])) tokens[key] = await demoToken(key);

  // A paid order of cooperative A (its shipment, payment) so order, shipment and payment routes reach their rules.
  const product = productId('XW-HAM-001');
  const order = await createOrder({ organizationId: orgIds.canteen, paymentMethod: 'invoice', parts: [{ lines: [{ productId: product, quantity: 2 }] }] });
  /** Fixture ids by path parameter name, and for `{id}` by the collection before it. */
  const ids: Record<string, string> = {
    organizations: orgIds.canteen,
    products: product,
    cooperatives: orgIds.coopA,
    orders: order.orderId,
    shipments: order.shipmentIds[0]!,
    payments: order.paymentId!,
    counties: 'xuanwei',
    members: demoMemberId('canteenPurchaser'),
    memberId: demoMemberId('canteenPurchaser'),
    'delivery-locations': 'loc_baoshan_canteen_kitchen',
    locationId: 'loc_baoshan_canteen_kitchen',
  };
  // Procurement's collections live in tables named otherwise.
  for (const [collection, table] of [['price-lists', 'price_list_entries'], ['approvals', 'purchase_approvals']] as const) {
    const id = await firstId(table);
    if (id) ids[collection] = id;
  }
  // Group buys: an open one with a participant (joins, cancels, reads) and a formed one (the pickup desk).
  let formedGroupBuy: string | undefined;
  if (doc.paths['/api/v1/group-buys']) {
    const organiser = tokens[OWNER_BY_COLLECTION['group-buys']!]!;
    const open = await openGroupBuy(organiser);
    const joined = await joinGroupBuy(open.id);
    if (joined.status !== 201) throw new Error(`joining the fixture group buy answered ${joined.status}`);
    Object.assign(ids, { 'group-buys': open.id, participantId: joined.body.participantId, participants: joined.body.participantId });
    const formed = await openGroupBuy(organiser, { minParticipants: 1 });
    const member = await joinGroupBuy(formed.id);
    await callJson(`/api/v1/group-buys/${formed.id}/close`, { method: 'POST', token: organiser });
    formedGroupBuy = formed.id;
    ids.code = member.body.pickupCode;
  }

  const idFor = async (path: string, param: string): Promise<string> => {
    const segments = path.split('/');
    const collection = param === 'id' ? segments[segments.indexOf(`{${param}}`) - 1]! : param.replace(/Id$/, '');
    if (collection === 'group-buys' && path.includes('/pickups') && formedGroupBuy) return formedGroupBuy;
    const known = ids[param] ?? ids[collection];
    if (known) return known;
    // A collection merged later: the first row of the table it names, else an id that exists nowhere.
    const table = collection.replace(/-/g, '_');
    return (await firstId(table)) ?? (await firstId(table.replace(/s$/, ''))) ?? `fuzz_${crypto.randomUUID().slice(0, 8)}`;
  };

  return {
    doc,
    adminToken: tokens.admin!,
    idPool: {
      product: [product, productId('XW-HAM-002'), GROUP_BUY_PRODUCTS.shiitake, GROUP_BUY_PRODUCTS.freshShiitake, productId('nonexistent')],
      organization: [orgIds.canteen, demoOrganizations.showroom.id, orgIds.coopA, orgIds.coopB, cooperativeOrgId('nonexistent')],
      county: ['xuanwei', 'shangri-la', 'nowhere'],
      district: ['yangpu', 'baoshan', 'chaoyang'],
      other: Object.values(ids),
    },
    ownerToken(path) {
      const owner = OWNER_BY_COLLECTION[path.replace(/^\/api\/v1\//, '').split('/')[0]!];
      return owner ? tokens[owner] : undefined;
    },
    async concretePath(path) {
      let result = path;
      for (const [, param] of path.matchAll(/\{(\w+)\}/g)) result = result.replace(`{${param}}`, encodeURIComponent(await idFor(path, param!)));
      return result;
    },
  };
}
