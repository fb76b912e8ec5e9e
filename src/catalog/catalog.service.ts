/**
 * The catalog's read rules: what a buyer may see (only `published` products, only cooperatives),
 * how products are filtered, searched, sorted and paged. Plain functions over a Drizzle `db`, shared
 * by the JSON API and the pages. Every read costs at most three D1 statements and none scans the
 * products table (test/catalog/query-plan.test.ts checks the plans).
 */
import { and, asc, desc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import type { Db } from '../db/client';
import {
  counties,
  districts,
  organization,
  productImages,
  products,
  type OrganizationStatus,
  type PairingKind,
  type PriceTier,
  type ProductCategory,
} from '../db/schema';
import { AppError } from '../lib/errors';
import { decodeCursor, encodeCursor } from '../lib/pagination';
import { illustrationUrl, photoUrl, thumbnailUrl } from './illustrations';
import { matchExpression } from './search';

export const PRODUCT_SORTS = ['newest', 'price', '-price', 'popular'] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

export type ProductFilters = {
  category?: ProductCategory;
  county?: string;
  district?: string;
  cooperative?: string;
  q?: string;
  minPriceFen?: number;
  maxPriceFen?: number;
  /** Home page only: products the platform chose to feature. */
  featured?: boolean;
  sort: ProductSort;
};

export type PageRequest = { limit: number; cursor?: string };
export type Page<T> = { items: T[]; nextCursor: string | null };

export type NameRef = { id: string; nameZh: string; nameEn: string };

export type ProductSummary = {
  id: string;
  sku: string;
  category: ProductCategory;
  nameZh: string;
  nameEn: string;
  unitZh: string;
  unitEn: string;
  specZh: string;
  specEn: string;
  unitPriceFen: number;
  minOrderQuantity: number;
  orderStep: number;
  stock: number;
  featured: boolean;
  soldCount: number;
  imageUrl: string;
  hasPhoto: boolean;
  county: NameRef;
  district: NameRef | null;
  cooperative: NameRef;
  createdAt: string;
};

export type CountyView = NameRef & {
  prefectureZh: string;
  prefectureEn: string;
  provinceZh: string;
  provinceEn: string;
  districtId: string | null;
  pairingKind: PairingKind;
  summaryZh: string;
  summaryEn: string;
};

export type DistrictView = NameRef & { pairingNoteZh: string; pairingNoteEn: string };

export type CooperativeView = NameRef & {
  status: OrganizationStatus;
  householdsBenefited: number;
  certificationNo: string | null;
  storyZh: string;
  storyEn: string;
  county: CountyView;
  district: NameRef | null;
};

export type ProductImage = { url: string; contentType: string; position: number };

export type ProductDetail = ProductSummary & {
  descriptionZh: string;
  descriptionEn: string;
  priceTiers: PriceTier[];
  shelfLifeDays: number | null;
  storageZh: string;
  storageEn: string;
  certificationNo: string | null;
  images: ProductImage[];
  provenance: {
    county: CountyView;
    district: (NameRef & { pairingNoteZh: string; pairingNoteEn: string }) | null;
    cooperative: Omit<CooperativeView, 'county' | 'district'>;
    householdsBenefited: number;
  };
};

// ---------------------------------------------------------------------------------------------
// Shared column sets
// ---------------------------------------------------------------------------------------------

const countyColumns = {
  id: counties.id,
  nameZh: counties.nameZh,
  nameEn: counties.nameEn,
  prefectureZh: counties.prefectureZh,
  prefectureEn: counties.prefectureEn,
  provinceZh: counties.provinceZh,
  provinceEn: counties.provinceEn,
  districtId: counties.districtId,
  pairingKind: counties.pairingKind,
  summaryZh: counties.summaryZh,
  summaryEn: counties.summaryEn,
};

const summaryColumns = {
  id: products.id,
  sku: products.sku,
  category: products.category,
  nameZh: products.nameZh,
  nameEn: products.nameEn,
  unitZh: products.unitZh,
  unitEn: products.unitEn,
  specZh: products.specZh,
  specEn: products.specEn,
  unitPriceFen: products.unitPriceFen,
  minOrderQuantity: products.minOrderQuantity,
  orderStep: products.orderStep,
  stock: products.stock,
  featured: products.featured,
  soldCount: products.soldCount,
  imageKey: products.imageKey,
  createdAt: products.createdAt,
  countyId: counties.id,
  countyNameZh: counties.nameZh,
  countyNameEn: counties.nameEn,
  districtId: districts.id,
  districtNameZh: districts.nameZh,
  districtNameEn: districts.nameEn,
  cooperativeId: organization.id,
  cooperativeName: organization.name,
  cooperativeNameEn: organization.nameEn,
};

/** A row of `summaryColumns` (districts are left-joined, so their columns may be null). */
type SummaryRow = {
  id: string;
  sku: string;
  category: ProductCategory;
  nameZh: string;
  nameEn: string;
  unitZh: string;
  unitEn: string;
  specZh: string;
  specEn: string;
  unitPriceFen: number;
  minOrderQuantity: number;
  orderStep: number;
  stock: number;
  featured: boolean;
  soldCount: number;
  imageKey: string | null;
  createdAt: number;
  countyId: string;
  countyNameZh: string;
  countyNameEn: string;
  districtId: string | null;
  districtNameZh: string | null;
  districtNameEn: string | null;
  cooperativeId: string;
  cooperativeName: string;
  cooperativeNameEn: string | null;
};

function toSummary(row: SummaryRow): ProductSummary {
  return {
    id: row.id,
    sku: row.sku,
    category: row.category,
    nameZh: row.nameZh,
    nameEn: row.nameEn,
    unitZh: row.unitZh,
    unitEn: row.unitEn,
    specZh: row.specZh,
    specEn: row.specEn,
    unitPriceFen: row.unitPriceFen,
    minOrderQuantity: row.minOrderQuantity,
    orderStep: row.orderStep,
    stock: row.stock,
    featured: row.featured,
    soldCount: row.soldCount,
    imageUrl: row.imageKey ? photoUrl(row.imageKey, 'card') : illustrationUrl(row.category),
    hasPhoto: row.imageKey !== null,
    county: { id: row.countyId, nameZh: row.countyNameZh, nameEn: row.countyNameEn },
    district: row.districtId ? { id: row.districtId, nameZh: row.districtNameZh ?? '', nameEn: row.districtNameEn ?? '' } : null,
    cooperative: { id: row.cooperativeId, nameZh: row.cooperativeName, nameEn: row.cooperativeNameEn ?? row.cooperativeName },
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

function notFound(what: string, id: string): AppError {
  return new AppError('not_found', `${what} ${id} not found`);
}

// ---------------------------------------------------------------------------------------------
// Products
// ---------------------------------------------------------------------------------------------

/** Each sort is a keyset on (sort column, id), both in the same direction, so pages never overlap or skip. */
const SORT_COLUMNS = {
  newest: { column: products.createdAt, direction: 'desc' },
  price: { column: products.unitPriceFen, direction: 'asc' },
  '-price': { column: products.unitPriceFen, direction: 'desc' },
  popular: { column: products.soldCount, direction: 'desc' },
} as const satisfies Record<ProductSort, { column: unknown; direction: 'asc' | 'desc' }>;

const productCursorSchema = z.object({ s: z.enum(PRODUCT_SORTS), k: z.number().int(), id: z.string().max(64) });
type ProductCursor = z.infer<typeof productCursorSchema>;

function sortKeyOf(row: SummaryRow, sort: ProductSort): number {
  if (sort === 'newest') return row.createdAt;
  if (sort === 'popular') return row.soldCount;
  return row.unitPriceFen;
}

function readProductCursor(cursor: string, sort: ProductSort): ProductCursor {
  const decoded = decodeCursor(cursor, productCursorSchema);
  if (decoded.s !== sort) {
    throw new AppError('validation_failed', 'Invalid query.cursor', {
      errors: [{ path: 'query.cursor', message: `This cursor belongs to sort=${decoded.s}, not sort=${sort}` }],
    });
  }
  return decoded;
}

/** The WHERE conditions for a filter set, or null when the query cannot match anything. */
function productConditions(db: Db, filters: ProductFilters): SQL[] | null {
  const searching = filters.q !== undefined && filters.q.trim() !== '';
  // When searching, the FTS match is the most selective condition: a unary + keeps SQLite from walking
  // the status index instead of looking up the matched rowids.
  const conditions: SQL[] = [searching ? sql`+${products.status} = 'published'` : eq(products.status, 'published')];
  if (filters.category) conditions.push(eq(products.category, filters.category));
  if (filters.county) conditions.push(eq(products.countyId, filters.county));
  if (filters.district) {
    // Phrased as IN (counties of the district) so SQLite looks products up by county index.
    conditions.push(
      inArray(products.countyId, db.select({ id: counties.id }).from(counties).where(eq(counties.districtId, filters.district))),
    );
  }
  if (filters.cooperative) conditions.push(eq(products.cooperativeId, filters.cooperative));
  if (filters.minPriceFen !== undefined) conditions.push(gte(products.unitPriceFen, filters.minPriceFen));
  if (filters.maxPriceFen !== undefined) conditions.push(lte(products.unitPriceFen, filters.maxPriceFen));
  if (filters.featured) conditions.push(eq(products.featured, true));
  if (searching) {
    const match = matchExpression(filters.q ?? '');
    // A query made only of punctuation has no searchable term: it matches nothing rather than everything.
    if (!match) return null;
    conditions.push(sql`${products}.rowid IN (SELECT rowid FROM products_fts WHERE products_fts MATCH ${match})`);
  }
  return conditions;
}

/**
 * The list query itself (one statement), exposed so the query-plan test can EXPLAIN exactly what runs.
 * Returns null when the filters cannot match anything.
 */
export function productListQuery(db: Db, filters: ProductFilters, page: PageRequest) {
  const conditions = productConditions(db, filters);
  if (!conditions) return null;
  const { column, direction } = SORT_COLUMNS[filters.sort];
  if (page.cursor) {
    const after = readProductCursor(page.cursor, filters.sort);
    conditions.push(
      direction === 'asc'
        ? sql`(${column}, ${products.id}) > (${after.k}, ${after.id})`
        : sql`(${column}, ${products.id}) < (${after.k}, ${after.id})`,
    );
  }
  const order = direction === 'asc' ? asc : desc;
  // Without a selective filter, the (status, sort key, id) index yields rows in order and the LIMIT stops
  // early. With one, SQLite (which has no statistics here) would still walk that index past every
  // non-matching product; a unary + on the ORDER BY terms steers it to the filter's own index (or the
  // FTS index) and a small sort of the matching rows instead.
  const selective = Boolean(filters.category || filters.county || filters.district || filters.cooperative || filters.q?.trim());
  const sortTerms = selective ? [sql`+${column}`, sql`+${products.id}`] : [column, products.id];
  return db
    .select(summaryColumns)
    .from(products)
    .innerJoin(counties, eq(counties.id, products.countyId))
    .innerJoin(organization, eq(organization.id, products.cooperativeId))
    .leftJoin(districts, eq(districts.id, counties.districtId))
    .where(and(...conditions))
    .orderBy(...sortTerms.map((term) => order(term)))
    .limit(page.limit + 1);
}

export async function listProducts(db: Db, filters: ProductFilters, page: PageRequest): Promise<Page<ProductSummary>> {
  if (
    filters.minPriceFen !== undefined &&
    filters.maxPriceFen !== undefined &&
    filters.minPriceFen > filters.maxPriceFen
  ) {
    throw new AppError('validation_failed', 'Invalid query.maxPriceFen', {
      errors: [{ path: 'query.maxPriceFen', message: 'maxPriceFen must be at least minPriceFen' }],
    });
  }
  const query = productListQuery(db, filters, page);
  if (!query) return { items: [], nextCursor: null };
  const rows: SummaryRow[] = await query;
  const hasMore = rows.length > page.limit;
  const pageRows = hasMore ? rows.slice(0, page.limit) : rows;
  const last = pageRows.at(-1);
  return {
    items: pageRows.map(toSummary),
    nextCursor: hasMore && last ? encodeCursor({ s: filters.sort, k: sortKeyOf(last, filters.sort), id: last.id }) : null,
  };
}

/**
 * The product's photos in display order, as a JSON array built by SQLite inside the product query, so a
 * product page costs one D1 statement instead of two.
 */
const photosJson = sql<string>`(SELECT json_group_array(json_object('r2Key', ${productImages.r2Key}, 'contentType', ${productImages.contentType}, 'position', ${productImages.position}) ORDER BY ${productImages.position}, ${productImages.id}) FROM ${productImages} WHERE ${productImages.productId} = ${products.id})`;

type PhotoRow = { r2Key: string; contentType: string; position: number };

/** One published product with its tiers, photos and full provenance, in a single statement. */
export async function getProduct(db: Db, id: string): Promise<ProductDetail> {
  const rows = await db
    .select({
      ...summaryColumns,
      descriptionZh: products.descriptionZh,
      descriptionEn: products.descriptionEn,
      priceTiers: products.priceTiers,
      shelfLifeDays: products.shelfLifeDays,
      storageZh: products.storageZh,
      storageEn: products.storageEn,
      certificationNo: products.certificationNo,
      county: countyColumns,
      districtPairingNoteZh: districts.pairingNoteZh,
      districtPairingNoteEn: districts.pairingNoteEn,
      coopStatus: organization.status,
      householdsBenefited: organization.householdsBenefited,
      coopCertificationNo: organization.certificationNo,
      storyZh: organization.storyZh,
      storyEn: organization.storyEn,
      photos: photosJson,
    })
    .from(products)
    .innerJoin(counties, eq(counties.id, products.countyId))
    .innerJoin(organization, eq(organization.id, products.cooperativeId))
    .leftJoin(districts, eq(districts.id, counties.districtId))
    .where(and(eq(products.id, id), eq(products.status, 'published')))
    .limit(1);
  const row = rows[0];
  if (!row) throw notFound('Product', id);
  const summary = toSummary(row);
  const photos = (JSON.parse(row.photos) as PhotoRow[]).map((image) => ({
    url: photoUrl(image.r2Key),
    contentType: image.contentType,
    position: image.position,
  }));
  // The first photo leads; a product without photos shows its category illustration.
  if (photos.length > 0) summary.imageUrl = photos[0]!.url;
  summary.hasPhoto = summary.hasPhoto || photos.length > 0;
  return {
    ...summary,
    descriptionZh: row.descriptionZh,
    descriptionEn: row.descriptionEn,
    priceTiers: [...row.priceTiers].sort((a, b) => a.minQuantity - b.minQuantity),
    shelfLifeDays: row.shelfLifeDays,
    storageZh: row.storageZh,
    storageEn: row.storageEn,
    certificationNo: row.certificationNo ?? row.coopCertificationNo,
    images: photos,
    provenance: {
      county: row.county,
      district: summary.district
        ? { ...summary.district, pairingNoteZh: row.districtPairingNoteZh ?? '', pairingNoteEn: row.districtPairingNoteEn ?? '' }
        : null,
      cooperative: {
        ...summary.cooperative,
        status: row.coopStatus,
        householdsBenefited: row.householdsBenefited,
        certificationNo: row.coopCertificationNo,
        storyZh: row.storyZh ?? '',
        storyEn: row.storyEn ?? '',
      },
      householdsBenefited: row.householdsBenefited,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Districts and counties
// ---------------------------------------------------------------------------------------------

const idCursorSchema = z.object({ id: z.string().max(64) });
const districtCursorSchema = z.object({ o: z.number().int(), id: z.string().max(64) });

export type DistrictWithCounties = DistrictView & { counties: CountyView[] };

/** Shanghai districts in display order, each with its paired counties: two statements. */
export async function listDistricts(db: Db, page: PageRequest): Promise<Page<DistrictWithCounties>> {
  const conditions: SQL[] = [];
  if (page.cursor) {
    const after = decodeCursor(page.cursor, districtCursorSchema);
    conditions.push(sql`(${districts.sortOrder}, ${districts.id}) > (${after.o}, ${after.id})`);
  }
  const rows = await db
    .select()
    .from(districts)
    .where(and(...conditions))
    .orderBy(asc(districts.sortOrder), asc(districts.id))
    .limit(page.limit + 1);
  const hasMore = rows.length > page.limit;
  const pageRows = hasMore ? rows.slice(0, page.limit) : rows;
  const paired = pageRows.length
    ? await db
        .select(countyColumns)
        .from(counties)
        .where(inArray(counties.districtId, pageRows.map((d) => d.id)))
        .orderBy(asc(counties.prefectureEn), asc(counties.id))
    : [];
  const last = pageRows.at(-1);
  return {
    items: pageRows.map((d) => ({
      id: d.id,
      nameZh: d.nameZh,
      nameEn: d.nameEn,
      pairingNoteZh: d.pairingNoteZh,
      pairingNoteEn: d.pairingNoteEn,
      counties: paired.filter((c) => c.districtId === d.id),
    })),
    nextCursor: hasMore && last ? encodeCursor({ o: last.sortOrder, id: last.id }) : null,
  };
}

export async function listCounties(
  db: Db,
  filters: { district?: string; pairingKind?: PairingKind },
  page: PageRequest,
): Promise<Page<CountyView>> {
  const conditions: SQL[] = [];
  if (filters.district) conditions.push(eq(counties.districtId, filters.district));
  if (filters.pairingKind) conditions.push(eq(counties.pairingKind, filters.pairingKind));
  if (page.cursor) conditions.push(sql`${counties.id} > ${decodeCursor(page.cursor, idCursorSchema).id}`);
  const rows = await db
    .select(countyColumns)
    .from(counties)
    .where(and(...conditions))
    .orderBy(asc(counties.id))
    .limit(page.limit + 1);
  const hasMore = rows.length > page.limit;
  const items = hasMore ? rows.slice(0, page.limit) : rows;
  const last = items.at(-1);
  return { items, nextCursor: hasMore && last ? encodeCursor({ id: last.id }) : null };
}

/**
 * Every district with its counties, plus counties Shanghai supports as a whole: for the origins page and
 * the catalog's filters. Two statements sent concurrently. (Reads avoid `db.batch`: Drizzle maps batch
 * rows through column-name objects, so joined tables sharing a column name such as `id` come back
 * scrambled, and it prepares each batched statement twice. The joined reads above build JSON in SQL.)
 */
export async function pairingMap(db: Db): Promise<{ districts: DistrictWithCounties[]; unassigned: CountyView[] }> {
  const [districtRows, countyRows] = await Promise.all([
    db.select().from(districts).orderBy(asc(districts.sortOrder), asc(districts.id)),
    db.select(countyColumns).from(counties).orderBy(asc(counties.prefectureEn), asc(counties.id)),
  ]);
  return {
    districts: districtRows.map((d) => ({
      id: d.id,
      nameZh: d.nameZh,
      nameEn: d.nameEn,
      pairingNoteZh: d.pairingNoteZh,
      pairingNoteEn: d.pairingNoteEn,
      counties: countyRows.filter((c) => c.districtId === d.id),
    })),
    unassigned: countyRows.filter((c) => c.districtId === null),
  };
}

export type CountyDetail = CountyView & {
  district: DistrictView | null;
  cooperatives: Array<NameRef & { householdsBenefited: number; certificationNo: string | null }>;
};

/** The county's cooperatives as a JSON array, built inside the county query (see photosJson). */
const cooperativesJson = sql<string>`(SELECT json_group_array(json_object('id', ${organization.id}, 'name', ${organization.name}, 'nameEn', ${organization.nameEn}, 'householdsBenefited', ${organization.householdsBenefited}, 'certificationNo', ${organization.certificationNo}) ORDER BY ${organization.name}) FROM ${organization} WHERE ${organization.countyId} = ${counties.id} AND ${organization.kind} = 'cooperative')`;

type CooperativeRow = { id: string; name: string; nameEn: string | null; householdsBenefited: number; certificationNo: string | null };

/** A county with its paired district and its cooperatives, in a single statement. */
export async function getCounty(db: Db, id: string): Promise<CountyDetail> {
  const rows = await db
    .select({ county: countyColumns, district: districts, cooperatives: cooperativesJson })
    .from(counties)
    .leftJoin(districts, eq(districts.id, counties.districtId))
    .where(eq(counties.id, id))
    .limit(1);
  const row = rows[0];
  if (!row) throw notFound('County', id);
  const d = row.district;
  return {
    ...row.county,
    district: d ? { id: d.id, nameZh: d.nameZh, nameEn: d.nameEn, pairingNoteZh: d.pairingNoteZh, pairingNoteEn: d.pairingNoteEn } : null,
    cooperatives: (JSON.parse(row.cooperatives) as CooperativeRow[]).map((c) => ({
      id: c.id,
      nameZh: c.name,
      nameEn: c.nameEn ?? c.name,
      householdsBenefited: c.householdsBenefited,
      certificationNo: c.certificationNo,
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Cooperatives
// ---------------------------------------------------------------------------------------------

/** A cooperative's public profile (one statement). Other kinds of organisation are not catalog data: 404. */
export async function getCooperative(db: Db, id: string): Promise<CooperativeView> {
  const rows = await db
    .select({
      id: organization.id,
      name: organization.name,
      nameEn: organization.nameEn,
      status: organization.status,
      householdsBenefited: organization.householdsBenefited,
      certificationNo: organization.certificationNo,
      storyZh: organization.storyZh,
      storyEn: organization.storyEn,
      county: countyColumns,
      districtNameZh: districts.nameZh,
      districtNameEn: districts.nameEn,
    })
    .from(organization)
    .innerJoin(counties, eq(counties.id, organization.countyId))
    .leftJoin(districts, eq(districts.id, counties.districtId))
    .where(and(eq(organization.id, id), eq(organization.kind, 'cooperative')))
    .limit(1);
  const row = rows[0];
  if (!row) throw notFound('Cooperative', id);
  return {
    id: row.id,
    nameZh: row.name,
    nameEn: row.nameEn ?? row.name,
    status: row.status,
    householdsBenefited: row.householdsBenefited,
    certificationNo: row.certificationNo,
    storyZh: row.storyZh ?? '',
    storyEn: row.storyEn ?? '',
    county: row.county,
    district: row.county.districtId
      ? { id: row.county.districtId, nameZh: row.districtNameZh ?? '', nameEn: row.districtNameEn ?? '' }
      : null,
  };
}

/** Thumbnails of these products (their cover photo's 160 px copy, or the category illustration), by id. */
export async function productThumbnails(db: Db, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)].slice(0, 90);
  if (unique.length === 0) return new Map();
  const rows = await db.select({ id: products.id, imageKey: products.imageKey, category: products.category }).from(products).where(inArray(products.id, unique));
  return new Map(rows.map((row) => [row.id, thumbnailUrl(row)]));
}
