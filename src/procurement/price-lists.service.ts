import { and, desc, eq, gt, inArray, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import type { Db } from '../db/client';
import { runBatch } from '../db/batch';
import { organization, priceListEntries, products } from '../db/schema';
import type { Actor } from '../env';
import { isBuyerKind } from '../accounts';
import { auditEntry } from '../lib/audit';
import { AppError } from '../lib/errors';
import { newId } from '../lib/ids';
import { decodeCursor, encodeCursor } from '../lib/pagination';
import { guardFailure } from '../db/guards';
import { applicableNegotiatedPrice } from '../pricing';
import type { CreatePriceListEntryInput, PriceListEntryView, UpdatePriceListEntryInput } from './procurement.schemas';

/**
 * Negotiated prices (协议价): per buyer organisation and product, valid from `validFrom` (inclusive)
 * to `validTo` (exclusive, null = open-ended). `negotiatedPrices` is the lookup the orders quote uses
 * for every buyer organisation, so the cart, checkout, `POST /orders`, quotes and bulk orders all
 * price the same way; the admin manages the entries here (every change audited).
 */

// ---------------------------------------------------------------------------------------------------
// Admin management
// ---------------------------------------------------------------------------------------------------

const entryColumns = {
  id: priceListEntries.id,
  organizationId: priceListEntries.organizationId,
  organizationName: organization.name,
  productId: priceListEntries.productId,
  sku: products.sku,
  productNameZh: products.nameZh,
  productNameEn: products.nameEn,
  listUnitPriceFen: products.unitPriceFen,
  unitPriceFen: priceListEntries.unitPriceFen,
  validFrom: priceListEntries.validFrom,
  validTo: priceListEntries.validTo,
  createdByUserId: priceListEntries.createdByUserId,
  createdAt: priceListEntries.createdAt,
};

function entriesQuery(db: Db) {
  return db
    .select(entryColumns)
    .from(priceListEntries)
    .innerJoin(organization, eq(organization.id, priceListEntries.organizationId))
    .innerJoin(products, eq(products.id, priceListEntries.productId));
}

const listCursor = z.tuple([z.number(), z.string()]);

export async function listPriceListEntries(
  db: Db,
  query: { organizationId?: string; productId?: string; limit: number; cursor?: string },
): Promise<{ items: PriceListEntryView[]; nextCursor: string | null }> {
  const conditions: SQL[] = [];
  if (query.organizationId) conditions.push(eq(priceListEntries.organizationId, query.organizationId));
  if (query.productId) conditions.push(eq(priceListEntries.productId, query.productId));
  if (query.cursor) {
    const [createdAt, id] = decodeCursor(query.cursor, listCursor);
    conditions.push(or(lt(priceListEntries.createdAt, createdAt), and(eq(priceListEntries.createdAt, createdAt), lt(priceListEntries.id, id)))!);
  }
  const rows = await entriesQuery(db)
    .where(and(...conditions))
    .orderBy(desc(priceListEntries.createdAt), desc(priceListEntries.id))
    .limit(query.limit + 1);
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > query.limit && last ? encodeCursor([last.createdAt, last.id]) : null };
}

export async function getPriceListEntry(db: Db, id: string): Promise<PriceListEntryView> {
  const row = await entriesQuery(db).where(eq(priceListEntries.id, id)).get();
  if (!row) throw new AppError('not_found', `Price list entry ${id} not found`);
  return row;
}

function invalid(field: string, message: string): AppError {
  return new AppError('unprocessable', message, { errors: [{ path: `body.${field}`, message }] });
}

function checkPeriod(validFrom: number, validTo: number | null): void {
  if (validTo !== null && validTo <= validFrom) throw invalid('validTo', 'validTo must be after validFrom (it is exclusive)');
}

