import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { organization } from './accounts';

export const PAIRING_KINDS = ['collaboration', 'counterpart-support'] as const;
export type PairingKind = (typeof PAIRING_KINDS)[number];

export const districts = sqliteTable('districts', {
  id: text().primaryKey(),
  nameZh: text().notNull(),
  nameEn: text().notNull(),
  pairingNoteZh: text().notNull().default(''),
  pairingNoteEn: text().notNull().default(''),
  sortOrder: integer().notNull().default(0),
});

export const counties = sqliteTable(
  'counties',
  {
    id: text().primaryKey(),
    nameZh: text().notNull(),
    nameEn: text().notNull(),
    prefectureZh: text().notNull(),
    prefectureEn: text().notNull(),
    provinceZh: text().notNull(),
    provinceEn: text().notNull(),
    /** Null where the county is supported by Shanghai as a whole rather than one named district. */
    districtId: text().references(() => districts.id),
    pairingKind: text({ enum: PAIRING_KINDS }).notNull(),
    summaryZh: text().notNull().default(''),
    summaryEn: text().notNull().default(''),
  },
  (t) => [index('counties_district_idx').on(t.districtId)],
);

export const PRODUCT_CATEGORIES = [
  'mushroom',
  'tea',
  'ham',
  'rice',
  'grain-oil',
  'sugar-spice',
  'nuts',
  'honey',
  'poultry',
  'fruit',
  'herbal',
  'aquatic',
  'vegetable',
  'gift-pack',
] as const;
export type ProductCategory = (typeof PRODUCT_CATEGORIES)[number];

/** What a cooperative may set. */
export const EDITABLE_PRODUCT_STATUSES = ['draft', 'published', 'unpublished'] as const;
/**
 * Every status a product row can hold: `withheld` is set by the platform, never by the cooperative,
 * on the published products of a cooperative it suspends, and turned back into `published` when the
 * cooperative is verified again (src/accounts/verification.service.ts).
 */
export const PRODUCT_STATUSES = [...EDITABLE_PRODUCT_STATUSES, 'withheld'] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];
export type EditableProductStatus = (typeof EDITABLE_PRODUCT_STATUSES)[number];

export type PriceTier = { minQuantity: number; unitPriceFen: number };

export const products = sqliteTable(
  'products',
  {
    id: text().primaryKey(),
    sku: text().notNull().unique(),
    cooperativeId: text()
      .notNull()
      .references(() => organization.id),
    /** The cooperative's county, copied so catalog filters need no join. */
    countyId: text()
      .notNull()
      .references(() => counties.id),
    category: text({ enum: PRODUCT_CATEGORIES }).notNull(),
    nameZh: text().notNull(),
    nameEn: text().notNull(),
    descriptionZh: text().notNull().default(''),
    descriptionEn: text().notNull().default(''),
    unitZh: text().notNull(),
    unitEn: text().notNull(),
    specZh: text().notNull().default(''),
    specEn: text().notNull().default(''),
    unitPriceFen: integer().notNull(),
    priceTiers: text({ mode: 'json' }).$type<PriceTier[]>().notNull().default(sql`'[]'`),
    minOrderQuantity: integer().notNull().default(1),
    orderStep: integer().notNull().default(1),
    stock: integer().notNull().default(0),
    status: text({ enum: PRODUCT_STATUSES }).notNull().default('draft'),
    shelfLifeDays: integer(),
    storageZh: text().notNull().default(''),
    storageEn: text().notNull().default(''),
    certificationNo: text(),
    featured: integer({ mode: 'boolean' }).notNull().default(false),
    /** Units sold (paid), for the `popular` sort. */
    soldCount: integer().notNull().default(0),
    /** R2 key of the first photo; null falls back to the generated category illustration. */
    imageKey: text(),
    /** Lower-cased bilingual text plus stored Chinese n-grams, indexed by the products_fts table. */
    searchTokens: text().notNull().default(''),
    createdAt: integer().notNull(),
    updatedAt: integer().notNull(),
  },
  (t) => [
    check('products_stock_non_negative', sql`${t.stock} >= 0`),
    check('products_price_positive', sql`${t.unitPriceFen} > 0`),
    check('products_moq_positive', sql`${t.minOrderQuantity} >= 1`),
    check('products_step_positive', sql`${t.orderStep} >= 1`),
    index('products_status_created_idx').on(t.status, t.createdAt, t.id),
    index('products_status_price_idx').on(t.status, t.unitPriceFen, t.id),
    index('products_status_sold_idx').on(t.status, t.soldCount, t.id),
    index('products_category_idx').on(t.category, t.status),
    index('products_county_idx').on(t.countyId, t.status),
    index('products_cooperative_idx').on(t.cooperativeId, t.status),
  ],
);

export const productImages = sqliteTable(
  'product_images',
  {
    id: text().primaryKey(),
    productId: text()
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    r2Key: text().notNull().unique(),
    contentType: text().notNull(),
    byteSize: integer().notNull(),
    etag: text().notNull(),
    position: integer().notNull().default(0),
    createdAt: integer().notNull(),
  },
  (t) => [index('product_images_product_idx').on(t.productId, t.position)],
);

/** Every manual stock change with its reason, so a cooperative can explain its numbers. */
export const stockAdjustments = sqliteTable(
  'stock_adjustments',
  {
    id: text().primaryKey(),
    productId: text()
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    delta: integer().notNull(),
    reason: text().notNull(),
    actorUserId: text(),
    stockAfter: integer().notNull(),
    createdAt: integer().notNull(),
  },
  (t) => [index('stock_adjustments_product_idx').on(t.productId, t.createdAt)],
);

