import { CANTEEN_MEMBERS_ONLY, runAuthorizationMatrix, type MatrixFixture, type MatrixRow } from '../helpers/authorization-matrix';
import { makeCooperative, makeProduct } from '../helpers/orders';
import { bulkBody, negotiatedPrice, placeCanteenOrder } from '../helpers/procurement';

/** Who may call each procurement route (rows appended to the authorisation matrix). */

const canteen = (fx: MatrixFixture) => `/api/v1/organizations/${fx.orgIds.canteen}`;
const statusesWith = (base: MatrixRow['expect'], changes: Partial<MatrixRow['expect']>) => ({ ...base, ...changes });
const withSuccess = (base: MatrixRow['expect'], status: number) =>
  Object.fromEntries(Object.entries(base).map(([role, s]) => [role, s === 200 ? status : s])) as MatrixRow['expect'];

const ADMIN_ONLY: MatrixRow['expect'] = { guest: 401, buyer: 403, otherOrgOwner: 403, member: 403, purchaser: 403, owner: 403, coopStaff: 403, otherCoopStaff: 403, admin: 200 };
/** Owner or purchaser of the canteen (and admins). */
const CANTEEN_PURCHASING = statusesWith(CANTEEN_MEMBERS_ONLY, { member: 403 });
/** Only the canteen's owner; a platform admin is not the organisation's decider. */
const CANTEEN_OWNER_DECIDES = statusesWith(CANTEEN_MEMBERS_ONLY, { member: 403, purchaser: 403, admin: 403 });
/** The canteen purchaser who made the request; its owner and an admin, who can see it but did not ask, get a 403. */
const REQUESTER_ONLY = statusesWith(CANTEEN_PURCHASING, { owner: 403, admin: 403 });
/** Pages: a guest is sent to sign in; an admin who is not a member sees no organisation page. */
const CANTEEN_MEMBER_PAGES = statusesWith(CANTEEN_MEMBERS_ONLY, { guest: 303, admin: 404 });

let products: Promise<{ cheap: string; dear: string }> | undefined;
/** Products made on first use (the matrix seeds its own database): ¥10 and ¥9,000 a unit. */
function fixtureProducts() {
  products ??= (async () => {
    const coop = await makeCooperative({ shippingFlatFeeFen: 0, freeShippingAboveFen: null });
    return {
      cheap: await makeProduct({ cooperativeId: coop, unitPriceFen: 1_000, stock: 100_000 }),
      dear: await makeProduct({ cooperativeId: coop, unitPriceFen: 900_000, stock: 100_000 }),
    };
  })();
  return products;
}