/** The product an entry is for, by id or SKU. */
async function resolveProduct(db: Db, input: { productId?: string; sku?: string }): Promise<string> {
  const where = input.productId ? eq(products.id, input.productId) : eq(products.sku, (input.sku ?? '').trim().toUpperCase());
  const row = await db.select({ id: products.id }).from(products).where(where).get();
  if (!row) throw invalid(input.productId ? 'productId' : 'sku', `No product ${input.productId ?? input.sku}`);
  return row.id;
}

export async function createPriceListEntry(db: Db, actor: Actor, input: CreatePriceListEntryInput, now = Date.now()): Promise<PriceListEntryView> {
  const org = await db.select({ kind: organization.kind }).from(organization).where(eq(organization.id, input.organizationId)).get();
  if (!org || !isBuyerKind(org.kind)) throw invalid('organizationId', 'Negotiated prices are for buyer organisations (canteens, enterprises, showrooms)');
  const productId = await resolveProduct(db, input);
  const validTo = input.validTo ?? null;
  checkPeriod(input.validFrom, validTo);
  const row = {
    id: newId('prl'),
    organizationId: input.organizationId,
    productId,
    unitPriceFen: input.unitPriceFen,
    validFrom: input.validFrom,
    validTo,
    createdByUserId: actor.userId,
    createdAt: now,
  };
  await runBatch(db, [
    db.insert(priceListEntries).values(row),
    auditEntry(db, { actor, action: 'price_list.create', entityType: 'price_list_entry', entityId: row.id, organizationId: row.organizationId, after: row, at: now }),
  ]);
  return getPriceListEntry(db, row.id);
}

export async function updatePriceListEntry(db: Db, actor: Actor, id: string, patch: UpdatePriceListEntryInput, now = Date.now()): Promise<PriceListEntryView> {
  const before = await getPriceListEntry(db, id);
  const after = {
    unitPriceFen: patch.unitPriceFen ?? before.unitPriceFen,
    validFrom: patch.validFrom ?? before.validFrom,
    validTo: patch.validTo === undefined ? before.validTo : patch.validTo,
  };
  checkPeriod(after.validFrom, after.validTo);
  // Guarded on the values read (NULL into a NOT NULL column fails the batch, audit row included), so
  // two admins editing at once cannot silently overwrite each other.
  const unchanged = sql`${priceListEntries.unitPriceFen} = ${before.unitPriceFen} AND ${priceListEntries.validFrom} = ${before.validFrom} AND ${priceListEntries.validTo} IS ${before.validTo}`;
  try {
    await runBatch(db, [
      db
        .update(priceListEntries)
        .set({ unitPriceFen: sql`CASE WHEN ${unchanged} THEN ${after.unitPriceFen} ELSE NULL END`, validFrom: after.validFrom, validTo: after.validTo })
        .where(eq(priceListEntries.id, id)),
      auditEntry(db, {
        actor,
        action: 'price_list.update',
        entityType: 'price_list_entry',
        entityId: id,
        organizationId: before.organizationId,
        before: { unitPriceFen: before.unitPriceFen, validFrom: before.validFrom, validTo: before.validTo },
        after,
        at: now,
      }),
    ]);
  } catch (error) {
    if (guardFailure(error) === 'price_list_entries.unit_price_fen') throw new AppError('conflict', 'This price changed meanwhile; reload it and try again');
    throw error;
  }
  return getPriceListEntry(db, id);
}

export async function deletePriceListEntry(db: Db, actor: Actor, id: string, now = Date.now()): Promise<void> {
  const before = await getPriceListEntry(db, id);
  await runBatch(db, [
    db.delete(priceListEntries).where(eq(priceListEntries.id, id)),
    auditEntry(db, { actor, action: 'price_list.delete', entityType: 'price_list_entry', entityId: id, organizationId: before.organizationId, before, at: now }),
  ]);
}

/** Buyer organisations an admin may give prices to (the admin page's choice). */
export function buyerOrganizations(db: Db) {
  return db
    .select({ id: organization.id, name: organization.name })
    .from(organization)
    .where(inArray(organization.kind, ['canteen', 'enterprise', 'showroom']))
    .orderBy(organization.name);
}

