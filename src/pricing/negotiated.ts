import { and, eq, gt, inArray, isNull, lte, or } from 'drizzle-orm';
import { chunked } from '../db/batch';
import { priceListEntries } from '../db/schema';
import { applicableNegotiatedPrice } from './pricing';
import type { Db } from '../db/client';

/** A buyer-specific price that beats list and tier prices (negotiated price lists, group-buy prices). */
export type PriceOverride = { unitPriceFen: number; source: 'negotiated' | 'group' };

/**
 * The seam for buyer-specific prices: given the buyer organisation and the products, the overrides
 * that apply at `at`. By default the organisation's negotiated prices (managed in procurement/price-lists) —
 * none for a personal buyer, so list and tier prices apply.
 */
export type PriceOverrideLookup = (
  db: Db,
  query: { organizationId: string | null; productIds: string[]; at: number },
) => Promise<Map<string, PriceOverride>>;

/** D1 binds at most 100 parameters per statement: the organisation, the instant and this many ids. */
const IDS_PER_QUERY = 90;

/** The buyer organisation's negotiated prices in force at an instant (the admin manages them in procurement). */
export const negotiatedPrices: PriceOverrideLookup = async (db, { organizationId, productIds, at }) => {
  const found = new Map<string, PriceOverride>();
  if (!organizationId || productIds.length === 0) return found;
  const queries = chunked([...new Set(productIds)], IDS_PER_QUERY).map((ids) =>
    db
      .select({
        productId: priceListEntries.productId,
        unitPriceFen: priceListEntries.unitPriceFen,
        validFrom: priceListEntries.validFrom,
        validTo: priceListEntries.validTo,
        createdAt: priceListEntries.createdAt,
      })
      .from(priceListEntries)
      .where(
        and(
          eq(priceListEntries.organizationId, organizationId),
          inArray(priceListEntries.productId, ids),
          lte(priceListEntries.validFrom, at),
          or(isNull(priceListEntries.validTo), gt(priceListEntries.validTo, at)),
        ),
      ),
  );
  const results = await db.batch(queries as [(typeof queries)[number], ...(typeof queries)[number][]]);
  const byProduct = new Map<string, (typeof results)[number]>();
  for (const row of results.flat()) byProduct.set(row.productId, [...(byProduct.get(row.productId) ?? []), row]);
  for (const [productId, entries] of byProduct) {
    const chosen = applicableNegotiatedPrice(entries, at);
    if (chosen) found.set(productId, { unitPriceFen: chosen.unitPriceFen, source: 'negotiated' });
  }
  return found;
};

