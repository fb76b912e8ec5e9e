import { beforeAll, describe, expect, it } from 'vitest';
import { cooperatives, counties, districts } from '../../seeds/data';
import { walkPages } from '../helpers/catalog';
import { callJson } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';

type County = { id: string; districtId: string | null; pairingKind: string };
type District = { id: string; counties: County[] };

beforeAll(seedDatabase);

describe('GET /api/v1/districts', () => {
  it('Should list every Shanghai district in display order with its paired counties', async () => {
    const { items } = await walkPages<District>('/api/v1/districts');
    expect(items.map((d) => d.id)).toEqual(districts.map((d) => d.id));
    for (const district of items) {
      const expected = counties.filter((c) => c.districtId === district.id).map((c) => c.id).sort();
      expect(district.counties.map((c) => c.id).sort()).toEqual(expected);
    }
  });

  it('Should carry the real pairings, both kinds', async () => {
    const { items } = await walkPages<District>('/api/v1/districts');
    const pairing = (district: string, county: string) =>
      items.find((d) => d.id === district)?.counties.find((c) => c.id === county)?.pairingKind;
    expect(pairing('baoshan', 'xuanwei')).toBe('collaboration');
    expect(pairing('baoshan', 'yecheng')).toBe('counterpart-support');
    expect(pairing('minhang', 'zepu')).toBe('counterpart-support');
    expect(pairing('jiading', 'jiuzhi')).toBe('counterpart-support');
    expect(pairing('jinshan', 'mojiang')).toBe('collaboration');
    expect(pairing('changning', 'jinping')).toBe('collaboration');
  });

  it('Should page districts without repeating any', async () => {
    const { items, pages } = await walkPages<District>('/api/v1/districts?limit=3');
    expect(pages).toBe(Math.ceil(districts.length / 3));
    expect(items.map((d) => d.id)).toEqual(districts.map((d) => d.id));
  });

  it('Should answer 400 naming query.limit for a bad limit', async () => {
    const { status, body } = await callJson('/api/v1/districts?limit=-2');
    expect(status).toBe(400);
    expect(body.errors[0].path).toBe('query.limit');
  });
});

describe('GET /api/v1/counties', () => {
  it('Should page through every county exactly once', async () => {
    const { items } = await walkPages<County>('/api/v1/counties?limit=4');
    expect(items.map((c) => c.id)).toEqual(counties.map((c) => c.id).sort());
  });

  it('Should filter by district and by pairing kind', async () => {
    const jiading = await walkPages<County>('/api/v1/counties?district=jiading');
    expect(jiading.items.map((c) => c.id).sort()).toEqual(counties.filter((c) => c.districtId === 'jiading').map((c) => c.id).sort());
    const support = await walkPages<County>('/api/v1/counties?pairingKind=counterpart-support');
    expect(support.items.length).toBeGreaterThan(0);
    expect(support.items.every((c) => c.pairingKind === 'counterpart-support')).toBe(true);
    expect(support.items.map((c) => c.id).sort()).toEqual(
      counties.filter((c) => c.pairingKind === 'counterpart-support').map((c) => c.id).sort(),
    );
  });

  it('Should answer 400 naming query.pairingKind for an unknown kind', async () => {
    const { status, body } = await callJson('/api/v1/counties?pairingKind=friendship');
    expect(status).toBe(400);
    expect(body.errors[0].path).toBe('query.pairingKind');
  });
});

describe('GET /api/v1/counties/{id}', () => {
  it('Should return the county with its district, prefecture, province and cooperatives', async () => {
    const { status, body } = await callJson('/api/v1/counties/mojiang');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: 'mojiang',
      nameZh: '墨江县',
      prefectureZh: '普洱市',
      provinceZh: '云南省',
      districtId: 'jinshan',
      pairingKind: 'collaboration',
      district: { id: 'jinshan', nameZh: '金山区' },
    });
    const expected = cooperatives.filter((c) => c.countyId === 'mojiang');
    expect(body.cooperatives.map((c: { id: string }) => c.id).sort()).toEqual(expected.map((c) => `org_coop_${c.id}`).sort());
    expect(body.cooperatives[0].householdsBenefited).toBe(expected[0]!.householdsBenefited);
  });

  it('Should return a county Shanghai supports as a whole with no district', async () => {
    const unassigned = counties.find((c) => c.districtId === null)!;
    const { status, body } = await callJson(`/api/v1/counties/${unassigned.id}`);
    expect(status).toBe(200);
    expect(body.district).toBeNull();
  });

  it('Should answer 404 problem for an unknown county', async () => {
    const { status, body } = await callJson('/api/v1/counties/atlantis');
    expect(status).toBe(404);
    expect(body.detail).toContain('atlantis');
  });
});

describe('GET /api/v1/cooperatives/{id}', () => {
  it("Should return a cooperative's profile with county, district and households", async () => {
    const coop = cooperatives.find((c) => c.id === 'xuanwei-ham')!;
    const { status, body } = await callJson('/api/v1/cooperatives/org_coop_xuanwei-ham');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: 'org_coop_xuanwei-ham',
      nameZh: coop.nameZh,
      nameEn: coop.nameEn,
      householdsBenefited: coop.householdsBenefited,
      certificationNo: coop.certificationNo,
      storyZh: coop.storyZh,
      county: { id: 'xuanwei', prefectureZh: '曲靖市' },
      district: { id: 'baoshan' },
    });
  });

  it('Should answer 404 for an organisation that is not a cooperative', async () => {
    for (const id of ['org_baoshan_canteen', 'org_lijiang_showroom_yangpu', 'org_platform']) {
      const { status } = await callJson(`/api/v1/cooperatives/${id}`);
      expect(status, id).toBe(404);
    }
  });

  it('Should answer 404 for an unknown id', async () => {
    expect((await callJson('/api/v1/cooperatives/org_nobody')).status).toBe(404);
  });
});

describe('OpenAPI document', () => {
  it('Should describe every catalog route with its parameters and response schemas', async () => {
    const { body } = await callJson('/openapi.json');
    for (const path of ['/api/v1/districts', '/api/v1/counties', '/api/v1/counties/{id}', '/api/v1/products', '/api/v1/products/{id}', '/api/v1/cooperatives/{id}']) {
      const get = body.paths[path]?.get;
      expect(get, path).toBeDefined();
      expect(get.responses['200'].content['application/json'].schema, path).toBeDefined();
    }
    const params = body.paths['/api/v1/products'].get.parameters.map((p: { name: string }) => p.name).sort();
    expect(params).toEqual(['category', 'cooperative', 'county', 'cursor', 'district', 'limit', 'maxPriceFen', 'minPriceFen', 'q', 'sort']);
    for (const schema of ['ProductSummary', 'ProductDetail', 'County', 'CountyDetail', 'District', 'Cooperative', 'PriceTier']) {
      expect(body.components.schemas[schema], schema).toBeDefined();
    }
  });
});
