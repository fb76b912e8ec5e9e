import { and, desc, eq, lt, or, sql, type SQL } from 'drizzle-orm';
import { photoUrl } from '../lib/photos';
import { categories } from '../lib/categories';
import { searchTokens } from '../catalog';
import type { Db } from '../db/client';
import { isConstraintError, runBatch, type Statement } from '../db/batch';
import { counties, organization, products, stockAdjustments, type EditableProductStatus, type PriceTier, type ProductStatus } from '../db/schema';
import type { Actor } from '../env';
import { AppError } from '../lib/errors';
import { newId, randomToken } from '../lib/ids';
import { decodeCursor, encodeCursor } from '../lib/pagination';
import { z } from '@hono/zod-openapi';
import { priceTierProblems } from './product-rules';
import type { CreateProductInput, UpdateProductInput } from './products.schemas';

export type ProductRow = typeof products.$inferSelect;

/** URL under which the worker serves an R2 photo (see photos.pages.ts). */
/** The photo's URL (the full size), or null without one. */
export function photoUrlOf(r2Key: string | null): string | null {
  return r2Key ? photoUrl(r2Key) : null;
}

export function portalProductView(row: ProductRow) {
  const { searchTokens: _tokens, featured: _featured, soldCount: _sold, imageKey, ...rest } = row;
  return { ...rest, imageUrl: photoUrlOf(imageKey) };
}

export type CooperativeContext = {
  id: string;
  name: string;
  nameEn: string | null;
  status: string;
  countyId: string;
  county: { nameZh: string; nameEn: string; prefectureZh: string; prefectureEn: string };
};

/** A cooperative with its county, as products need it (county copied onto the product, names searched). */
export async function loadCooperative(db: Db, cooperativeId: string): Promise<CooperativeContext> {
  const [row] = await db
    .select({
      id: organization.id,
      name: organization.name,
      nameEn: organization.nameEn,
      status: organization.status,
      kind: organization.kind,
      countyId: organization.countyId,
      county: { nameZh: counties.nameZh, nameEn: counties.nameEn, prefectureZh: counties.prefectureZh, prefectureEn: counties.prefectureEn },
    })
    .from(organization)
    .leftJoin(counties, eq(counties.id, organization.countyId))
    .where(eq(organization.id, cooperativeId))
    .limit(1);
  if (!row || row.kind !== 'cooperative') throw new AppError('not_found', `Cooperative ${cooperativeId} not found`);
  if (!row.countyId || !row.county) {
    throw new AppError('unprocessable', `${row.name} is not bound to a county yet; the platform sets it on verification`);
  }
  return { id: row.id, name: row.name, nameEn: row.nameEn, status: row.status, countyId: row.countyId, county: row.county };
}

type SearchableProduct = Pick<ProductRow, 'nameZh' | 'nameEn' | 'descriptionZh' | 'descriptionEn' | 'sku' | 'category'>;

/** The same texts seeds/seed.ts indexes, so a product created in the portal is found like a seeded one. */
export function productSearchTokens(p: SearchableProduct, coop: CooperativeContext): string {
  const category = categories.find((c) => c.id === p.category);
  return searchTokens(
    p.nameZh,
    p.nameEn,
    p.descriptionZh,
    p.descriptionEn,
    p.sku,
    category?.nameZh,
    category?.nameEn,
    coop.county.nameZh,
    coop.county.nameEn,
    coop.county.prefectureZh,
    coop.county.prefectureEn,
    coop.name,
    coop.nameEn,
  );
}

export function assertTiers(unitPriceFen: number, tiers: PriceTier[], path = 'body.priceTiers') {
  const errors = priceTierProblems(unitPriceFen, tiers, path);
  if (errors.length) throw new AppError('validation_failed', `Invalid ${errors.map((e) => e.path).join(', ')}`, { errors });
}

export function generateSku(): string {
  return `SH-${randomToken(8).toUpperCase()}`;
}

function skuTaken(sku: string, cause: unknown): AppError {
  return new AppError('conflict', `SKU ${sku} is already in use`, { errors: [{ path: 'body.sku', message: 'Already in use' }], cause });
}

