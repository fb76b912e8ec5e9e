import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { PRODUCT_SORTS } from '../../src/catalog/catalog.service';
import { cooperatives } from '../../seeds/data';
import { addImage, insertProduct, seededCatalog, walkPages, type ProductItem } from '../helpers/catalog';
import { callJson } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';

const catalog = seededCatalog();
const ids = (items: { id: string }[]) => items.map((i) => i.id).sort();
let draftId: string;
let unpublishedId: string;

beforeAll(async () => {
  await seedDatabase();
  // Ties on purpose: popular and price sorts must break them by id without skipping or repeating.
  await env.DB.batch(
    catalog.slice(0, 12).map((p, i) => env.DB.prepare('UPDATE products SET sold_count = ? WHERE id = ?').bind((i % 3) * 10, p.id)),
  );
  draftId = await insertProduct({ status: 'draft', nameZh: '草稿火腿', nameEn: 'Draft ham' });
  unpublishedId = await insertProduct({ status: 'unpublished', nameZh: '下架火腿', nameEn: 'Withdrawn ham' });
});

describe('GET /api/v1/products — filters', () => {
  it('Should list only published products', async () => {
    const { items } = await walkPages('/api/v1/products?limit=100');
    expect(ids(items)).toEqual(ids(catalog));
    expect(items.map((i) => i.id)).not.toContain(draftId);
    expect(items.map((i) => i.id)).not.toContain(unpublishedId);
  });

  it('Should filter by category', async () => {
    const { items } = await walkPages('/api/v1/products?category=ham&limit=100');
    expect(ids(items)).toEqual(ids(catalog.filter((p) => p.category === 'ham')));
    expect(items.length).toBeGreaterThan(0);
  });

  it('Should filter by county', async () => {
    const { items } = await walkPages('/api/v1/products?county=xuanwei');
    expect(ids(items)).toEqual(ids(catalog.filter((p) => p.countyId === 'xuanwei')));
    expect(items.every((i) => i.county.id === 'xuanwei')).toBe(true);
  });

  it('Should filter by paired Shanghai district through the counties', async () => {
    const { items } = await walkPages('/api/v1/products?district=jinshan&limit=5');
    const expected = catalog.filter((p) => p.districtId === 'jinshan');
    expect(expected.length).toBeGreaterThan(5);
    expect(ids(items)).toEqual(ids(expected));
    expect(items.every((i) => i.district?.id === 'jinshan')).toBe(true);
  });

  it('Should filter by cooperative', async () => {
    const coop = `org_coop_${cooperatives[0]!.id}`;
    const { items } = await walkPages(`/api/v1/products?cooperative=${coop}`);
    expect(ids(items)).toEqual(ids(catalog.filter((p) => p.cooperativeOrgId === coop)));
  });

  it('Should filter by an inclusive price range in fen', async () => {
    const prices = catalog.map((p) => p.unitPriceFen).sort((a, b) => a - b);
    const min = prices[10]!;
    const max = prices[30]!;
    const { items } = await walkPages(`/api/v1/products?minPriceFen=${min}&maxPriceFen=${max}`);
    expect(ids(items)).toEqual(ids(catalog.filter((p) => p.unitPriceFen >= min && p.unitPriceFen <= max)));
  });

  it('Should combine filters with AND', async () => {
    const { items } = await walkPages('/api/v1/products?district=baoshan&category=ham&maxPriceFen=10000');
    const expected = catalog.filter((p) => p.districtId === 'baoshan' && p.category === 'ham' && p.unitPriceFen <= 10000);
    expect(expected.length).toBeGreaterThan(0);
    expect(ids(items)).toEqual(ids(expected));
  });

  it('Should answer an empty page for a filter that matches nothing', async () => {
    const { status, body } = await callJson('/api/v1/products?county=no-such-county');
    expect(status).toBe(200);
    expect(body).toEqual({ items: [], nextCursor: null });
  });
});

