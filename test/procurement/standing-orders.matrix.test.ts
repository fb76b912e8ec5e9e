import { CANTEEN_MEMBERS_ONLY, runAuthorizationMatrix, type MatrixFixture, type MatrixRow } from '../helpers/authorization-matrix';
import { callJson } from '../helpers/http';
import { makeCooperative, makeProduct } from '../helpers/orders';
import { addDays } from '../../src/procurement/standing-schedule';
import { runStandingJob, standingBody, standingOrdersPath, today } from '../helpers/standing-orders';

/** Who may call each standing-order route and page (rows of the authorisation matrix; no leak to outsiders). */

const statusesWith = (base: MatrixRow['expect'], changes: Partial<MatrixRow['expect']>) => ({ ...base, ...changes });
/** Owner or purchaser of the canteen (and admins). */
const CANTEEN_PURCHASING = statusesWith(CANTEEN_MEMBERS_ONLY, { member: 403 });
/** Setting one up: only people who buy for the canteen; an admin is not its purchaser. */
const CANTEEN_BUYERS_CREATE = statusesWith(CANTEEN_MEMBERS_ONLY, { member: 403, purchaser: 201, owner: 201, admin: 404 });
const CANTEEN_MEMBER_PAGES = statusesWith(CANTEEN_MEMBERS_ONLY, { guest: 303, admin: 404 });
const CANTEEN_PURCHASING_FORMS = statusesWith(CANTEEN_MEMBERS_ONLY, { guest: 303, member: 403, purchaser: 303, owner: 303, admin: 404 });
const COOP_A_ONLY: MatrixRow['expect'] = { guest: 401, buyer: 404, otherOrgOwner: 404, member: 404, purchaser: 404, owner: 404, coopStaff: 200, otherCoopStaff: 404, admin: 200 };

let products: Promise<{ plenty: string; none: string }> | undefined;
function fixtureProducts() {
  products ??= (async () => {
    const coop = await makeCooperative({ shippingFlatFeeFen: 0, freeShippingAboveFen: null });
    return { plenty: await makeProduct({ cooperativeId: coop, unitPriceFen: 1_000, stock: 100_000 }), none: await makeProduct({ cooperativeId: coop, unitPriceFen: 1_000, stock: 0 }) };
  })();
  return products;
}

/** A new standing order of the canteen, set up by its owner (optionally for a product out of stock). */
async function freshStanding(fx: MatrixFixture, options: { outOfStock?: boolean } = {}): Promise<string> {
  const { plenty, none } = await fixtureProducts();
  const res = await callJson(standingOrdersPath(fx.orgIds.canteen), { method: 'POST', token: fx.tokens.owner, json: standingBody([{ productId: options.outOfStock ? none : plenty, quantity: 1 }]) });
  if (res.status !== 201) throw new Error(`standing order: ${res.status} ${JSON.stringify(res.body)}`);
  return `${standingOrdersPath(fx.orgIds.canteen)}/${res.body.id}`;
}

async function freshPaused(fx: MatrixFixture) {
  const path = await freshStanding(fx);
  await callJson(`${path}/pause`, { method: 'POST', token: fx.tokens.owner });
  return path;
}

async function freshSkipped(fx: MatrixFixture) {
  const path = await freshStanding(fx);
  await callJson(`${path}/skips`, { method: 'POST', token: fx.tokens.owner, json: { date: addDays(today(), 7) } });
  return `${path}/skips/${addDays(today(), 7)}`;
}

/** A standing order whose day today failed for short stock. */
async function freshFailed(fx: MatrixFixture) {
  const path = await freshStanding(fx, { outOfStock: true });
  await runStandingJob();
  return `${path}/occurrences/${today()}`;
}

let shared: Promise<string> | undefined;
const sharedStanding = (fx: MatrixFixture) => (shared ??= freshStanding(fx));
const pagePath = (apiPath: string, fx: MatrixFixture) => `${apiPath.replace(`/api/v1/organizations/${fx.orgIds.canteen}`, '/procurement')}?org=${fx.orgIds.canteen}`;

const rows: MatrixRow[] = [
  { name: 'GET canteen standing orders', method: 'GET', path: (fx) => standingOrdersPath(fx.orgIds.canteen), expect: CANTEEN_MEMBERS_ONLY },
  {
    name: 'POST canteen standing order',
    method: 'POST',
    path: (fx) => standingOrdersPath(fx.orgIds.canteen),
    json: () => standingBody([{ productId: 'prd_placeholder', quantity: 1 }]),
    expect: statusesWith(CANTEEN_BUYERS_CREATE, { purchaser: 422, owner: 422 }),
  },
  { name: 'GET a canteen standing order', method: 'GET', path: sharedStanding, expect: CANTEEN_MEMBERS_ONLY },
  { name: 'POST pause', method: 'POST', path: async (fx) => `${await freshStanding(fx)}/pause`, expect: CANTEEN_PURCHASING },
  { name: 'POST resume', method: 'POST', path: async (fx) => `${await freshPaused(fx)}/resume`, expect: CANTEEN_PURCHASING },
  { name: 'POST end', method: 'POST', path: async (fx) => `${await freshStanding(fx)}/end`, expect: CANTEEN_PURCHASING },
  { name: 'POST skips', method: 'POST', path: async (fx) => `${await freshStanding(fx)}/skips`, json: () => ({ date: addDays(today(), 7) }), expect: CANTEEN_PURCHASING },
  { name: 'DELETE skips/{date}', method: 'DELETE', path: freshSkipped, expect: CANTEEN_PURCHASING },
  { name: 'POST occurrences/{date}/retry', method: 'POST', path: async (fx) => `${await freshFailed(fx)}/retry`, json: () => ({}), expect: CANTEEN_PURCHASING },
  { name: 'POST occurrences/{date}/dismiss', method: 'POST', path: async (fx) => `${await freshFailed(fx)}/dismiss`, expect: CANTEEN_PURCHASING },
  { name: 'GET cooperative A standing demand', method: 'GET', path: (fx) => `/api/v1/cooperatives/${fx.orgIds.coopA}/standing-demand`, expect: COOP_A_ONLY },

  // Pages.
  { name: 'GET /procurement/standing-orders page', method: 'GET', path: (fx) => `/procurement/standing-orders?org=${fx.orgIds.canteen}`, expect: CANTEEN_MEMBER_PAGES },
  { name: 'GET /procurement/standing-orders/new page', method: 'GET', path: (fx) => `/procurement/standing-orders/new?org=${fx.orgIds.canteen}`, expect: statusesWith(CANTEEN_MEMBER_PAGES, { member: 403 }) },
  { name: 'GET /procurement/standing-orders/{id} page', method: 'GET', path: async (fx) => pagePath(await sharedStanding(fx), fx), expect: CANTEEN_MEMBER_PAGES },
  {
    name: 'POST /procurement/standing-orders/{id}/skip form',
    method: 'POST',
    path: async (fx) => `${(await freshStanding(fx)).replace(`/api/v1/organizations/${fx.orgIds.canteen}`, '/procurement')}/skip`,
    form: { org: 'org_baoshan_canteen', date: addDays(today(), 7) },
    expect: CANTEEN_PURCHASING_FORMS,
  },
];

runAuthorizationMatrix('standing orders', rows);