/** Statements that insert a product (and its opening stock as the first history row). */
export function insertProductStatements(
  db: Db,
  input: Omit<CreateProductInput, 'cooperativeId'> & { sku: string },
  coop: CooperativeContext,
  actor: Actor | null,
  now: number,
): { id: string; statements: Statement[] } {
  const id = newId('prd');
  const row = {
    id,
    sku: input.sku,
    cooperativeId: coop.id,
    countyId: coop.countyId,
    category: input.category,
    nameZh: input.nameZh,
    nameEn: input.nameEn,
    descriptionZh: input.descriptionZh,
    descriptionEn: input.descriptionEn,
    unitZh: input.unitZh,
    unitEn: input.unitEn,
    specZh: input.specZh,
    specEn: input.specEn,
    unitPriceFen: input.unitPriceFen,
    priceTiers: input.priceTiers,
    minOrderQuantity: input.minOrderQuantity,
    orderStep: input.orderStep,
    stock: input.stock,
    status: guardedStatus(input.status, coop.id),
    shelfLifeDays: input.shelfLifeDays ?? null,
    storageZh: input.storageZh,
    storageEn: input.storageEn,
    certificationNo: input.certificationNo ?? null,
    createdAt: now,
    updatedAt: now,
  };
  const statements: Statement[] = [db.insert(products).values({ ...row, searchTokens: productSearchTokens(row, coop) })];
  if (input.stock > 0) {
    statements.push(
      db.insert(stockAdjustments).values({
        id: newId('stk'),
        productId: id,
        delta: input.stock,
        reason: 'opening stock',
        actorUserId: actor?.userId ?? null,
        stockAfter: input.stock,
        createdAt: now,
      }),
    );
  }
  return { id, statements };
}

export async function createProduct(db: Db, actor: Actor | null, input: CreateProductInput, now = Date.now()): Promise<ProductRow> {
  assertTiers(input.unitPriceFen, input.priceTiers);
  const coop = await loadCooperative(db, input.cooperativeId);
  const sku = input.sku ?? generateSku();
  const { id, statements } = insertProductStatements(db, { ...input, sku }, coop, actor, now);
  try {
    await runBatch(db, statements);
  } catch (error) {
    if (isConstraintError(error, 'products.sku')) throw skuTaken(sku, error);
    throw publishRefusedOr(error);
  }
  return getProduct(db, id);
}

export async function getProduct(db: Db, id: string): Promise<ProductRow> {
  const [row] = await db.select().from(products).where(eq(products.id, id)).limit(1);
  if (!row) throw new AppError('not_found', `Product ${id} not found`);
  return row;
}

/** The UPDATE for a patch (stock excluded: it only moves through adjustments and orders). */
export function updateProductStatement(db: Db, current: ProductRow, patch: UpdateProductInput, coop: CooperativeContext, now: number) {
  const merged = { ...current, ...patch };
  return db
    .update(products)
    .set({ ...patch, ...(patch.status ? { status: guardedStatus(patch.status, current.cooperativeId) } : {}), searchTokens: productSearchTokens(merged, coop), updatedAt: now })
    .where(eq(products.id, current.id));
}

export async function updateProduct(db: Db, current: ProductRow, patch: UpdateProductInput, now = Date.now()): Promise<ProductRow> {
  const unitPriceFen = patch.unitPriceFen ?? current.unitPriceFen;
  const tiers = patch.priceTiers ?? current.priceTiers;
  if (patch.unitPriceFen !== undefined || patch.priceTiers !== undefined) assertTiers(unitPriceFen, tiers);
  const coop = await loadCooperative(db, current.cooperativeId);
  try {
    await updateProductStatement(db, current, patch, coop, now);
  } catch (error) {
    if (patch.sku && isConstraintError(error, 'products.sku')) throw skuTaken(patch.sku, error);
    throw publishRefusedOr(error);
  }
  return getProduct(db, current.id);
}

export async function setProductStatus(db: Db, product: ProductRow, status: EditableProductStatus, now = Date.now()) {
  try {
    await db.update(products).set({ status: guardedStatus(status, product.cooperativeId), updatedAt: now }).where(eq(products.id, product.id));
  } catch (error) {
    throw publishRefusedOr(error);
  }
  return getProduct(db, product.id);
}

