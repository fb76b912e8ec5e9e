import { env } from 'cloudflare:workers';
import { createDb } from '../../src/db/client';
import { productImages, products, type ProductCategory, type ProductStatus } from '../../src/db/schema';
import { searchTokens } from '../../src/catalog/search';
import { newId } from '../../src/lib/ids';
import { cooperatives, counties, products as seedProducts } from '../../seeds/data';
import { cooperativeOrgId, productId } from '../../seeds/seed';
import { callJson, publishDirectWrites } from './http';

export type ProductItem = {
  id: string;
  category: ProductCategory;
  unitPriceFen: number;
  soldCount: number;
  createdAt: string;
  county: { id: string };
  district: { id: string } | null;
  cooperative: { id: string };
  imageUrl: string;
};

/** Follows `nextCursor` from `path` (optionally from a given cursor) to the end: every item in order, and the page count. */
export async function walkPages<T = ProductItem>(path: string, startCursor: string | null = null): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | null = startCursor;
  let pages = 0;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const url: string = cursor ? `${path}${separator}cursor=${encodeURIComponent(cursor)}` : path;
    const { status, body } = await callJson<{ items: T[]; nextCursor: string | null }>(url);
    if (status !== 200) throw new Error(`${url} answered ${status}: ${JSON.stringify(body)}`);
    items.push(...body.items);
    cursor = body.nextCursor;
    pages += 1;
    if (pages > 200) throw new Error(`${path}: more than 200 pages, the cursor is not advancing`);
  } while (cursor);
  return { items, pages };
}

/** Seeded products as the catalog should expose them: id, category, county, cooperative, price. */
export function seededCatalog() {
  const coopCounty = new Map(cooperatives.map((c) => [c.id, c.countyId]));
  const countyDistrict = new Map(counties.map((c) => [c.id, c.districtId]));
  return seedProducts.map((p) => {
    const countyId = coopCounty.get(p.cooperativeId)!;
    return {
      ...p,
      id: productId(p.sku),
      countyId,
      districtId: countyDistrict.get(countyId) ?? null,
      cooperativeOrgId: cooperativeOrgId(p.cooperativeId),
    };
  });
}

let counter = 0;

/** Inserts a product straight into D1 (the cooperative portal is another domain's). */
export async function insertProduct(
  overrides: Partial<{
    id: string;
    status: ProductStatus;
    category: ProductCategory;
    unitPriceFen: number;
    soldCount: number;
    nameZh: string;
    nameEn: string;
    imageKey: string | null;
    createdAt: number;
  }> = {},
): Promise<string> {
  counter += 1;
  const db = createDb(env.DB);
  const id = overrides.id ?? newId('prd');
  const nameZh = overrides.nameZh ?? `测试商品${counter}`;
  const nameEn = overrides.nameEn ?? `Test product ${counter}`;
  const at = overrides.createdAt ?? Date.UTC(2026, 5, 1) + counter;
  await db.insert(products).values({
    id,
    sku: `TEST-${counter}-${id.slice(-6)}`,
    cooperativeId: cooperativeOrgId('xuanwei-ham'),
    countyId: 'xuanwei',
    category: overrides.category ?? 'ham',
    nameZh,
    nameEn,
    unitZh: '件',
    unitEn: 'piece',
    unitPriceFen: overrides.unitPriceFen ?? 1000,
    priceTiers: [],
    stock: 10,
    status: overrides.status ?? 'published',
    soldCount: overrides.soldCount ?? 0,
    imageKey: overrides.imageKey ?? null,
    searchTokens: searchTokens(nameZh, nameEn),
    createdAt: at,
    updatedAt: at,
  });
  await publishDirectWrites();
  return id;
}

export async function addImage(productIdValue: string, r2Key: string, position: number): Promise<void> {
  await createDb(env.DB)
    .insert(productImages)
    .values({ id: newId('img'), productId: productIdValue, r2Key, contentType: 'image/jpeg', byteSize: 1234, etag: 'e', position, createdAt: Date.now() });
  await publishDirectWrites();
}
