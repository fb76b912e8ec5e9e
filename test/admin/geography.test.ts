import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { call, callJson, demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { catalogProducts, SalesWriter, testDb, type CatalogProduct } from '../helpers/impact';
import { monthlyAgreement, recomputedSalesDaily, storedSalesDaily } from '../../src/impact/recompute';
import type { ImpactReport } from '../../src/impact/report';
import { startOfShanghaiDay } from '../../src/lib/time';

let admin: string;

const newCounty = (id: string, districtId: string | null = 'jinshan') => ({
  id,
  nameZh: '澜沧拉祜族自治县',
  nameEn: 'Lancang County',
  prefectureZh: '普洱市',
  prefectureEn: "Pu'er",
  provinceZh: '云南省',
  provinceEn: 'Yunnan',
  districtId,
  pairingKind: 'collaboration',
});

async function auditOf(entityId: string) {
  return testDb().all<{ action: string; before: string | null; after: string | null; actorUserId: string }>(
    sql`SELECT action, before, after, actor_user_id AS actorUserId FROM audit_log WHERE entity_id = ${entityId} ORDER BY created_at`,
  );
}

beforeAll(async () => {
  await seedDatabase();
  admin = await demoToken('admin');
});

describe('districts', () => {
  it('Should add a district, audited, and refuse the same id twice with 409', async () => {
    const created = await callJson('/api/v1/admin/districts', { method: 'POST', token: admin, json: { id: 'qingpu', nameZh: '青浦区', nameEn: 'Qingpu District' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'qingpu', nameZh: '青浦区', pairingNoteZh: '' });
    const again = await callJson('/api/v1/admin/districts', { method: 'POST', token: admin, json: { id: 'qingpu', nameZh: '青浦', nameEn: 'Qingpu' } });
    expect(again.status).toBe(409);
    expect(await auditOf('qingpu')).toEqual([expect.objectContaining({ action: 'district.create', actorUserId: 'usr_demo_admin', before: null })]);
  });

  it('Should rename a district and record before and after', async () => {
    const res = await callJson('/api/v1/admin/districts/yangpu', { method: 'PATCH', token: admin, json: { nameEn: 'Yangpu (renamed)' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'yangpu', nameZh: '杨浦区', nameEn: 'Yangpu (renamed)' });
    const [entry] = await auditOf('yangpu');
    expect(JSON.parse(entry!.before!).nameEn).toBe('Yangpu District');
    expect(JSON.parse(entry!.after!).nameEn).toBe('Yangpu (renamed)');
  });

  it.each([
    [{ id: 'Bad Id', nameZh: '区', nameEn: 'D' }, 'body.id'],
    [{ id: 'ok-id', nameZh: '', nameEn: 'D' }, 'body.nameZh'],
    [{ id: 'ok-id', nameZh: '区', nameEn: 'D', sortOrder: -1 }, 'body.sortOrder'],
    [{ id: 'ok-id', nameZh: '区', nameEn: 'D', extra: 1 }, 'body'],
  ])('Should refuse an invalid new district %j with a 400 naming %s', async (json, path) => {
    const res = await callJson('/api/v1/admin/districts', { method: 'POST', token: admin, json });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).some((p: string) => p.startsWith(path))).toBe(true);
  });

  it('Should refuse an empty change with 400 and an unknown district with 404', async () => {
    expect((await call('/api/v1/admin/districts/baoshan', { method: 'PATCH', token: admin, json: {} })).status).toBe(400);
    expect((await call('/api/v1/admin/districts/nowhere', { method: 'PATCH', token: admin, json: { nameEn: 'X' } })).status).toBe(404);
  });
});

describe('counties', () => {
  it('Should add a county to a district, and refuse an unknown district or a duplicate', async () => {
    const unknown = await callJson('/api/v1/admin/counties', { method: 'POST', token: admin, json: newCounty('lancang', 'atlantis') });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].path).toBe('body.districtId');
    const created = await callJson('/api/v1/admin/counties', { method: 'POST', token: admin, json: newCounty('lancang') });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'lancang', districtId: 'jinshan', pairingKind: 'collaboration' });
    expect((await call('/api/v1/admin/counties', { method: 'POST', token: admin, json: newCounty('lancang') })).status).toBe(409);
    // The new county is at once a valid impact filter.
    const { status, body } = await callJson<ImpactReport>('/api/v1/impact?county=lancang');
    expect(status).toBe(200);
    expect(body.totals.salesFen).toBe(0);
    expect((await auditOf('lancang')).map((a) => a.action)).toEqual(['county.create']);
  });

  it('Should add a county supported by Shanghai as a whole (no district)', async () => {
    const res = await callJson('/api/v1/admin/counties', { method: 'POST', token: admin, json: { ...newCounty('sakya', null), pairingKind: 'counterpart-support' } });
    expect(res.status).toBe(201);
    expect(res.body.districtId).toBeNull();
  });

  it('Should refuse a bad pairing kind, an empty change and an unknown county', async () => {
    const kind = await callJson('/api/v1/admin/counties/huize', { method: 'PATCH', token: admin, json: { pairingKind: 'friendship' } });
    expect(kind.status).toBe(400);
    expect(kind.body.errors[0].path).toBe('body.pairingKind');
    expect((await call('/api/v1/admin/counties/huize', { method: 'PATCH', token: admin, json: {} })).status).toBe(400);
    expect((await call('/api/v1/admin/counties/atlantis', { method: 'PATCH', token: admin, json: { nameEn: 'X' } })).status).toBe(404);
  });

  it('Should move a county to another district with its cooperatives and its impact history', async () => {
    const db = testDb();
    const products = await catalogProducts(db);
    const sold: CatalogProduct = products.find((p) => p.countyId === 'huize')!;
    const writer = new SalesWriter(db);
    writer.order({ lines: [{ product: sold, quantity: 2, unitPriceFen: 5000 }], createdAt: startOfShanghaiDay('2026-04-01') }).payment(startOfShanghaiDay('2026-04-01') + 60_000);
    await writer.flush();
    const before = await callJson<ImpactReport>('/api/v1/impact?district=baoshan');
    expect(before.body.byCounty.map((c) => c.countyId)).toContain('huize');

    const res = await callJson('/api/v1/admin/counties/huize', { method: 'PATCH', token: admin, json: { districtId: 'minhang', pairingKind: 'counterpart-support' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'huize', districtId: 'minhang', pairingKind: 'counterpart-support' });

    const baoshan = await callJson<ImpactReport>('/api/v1/impact?district=baoshan');
    const minhang = await callJson<ImpactReport>('/api/v1/impact?district=minhang');
    expect(baoshan.body.byCounty.map((c) => c.countyId)).not.toContain('huize');
    expect(minhang.body.byCounty.find((c) => c.countyId === 'huize')?.salesFen).toBe(10000);
    expect(minhang.body.byCounty.find((c) => c.countyId === 'huize')?.districtId).toBe('minhang');
    const coops = await db.all<{ districtId: string }>(sql`SELECT district_id AS districtId FROM organization WHERE county_id = 'huize' AND kind = 'cooperative'`);
    expect(coops.length).toBeGreaterThan(0);
    expect(coops.every((c) => c.districtId === 'minhang')).toBe(true);
    // The moved history still agrees with a recomputation from the orders.
    expect(await storedSalesDaily(db)).toEqual(await recomputedSalesDaily(db));
    const monthly = await monthlyAgreement(db);
    expect(monthly.stored).toEqual(monthly.summed);
    const [entry] = (await auditOf('huize')).filter((a) => a.action === 'county.update');
    expect(JSON.parse(entry!.before!).districtId).toBe('baoshan');
    expect(JSON.parse(entry!.after!).districtId).toBe('minhang');
  });
});

