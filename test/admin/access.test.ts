import { beforeAll, describe, expect, it } from 'vitest';
import { call, demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';

/** Every admin route and page built in src/admin and src/impact, with a valid request for each. */
const apiRoutes: { method: string; path: string; json?: unknown; ok: number }[] = [
  { method: 'POST', path: '/api/v1/admin/districts', json: { id: 'pudong', nameZh: '浦东新区', nameEn: 'Pudong New Area' }, ok: 201 },
  { method: 'PATCH', path: '/api/v1/admin/districts/baoshan', json: { nameEn: 'Baoshan District' }, ok: 200 },
  {
    method: 'POST',
    path: '/api/v1/admin/counties',
    json: { id: 'lancang', nameZh: '澜沧县', nameEn: 'Lancang County', prefectureZh: '普洱市', prefectureEn: "Pu'er", provinceZh: '云南省', provinceEn: 'Yunnan', districtId: 'jinshan', pairingKind: 'collaboration' },
    ok: 201,
  },
  { method: 'PATCH', path: '/api/v1/admin/counties/huize', json: { pairingKind: 'collaboration' }, ok: 200 },
  { method: 'GET', path: '/api/v1/admin/audit-log', ok: 200 },
  { method: 'POST', path: '/api/v1/admin/impact/rebuild', ok: 200 },
];

const pages = ['/admin', '/admin/geography', '/admin/audit'];

let tokens: Record<'admin' | 'buyer' | 'canteenPurchaser', string>;

beforeAll(async () => {
  await seedDatabase();
  tokens = { admin: await demoToken('admin'), buyer: await demoToken('buyer'), canteenPurchaser: await demoToken('canteenPurchaser') };
});

describe('admin API routes', () => {
  it.each(apiRoutes)('Should refuse a guest $method $path with 401 before looking at the request', async (route) => {
    const res = await call(route.path, { method: route.method, json: route.method === 'GET' ? undefined : { nonsense: true } });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it.each(apiRoutes)('Should refuse signed-in non-admins $method $path with 403', async (route) => {
    for (const token of [tokens.buyer, tokens.canteenPurchaser]) {
      const res = await call(route.path, { method: route.method, json: route.json, token });
      expect(res.status).toBe(403);
    }
  });

  it.each(apiRoutes)('Should let an admin $method $path', async (route) => {
    const res = await call(route.path, { method: route.method, json: route.json, token: tokens.admin });
    expect(res.status).toBe(route.ok);
  });
});

describe('admin pages', () => {
  it.each(pages)('Should send a guest from %s to sign in and back', async (path) => {
    const res = await call(path, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`/sign-in?next=${encodeURIComponent(path)}`);
  });

  it.each(pages)('Should answer a signed-in non-admin 403 at %s', async (path) => {
    for (const token of [tokens.buyer, tokens.canteenPurchaser]) {
      const res = await call(path, { token });
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('仅限平台管理员');
    }
  });

  it.each(pages)('Should show %s to an admin, with the console navigation', async (path) => {
    const res = await call(path, { token: tokens.admin });
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const link of ['/admin', '/admin/organizations', '/admin/payments', '/admin/settlements', '/admin/geography', '/admin/audit']) {
      expect(html).toContain(`href="${link}"`);
    }
    expect(html).toContain(`href="${path}" class="button" aria-current="page"`);
  });

  it('Should refuse a non-admin’s geography form post with 403 and change nothing', async () => {
    const res = await call('/admin/geography/districts/baoshan', {
      method: 'POST',
      token: tokens.buyer,
      body: new URLSearchParams({ nameZh: '不该出现的区名', nameEn: 'Renamed by a buyer' }),
    });
    expect(res.status).toBe(403);
    const admin = await (await call('/admin/geography', { token: tokens.admin })).text();
    expect(admin).not.toContain('不该出现的区名');
    expect(admin).not.toContain('Renamed by a buyer');
  });
});
