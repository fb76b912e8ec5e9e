import { callJson } from '../helpers/http';
import { addMember, newOrganization } from '../helpers/accounts';
import { CANTEEN_MEMBERS_ONLY, runAuthorizationMatrix, type MatrixFixture, type MatrixRow } from '../helpers/authorization-matrix';

/**
 * Who may call each accounts route. Rows for other domains' routes go in their own test files with
 * runAuthorizationMatrix (see test/helpers/authorization-matrix.ts).
 */

const canteen = (fx: MatrixFixture) => `/api/v1/organizations/${fx.orgIds.canteen}`;
const ownerToken = (fx: MatrixFixture) => fx.tokens.owner!;
const unique = () => crypto.randomUUID().slice(0, 8);

async function freshMember(fx: MatrixFixture) {
  return (await addMember(fx.orgIds.canteen, 'member')).memberId;
}

async function freshInvitation(fx: MatrixFixture, email = `matrix-${unique()}@test.local`) {
  const res = await callJson(`${canteen(fx)}/invitations`, { method: 'POST', token: ownerToken(fx), json: { email, role: 'member' } });
  return res.body.id as string;
}

async function freshLocation(fx: MatrixFixture) {
  const res = await callJson(`${canteen(fx)}/delivery-locations`, { method: 'POST', token: ownerToken(fx), json: location });
  return res.body.id as string;
}

const location = { label: '矩阵测试地址', recipient: '测试', phone: '13800000009', districtId: 'baoshan', street: '宝山区测试路 1 号' };

/** Owner-only routes of the canteen: members are refused (403), outsiders do not see it (404). */
const CANTEEN_OWNER_ONLY = { ...CANTEEN_MEMBERS_ONLY, member: 403, purchaser: 403 };
/** Owner or purchaser of the canteen (delivery locations). */
const CANTEEN_PURCHASING = { ...CANTEEN_MEMBERS_ONLY, member: 403 };
/** Signed-in users only, whoever they are. */
const ANY_SIGNED_IN = { guest: 401, buyer: 200, otherOrgOwner: 200, member: 200, purchaser: 200, owner: 200, coopStaff: 200, otherCoopStaff: 200, admin: 200 };
/** Platform admins only. */
const ADMIN_ONLY = { guest: 401, buyer: 403, otherOrgOwner: 403, member: 403, purchaser: 403, owner: 403, coopStaff: 403, otherCoopStaff: 403, admin: 200 };
const withSuccess = (base: Record<string, number>, status: number) =>
  Object.fromEntries(Object.entries(base).map(([role, s]) => [role, s === 200 ? status : s])) as MatrixRow['expect'];