describe('the /admin/geography page', () => {
  it('Should list every district with its counties and save a form, then say so', async () => {
    const page = await (await call('/admin/geography', { token: admin })).text();
    expect(page).toContain('data-district="jiading"');
    expect(page).toContain('data-county="xuanwei"');
    expect(page).toContain('action="/admin/geography/counties/xuanwei"');

    const saved = await call('/admin/geography/counties/xuanwei', {
      method: 'POST',
      token: admin,
      redirect: 'manual',
      body: new URLSearchParams({ nameZh: '宣威市', nameEn: 'Xuanwei City', districtId: 'baoshan', pairingKind: 'collaboration' }),
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe('/admin/geography?saved=xuanwei');
    const after = await (await call('/admin/geography?saved=xuanwei', { token: admin })).text();
    expect(after).toContain('role="status"');
    expect(after).toContain('value="Xuanwei City"');
  });

  it('Should move a county to Shanghai city-wide from the form, and show invalid input without saving', async () => {
    const moved = await call('/admin/geography/counties/weixi', {
      method: 'POST',
      token: admin,
      redirect: 'manual',
      body: new URLSearchParams({ nameZh: '维西县', nameEn: 'Weixi County', districtId: '', pairingKind: 'collaboration' }),
    });
    expect(moved.status).toBe(303);
    const [weixi] = await testDb().all<{ districtId: string | null }>(sql`SELECT district_id AS districtId FROM counties WHERE id = 'weixi'`);
    expect(weixi!.districtId).toBeNull();

    const invalid = await call('/admin/geography/counties', { method: 'POST', token: admin, body: new URLSearchParams({ id: 'x', nameZh: '' }) });
    expect(invalid.status).toBe(400);
    const html = await invalid.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain('nameZh');
    const rows = await testDb().all(sql`SELECT id FROM counties WHERE id = 'x'`);
    expect(rows).toEqual([]);
  });
});