/**
 * The status to write. `published` is written only while the cooperative is verified at that very moment;
 * otherwise NULL, which the NOT NULL column refuses, failing the statement (and its batch). Handlers check
 * verification first; this closes the race with a suspension landing between that check and the write.
 */
export function guardedStatus(status: EditableProductStatus, cooperativeId: string): SQL<ProductStatus> | EditableProductStatus {
  if (status !== 'published') return status;
  return sql<ProductStatus>`case when (select ${organization.status} from ${organization} where ${organization.id} = ${cooperativeId}) = 'verified' then 'published' else null end`;
}

export function publishRefusedOr(error: unknown): unknown {
  if (!isConstraintError(error, 'products.status')) return error;
  return new AppError('forbidden', 'This cooperative is not verified by the platform at the moment, so it cannot publish products', { cause: error });
}

/**
 * Statements moving a product's stock by `delta` and recording why. The database refuses a
 * negative result (CHECK products_stock_non_negative), which rolls back the history row too; the
 * history reads the stock after the change from the row itself, so concurrent orders are reflected.
 */
export function stockAdjustmentStatements(
  db: Db,
  input: { id?: string; productId: string; delta: number; reason: string; actorUserId: string | null; now: number },
): Statement[] {
  return [
    db
      .update(products)
      .set({ stock: sql`${products.stock} + ${input.delta}`, updatedAt: input.now })
      .where(eq(products.id, input.productId)),
    db.insert(stockAdjustments).values({
      id: input.id ?? newId('stk'),
      productId: input.productId,
      delta: input.delta,
      reason: input.reason,
      actorUserId: input.actorUserId,
      stockAfter: sql`(SELECT ${products.stock} FROM ${products} WHERE ${products.id} = ${input.productId})`,
      createdAt: input.now,
    }),
  ];
}

export function insufficientStock(productId: string, available: number, cause?: unknown) {
  return new AppError('insufficient_stock', `Stock cannot go below zero (now ${available})`, {
    extensions: { productId, available },
    cause,
  });
}

export async function adjustStock(db: Db, actor: Actor | null, product: ProductRow, delta: number, reason: string, now = Date.now()) {
  const id = newId('stk');
  try {
    await runBatch(db, stockAdjustmentStatements(db, { id, productId: product.id, delta, reason, actorUserId: actor?.userId ?? null, now }));
  } catch (error) {
    if (isConstraintError(error, 'products_stock_non_negative')) {
      const fresh = await getProduct(db, product.id);
      throw insufficientStock(product.id, fresh.stock, error);
    }
    throw error;
  }
  const adjustment = (await db.select().from(stockAdjustments).where(eq(stockAdjustments.id, id)))[0]!;
  return { product: await getProduct(db, product.id), adjustment };
}

export async function stockHistory(db: Db, productId: string, limit = 50) {
  return db
    .select()
    .from(stockAdjustments)
    .where(eq(stockAdjustments.productId, productId))
    .orderBy(desc(stockAdjustments.createdAt), desc(sql`${stockAdjustments}.rowid`))
    .limit(limit);
}

const listCursor = z.tuple([z.number(), z.string()]);

/** A cooperative's own products in every status, newest change first. */
export async function listCooperativeProducts(
  db: Db,
  cooperativeId: string,
  options: { status?: ProductStatus; limit: number; cursor?: string },
) {
  const after = options.cursor ? decodeCursor(options.cursor, listCursor) : null;
  const rows = await db
    .select()
    .from(products)
    .where(
      and(
        eq(products.cooperativeId, cooperativeId),
        options.status ? eq(products.status, options.status) : undefined,
        after ? or(lt(products.updatedAt, after[0]), and(eq(products.updatedAt, after[0]), lt(products.id, after[1]))) : undefined,
      ),
    )
    .orderBy(desc(products.updatedAt), desc(products.id))
    .limit(options.limit + 1);
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  return { items: page, nextCursor: rows.length > options.limit && last ? encodeCursor([last.updatedAt, last.id]) : null };
}