describe('GET /api/v1/products — sorting and pagination', () => {
  const comparators: Record<(typeof PRODUCT_SORTS)[number], (a: ProductItem, b: ProductItem) => number> = {
    price: (a, b) => a.unitPriceFen - b.unitPriceFen || (a.id < b.id ? -1 : 1),
    '-price': (a, b) => b.unitPriceFen - a.unitPriceFen || (a.id < b.id ? 1 : -1),
    newest: (a, b) => b.createdAt.localeCompare(a.createdAt) || (a.id < b.id ? 1 : -1),
    popular: (a, b) => b.soldCount - a.soldCount || (a.id < b.id ? 1 : -1),
  };

  for (const sort of PRODUCT_SORTS) {
    it(`Should walk every page of sort=${sort} with no duplicates and no gaps`, async () => {
      const { items, pages } = await walkPages(`/api/v1/products?sort=${encodeURIComponent(sort)}&limit=7`);
      expect(pages).toBe(Math.ceil(catalog.length / 7));
      expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
      expect(ids(items)).toEqual(ids(catalog));
      expect(items).toEqual([...items].sort(comparators[sort]));
    });

    it(`Should page a filtered list (sort=${sort}) completely`, async () => {
      const { items } = await walkPages(`/api/v1/products?sort=${encodeURIComponent(sort)}&district=baoshan&limit=3`);
      expect(ids(items)).toEqual(ids(catalog.filter((p) => p.districtId === 'baoshan')));
      expect(items).toEqual([...items].sort(comparators[sort]));
    });
  }

  it('Should default to newest first and 20 per page', async () => {
    const { body } = await callJson('/api/v1/products');
    expect(body.items).toHaveLength(20);
    expect(body.items).toEqual([...body.items].sort(comparators.newest));
    expect(typeof body.nextCursor).toBe('string');
  });

  it('Should neither repeat nor skip rows when a product is added between two pages', async () => {
    const first = await callJson('/api/v1/products?sort=price&limit=10');
    // Cheaper than everything: it sorts before the cursor, so later pages must not shift.
    const added = await insertProduct({ unitPriceFen: 1 });
    const rest = await walkPages('/api/v1/products?sort=price&limit=10', first.body.nextCursor);
    const seen = [...first.body.items, ...rest.items].map((i: ProductItem) => i.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual(ids(catalog));
    expect(seen).not.toContain(added);
    await env.DB.prepare('DELETE FROM products WHERE id = ?').bind(added).run();
  });
});

describe('GET /api/v1/products — bad input', () => {
  const cases: Array<[string, string]> = [
    ['sort=cheapest', 'query.sort'],
    ['limit=0', 'query.limit'],
    ['limit=101', 'query.limit'],
    ['limit=ten', 'query.limit'],
    ['category=caviar', 'query.category'],
    ['minPriceFen=-1', 'query.minPriceFen'],
    ['minPriceFen=1.5', 'query.minPriceFen'],
    ['maxPriceFen=lots', 'query.maxPriceFen'],
    ['minPriceFen=500&maxPriceFen=100', 'query.maxPriceFen'],
    ['cursor=not-a-cursor', 'query.cursor'],
    [`q=${'茶'.repeat(201)}`, 'query.q'],
    [`county=${'x'.repeat(65)}`, 'query.county'],
  ];
  for (const [query, path] of cases) {
    it(`Should answer 400 naming ${path} for ?${query.slice(0, 40)}`, async () => {
      const { status, body, res } = await callJson(`/api/v1/products?${query}`);
      expect(status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(body.errors.map((e: { path: string }) => e.path)).toContain(path);
      expect(body.detail).toContain(path);
    });
  }

  it('Should refuse a cursor issued for another sort', async () => {
    const { body: first } = await callJson('/api/v1/products?sort=price&limit=5');
    const { status, body } = await callJson(`/api/v1/products?sort=newest&cursor=${first.nextCursor}`);
    expect(status).toBe(400);
    expect(body.errors[0].path).toBe('query.cursor');
  });
});

describe('GET /api/v1/products/{id}', () => {
  it('Should return tiers, order rules, stock and provenance', async () => {
    const seeded = catalog.find((p) => p.sku === 'XW-HAM-003')!;
    const { status, body } = await callJson(`/api/v1/products/${seeded.id}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: seeded.id,
      sku: 'XW-HAM-003',
      unitPriceFen: seeded.unitPriceFen,
      priceTiers: seeded.priceTiers,
      minOrderQuantity: seeded.minOrderQuantity,
      orderStep: seeded.orderStep,
      stock: seeded.stock,
      shelfLifeDays: seeded.shelfLifeDays,
      images: [],
      imageUrl: expect.stringMatching(/^\/illustrations\/ham\.svg/),
    });
    const coop = cooperatives.find((c) => c.id === seeded.cooperativeId)!;
    expect(body.provenance).toMatchObject({
      county: { id: 'xuanwei', nameZh: '宣威市', prefectureZh: '曲靖市', provinceZh: '云南省', pairingKind: 'collaboration', districtId: 'baoshan' },
      district: { id: 'baoshan', nameZh: '宝山区' },
      cooperative: { id: `org_coop_${coop.id}`, nameZh: coop.nameZh, certificationNo: coop.certificationNo },
      householdsBenefited: coop.householdsBenefited,
    });
  });

  it('Should list photos in order and lead with the first one', async () => {
    const id = await insertProduct({ imageKey: 'products/x/a.jpg' });
    await addImage(id, 'products/x/b.jpg', 1);
    await addImage(id, 'products/x/a.jpg', 0);
    const { body } = await callJson(`/api/v1/products/${id}`);
    expect(body.images.map((i: { url: string }) => i.url)).toEqual(['/photos/products/x/a.jpg', '/photos/products/x/b.jpg']);
    expect(body.imageUrl).toBe('/photos/products/x/a.jpg');
    expect(body.hasPhoto).toBe(true);
    const list = await walkPages(`/api/v1/products?county=xuanwei`);
    // A list shows cards: the cover photo's 480 px copy (the photo itself where the upload made none).
    expect(list.items.find((i) => i.id === id)?.imageUrl).toBe('/photos/products/x/a.jpg?size=card');
    await env.DB.prepare('DELETE FROM products WHERE id = ?').bind(id).run();
  });

  it('Should answer 404 problem for an unknown id', async () => {
    const { status, body, res } = await callJson('/api/v1/products/prd_nothing');
    expect(status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(body.detail).toContain('prd_nothing');
  });

  it('Should answer 404 for draft and unpublished products', async () => {
    expect((await callJson(`/api/v1/products/${draftId}`)).status).toBe(404);
    expect((await callJson(`/api/v1/products/${unpublishedId}`)).status).toBe(404);
  });

  it('Should answer 400 naming param.id for an absurdly long id', async () => {
    const { status, body } = await callJson(`/api/v1/products/${'p'.repeat(65)}`);
    expect(status).toBe(400);
    expect(body.errors[0].path).toBe('param.id');
  });
});