const rows: MatrixRow[] = [
  { name: 'GET /me', method: 'GET', path: () => '/api/v1/me', expect: ANY_SIGNED_IN },
  {
    name: 'POST /organizations',
    method: 'POST',
    path: () => '/api/v1/organizations',
    json: () => ({ kind: 'enterprise', name: `矩阵企业 ${unique()}` }),
    expect: withSuccess(ANY_SIGNED_IN, 201),
  },
  { name: 'GET canteen', method: 'GET', path: canteen, expect: CANTEEN_MEMBERS_ONLY },
  { name: 'PATCH canteen profile', method: 'PATCH', path: canteen, json: () => ({ contactPhone: '021-56600002' }), expect: CANTEEN_OWNER_ONLY },
  { name: 'GET canteen members', method: 'GET', path: (fx) => `${canteen(fx)}/members`, expect: CANTEEN_MEMBERS_ONLY },
  {
    name: "PATCH a canteen member's role",
    method: 'PATCH',
    path: async (fx) => `${canteen(fx)}/members/${await freshMember(fx)}`,
    json: () => ({ role: 'purchaser', perOrderLimitFen: 100_000 }),
    expect: CANTEEN_OWNER_ONLY,
  },
  {
    name: 'DELETE a canteen member',
    method: 'DELETE',
    path: async (fx) => `${canteen(fx)}/members/${await freshMember(fx)}`,
    expect: withSuccess(CANTEEN_OWNER_ONLY, 204),
  },
  {
    name: 'POST a canteen invitation',
    method: 'POST',
    path: (fx) => `${canteen(fx)}/invitations`,
    json: () => ({ email: `matrix-${unique()}@test.local`, role: 'purchaser' }),
    expect: withSuccess(CANTEEN_OWNER_ONLY, 201),
  },
  { name: 'GET canteen invitations', method: 'GET', path: (fx) => `${canteen(fx)}/invitations`, expect: CANTEEN_OWNER_ONLY },
  {
    name: 'DELETE (withdraw) a canteen invitation',
    method: 'DELETE',
    path: async (fx) => `${canteen(fx)}/invitations/${await freshInvitation(fx)}`,
    expect: withSuccess(CANTEEN_OWNER_ONLY, 204),
  },
  {
    name: "GET an invitation addressed to someone else",
    method: 'GET',
    path: async (fx) => `/api/v1/invitations/${await freshInvitation(fx)}`,
    expect: { ...ADMIN_ONLY, admin: 403 },
  },
  {
    name: 'POST accept an invitation addressed to someone else',
    method: 'POST',
    path: async (fx) => `/api/v1/invitations/${await freshInvitation(fx)}/accept`,
    expect: { ...ADMIN_ONLY, admin: 403 },
  },
  { name: 'GET canteen delivery locations', method: 'GET', path: (fx) => `${canteen(fx)}/delivery-locations`, expect: CANTEEN_PURCHASING },
  {
    name: 'POST a canteen delivery location',
    method: 'POST',
    path: (fx) => `${canteen(fx)}/delivery-locations`,
    json: () => location,
    expect: withSuccess(CANTEEN_PURCHASING, 201),
  },
  {
    name: 'GET a canteen delivery location',
    method: 'GET',
    path: (fx) => `${canteen(fx)}/delivery-locations/loc_baoshan_canteen_kitchen`,
    expect: CANTEEN_PURCHASING,
  },
  {
    name: 'PATCH a canteen delivery location',
    method: 'PATCH',
    path: (fx) => `${canteen(fx)}/delivery-locations/loc_baoshan_canteen_kitchen`,
    json: () => ({ receivingHours: '工作日 7:00–10:00' }),
    expect: CANTEEN_PURCHASING,
  },
  {
    name: 'DELETE a canteen delivery location',
    method: 'DELETE',
    path: async (fx) => `${canteen(fx)}/delivery-locations/${await freshLocation(fx)}`,
    expect: withSuccess(CANTEEN_PURCHASING, 204),
  },
  {
    name: 'GET cooperative A',
    method: 'GET',
    path: (fx) => `/api/v1/organizations/${fx.orgIds.coopA}`,
    expect: { guest: 401, buyer: 404, otherOrgOwner: 404, member: 404, purchaser: 404, owner: 404, coopStaff: 200, otherCoopStaff: 404, admin: 200 },
  },
  {
    name: 'PATCH cooperative A profile (staff are not owners)',
    method: 'PATCH',
    path: (fx) => `/api/v1/organizations/${fx.orgIds.coopA}`,
    json: () => ({ storyEn: 'Ham cured in Xuanwei for generations.' }),
    expect: { guest: 401, buyer: 404, otherOrgOwner: 404, member: 404, purchaser: 404, owner: 404, coopStaff: 403, otherCoopStaff: 404, admin: 200 },
  },
  {
    name: 'GET cooperative A members',
    method: 'GET',
    path: (fx) => `/api/v1/organizations/${fx.orgIds.coopA}/members`,
    expect: { guest: 401, buyer: 404, otherOrgOwner: 404, member: 404, purchaser: 404, owner: 404, coopStaff: 200, otherCoopStaff: 404, admin: 200 },
  },
  { name: 'GET /admin/organizations', method: 'GET', path: () => '/api/v1/admin/organizations', expect: ADMIN_ONLY },
  {
    name: 'POST verify an organisation',
    method: 'POST',
    path: async () => `/api/v1/admin/organizations/${(await newOrganization('canteen')).id}/verify`,
    expect: ADMIN_ONLY,
  },
  {
    name: 'POST suspend an organisation',
    method: 'POST',
    path: async () => `/api/v1/admin/organizations/${(await newOrganization('cooperative')).id}/suspend`,
    expect: ADMIN_ONLY,
  },
  {
    name: 'POST credit terms',
    method: 'POST',
    path: (fx) => `/api/v1/admin/organizations/${fx.orgIds.canteen}/credit-terms`,
    json: () => ({ paymentTermsDays: 30, creditLimitFen: 20_000_000 }),
    expect: ADMIN_ONLY,
  },
  // Pages answer with redirects (guests to sign-in, successes back to the page) and HTML errors.
  { name: 'page /account', method: 'GET', path: () => '/account', expect: { ...ANY_SIGNED_IN, guest: 303 } },
  { name: 'page /organizations/canteen', method: 'GET', path: (fx) => `/organizations/${fx.orgIds.canteen}`, expect: { ...CANTEEN_MEMBERS_ONLY, guest: 303 } },
  {
    name: 'page form: edit canteen profile',
    method: 'POST',
    path: (fx) => `/organizations/${fx.orgIds.canteen}/profile`,
    form: { contactPhone: '021-56600003', annualTargetYuan: '500000' },
    expect: { ...withSuccess(CANTEEN_OWNER_ONLY, 303), guest: 303 },
  },
  { name: 'page /admin/organizations', method: 'GET', path: () => '/admin/organizations', expect: { ...ADMIN_ONLY, guest: 303 } },
  {
    name: 'page form: verify an organisation',
    method: 'POST',
    path: async () => `/admin/organizations/${(await newOrganization('showroom')).id}/verify`,
    form: {},
    expect: { ...withSuccess(ADMIN_ONLY, 303), guest: 303 },
  },
];

runAuthorizationMatrix('accounts', rows);