/** A new purchase approval of the canteen: its purchaser orders ¥27,000, above the ¥20,000 limit. */
async function freshApproval(fx: MatrixFixture): Promise<string> {
  const { dear } = await fixtureProducts();
  const res = await placeCanteenOrder(fx.tokens.purchaser!, [{ productId: dear, quantity: 3 }]);
  if (res.status !== 202) throw new Error(`expected an approval, got ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

async function freshInvoiceOrder(fx: MatrixFixture): Promise<string> {
  const { cheap } = await fixtureProducts();
  const res = await placeCanteenOrder(fx.tokens.purchaser!, [{ productId: cheap, quantity: 1 }]);
  return res.body.id;
}

async function freshPriceEntry(fx: MatrixFixture): Promise<string> {
  const { cheap } = await fixtureProducts();
  return negotiatedPrice(fx.orgIds.canteen, cheap, 900, Date.now() - 1000);
}

let sharedApproval: Promise<string> | undefined;

const rows: MatrixRow[] = [
  // Price lists: platform admins only.
  { name: 'GET /admin/price-lists', method: 'GET', path: () => '/api/v1/admin/price-lists', expect: ADMIN_ONLY },
  {
    name: 'POST /admin/price-lists',
    method: 'POST',
    path: () => '/api/v1/admin/price-lists',
    json: () => ({ organizationId: 'org_baoshan_canteen', sku: 'JD-MUS-001', unitPriceFen: 4000, validFrom: 0 }),
    expect: withSuccess(ADMIN_ONLY, 201),
  },
  { name: 'PATCH /admin/price-lists/{id}', method: 'PATCH', path: async (fx) => `/api/v1/admin/price-lists/${await freshPriceEntry(fx)}`, json: () => ({ unitPriceFen: 800 }), expect: ADMIN_ONLY },
  { name: 'DELETE /admin/price-lists/{id}', method: 'DELETE', path: async (fx) => `/api/v1/admin/price-lists/${await freshPriceEntry(fx)}`, expect: withSuccess(ADMIN_ONLY, 204) },

  // Bulk orders: the canteen's owner and purchaser (and admins).
  { name: 'POST /orders/bulk (preview for the canteen)', method: 'POST', path: () => '/api/v1/orders/bulk', json: (fx) => bulkBody('sku,quantity\nJD-MUS-001,1', { organizationId: fx.orgIds.canteen }), expect: CANTEEN_PURCHASING },

  // Approvals: owners and purchasers read; only the owner decides.
  { name: 'GET canteen approvals', method: 'GET', path: (fx) => `${canteen(fx)}/approvals`, expect: CANTEEN_PURCHASING },
  {
    name: 'GET a canteen approval',
    method: 'GET',
    path: async (fx) => `${canteen(fx)}/approvals/${await (sharedApproval ??= freshApproval(fx))}`,
    expect: CANTEEN_PURCHASING,
  },
  { name: 'POST approve a canteen approval', method: 'POST', path: async (fx) => `${canteen(fx)}/approvals/${await freshApproval(fx)}/approve`, expect: CANTEEN_OWNER_DECIDES },
  {
    name: 'POST reject a canteen approval',
    method: 'POST',
    path: async (fx) => `${canteen(fx)}/approvals/${await freshApproval(fx)}/reject`,
    json: () => ({ reason: '预算不足' }),
    expect: CANTEEN_OWNER_DECIDES,
  },
  // Changing or withdrawing a pending request: only the purchaser who asked; anyone else's view of it is a 404.
  {
    name: 'PATCH a canteen approval (the requester changes it)',
    method: 'PATCH',
    path: async (fx) => `${canteen(fx)}/approvals/${await freshApproval(fx)}`,
    json: async () => ({ items: [{ productId: (await fixtureProducts()).dear, quantity: 4 }] }),
    expect: REQUESTER_ONLY,
  },
  { name: 'POST withdraw a canteen approval', method: 'POST', path: async (fx) => `${canteen(fx)}/approvals/${await freshApproval(fx)}/withdraw`, expect: REQUESTER_ONLY },

  // Invoices, credit, consumption: any member of the canteen (and admins).
  { name: 'GET canteen invoices', method: 'GET', path: (fx) => `${canteen(fx)}/invoices`, expect: CANTEEN_MEMBERS_ONLY },
  { name: 'GET canteen credit', method: 'GET', path: (fx) => `${canteen(fx)}/credit`, expect: CANTEEN_MEMBERS_ONLY },
  { name: 'GET canteen consumption', method: 'GET', path: (fx) => `${canteen(fx)}/consumption`, expect: CANTEEN_MEMBERS_ONLY },
  {
    name: 'POST /orders/{id}/fapiao for a canteen order',
    method: 'POST',
    path: async (fx) => `/api/v1/orders/${await freshInvoiceOrder(fx)}/fapiao`,
    json: () => ({ title: '上海市宝山区机关事务管理局', taxId: '11310113MB0000000X' }),
    expect: withSuccess(CANTEEN_MEMBERS_ONLY, 201),
  },

  // Pages.
  { name: 'GET /procurement (canteen dashboard page)', method: 'GET', path: (fx) => `/procurement?org=${fx.orgIds.canteen}`, expect: CANTEEN_MEMBER_PAGES },
  { name: 'GET /procurement/invoices page', method: 'GET', path: (fx) => `/procurement/invoices?org=${fx.orgIds.canteen}`, expect: CANTEEN_MEMBER_PAGES },
  { name: 'GET /procurement/approvals page', method: 'GET', path: (fx) => `/procurement/approvals?org=${fx.orgIds.canteen}`, expect: statusesWith(CANTEEN_MEMBER_PAGES, { member: 403 }) },
  {
    name: 'GET /orders/{id}/invoice (pro-forma page)',
    method: 'GET',
    path: async (fx) => `/orders/${await freshInvoiceOrder(fx)}/invoice`,
    expect: statusesWith(CANTEEN_MEMBERS_ONLY, { guest: 404 }),
  },
  { name: 'GET /admin/price-lists page', method: 'GET', path: () => '/admin/price-lists', expect: { ...ADMIN_ONLY, guest: 303 } },
];

runAuthorizationMatrix('procurement', rows);
