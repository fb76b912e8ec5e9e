import { env, exports } from 'cloudflare:workers';
import { demoCooperativeIds, demoOrganizations, userId } from '../../seeds/seed';
import { BASE, call, callJson, demoToken, freshIp, newUser } from './http';

/**
 * Accounts test factories: organisations, members, the roles of the authorisation matrix, and page
 * (cookie + form) requests. Requires seedDatabase() in the calling file.
 */

export const orgIds = {
  canteen: demoOrganizations.canteen.id,
  showroom: demoOrganizations.showroom.id,
  coopA: demoCooperativeIds().a,
  coopB: demoCooperativeIds().b,
};

/** The actors of the authorisation matrix, relative to the Baoshan canteen (org A) and cooperative A. */
export const MATRIX_ROLES = [
  'guest',
  'buyer', // signed in, no organisation
  'otherOrgOwner', // owner of another buyer organisation (the Lijiang showroom)
  'member', // role `member` of the canteen
  'purchaser', // purchaser of the canteen
  'owner', // owner of the canteen
  'coopStaff', // staff of cooperative A
  'otherCoopStaff', // staff of cooperative B
  'admin',
] as const;
export type MatrixRole = (typeof MATRIX_ROLES)[number];

/** A bearer token per matrix role (undefined for the guest). The `member` is created here. */
export async function matrixTokens(): Promise<Record<MatrixRole, string | undefined>> {
  const member = await addMember(orgIds.canteen, 'member');
  return {
    guest: undefined,
    buyer: await demoToken('buyer'),
    otherOrgOwner: await demoToken('showroomManager'),
    member: member.token,
    purchaser: await demoToken('canteenPurchaser'),
    owner: await demoToken('canteenOwner'),
    coopStaff: await demoToken('coopStaffA'),
    otherCoopStaff: await demoToken('coopStaffB'),
    admin: await demoToken('admin'),
  };
}

/** A new user made a member of `organizationId` with `role` directly in D1 (fixture, not the API under test). */
export async function addMember(organizationId: string, role: string) {
  const user = await newUser(`${role} of ${organizationId}`);
  const memberId = `mem_t_${crypto.randomUUID().slice(0, 12)}`;
  await env.DB.prepare('INSERT INTO member (id, organization_id, user_id, role, created_at) VALUES (?, ?, ?, ?, ?)')
    .bind(memberId, organizationId, user.id, role, Date.now())
    .run();
  return { ...user, memberId };
}

export const demoMemberId = (key: Parameters<typeof userId>[0]) => `mem_demo_${key}`;

/** Creates an organisation through the API as the holder of `token`. */
export async function createOrganization(token: string, body: Record<string, unknown>) {
  const res = await callJson('/api/v1/organizations', { method: 'POST', token, json: body });
  if (res.status !== 201) throw new Error(`create organisation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; status: string; kind: string; myRole: string };
}

/** A new user owning a new organisation of `kind`; `verified` has the seeded admin verify it. */
export async function newOrganization(kind: 'canteen' | 'enterprise' | 'showroom' | 'cooperative', options: { verified?: boolean } = {}) {
  const owner = await newUser(`owner of a ${kind}`);
  const body: Record<string, unknown> =
    kind === 'cooperative'
      ? { kind, name: `测试合作社 ${crypto.randomUUID().slice(0, 6)}`, countyId: await anyCountyId(), certificationNo: 'TEST-COOP-001' }
      : { kind, name: `测试${kind} ${crypto.randomUUID().slice(0, 6)}`, districtId: 'baoshan', invoiceTitle: '测试单位', taxId: '91310000MA1FL0000X' };
  const org = await createOrganization(owner.token, body);
  if (options.verified) {
    const res = await call(`/api/v1/admin/organizations/${org.id}/verify`, { method: 'POST', token: await adminToken() });
    if (res.status !== 200) throw new Error(`verify failed: ${res.status} ${await res.text()}`);
  }
  return { ...org, owner };
}

let cachedAdminToken: string | undefined;
export async function adminToken(): Promise<string> {
  cachedAdminToken ??= await demoToken('admin');
  return cachedAdminToken;
}

export async function anyCountyId(): Promise<string> {
  const row = await env.DB.prepare('SELECT id FROM counties ORDER BY id LIMIT 1').first<{ id: string }>();
  return row!.id;
}

// ----- pages: session cookies and form posts --------------------------------------------------------

/** Signs in through the JSON endpoint and returns the `Cookie` header value a browser would send. */
export async function sessionCookie(email: string, password = 'shanhai-demo-2026'): Promise<string> {
  const res = await call('/api/auth/sign-in/email', { method: 'POST', json: { email, password }, headers: { 'cf-connecting-ip': freshIp() } });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status}`);
  return cookieHeader(res);
}

/** Set-Cookie headers of a response as a Cookie request header. */
export function cookieHeader(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .join('; ');
}

/** A browser-like form post: urlencoded body, same-origin `Origin` unless told otherwise. */
export function postForm(path: string, fields: Record<string, string>, options: { cookie?: string; origin?: string | null; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', ...options.headers };
  if (options.cookie) headers.cookie = options.cookie;
  if (options.origin !== null) headers.origin = options.origin ?? BASE;
  // Straight to the worker: the `call` helper would add a same-origin Origin header.
  return exports.default.fetch(`${BASE}${path}`, { method: 'POST', headers, body: new URLSearchParams(fields).toString(), redirect: 'manual' });
}

/** A GET with a session cookie (pages). */
export function getPage(path: string, cookie?: string) {
  return exports.default.fetch(`${BASE}${path}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
}
