import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { counties, organization, products, type DeliveryMethod, type PriceTier } from '../db/schema';
import { quantityProblem, quote, type PriceSource, type QuantityProblem } from './pricing';
import { negotiatedPrices } from './negotiated';

/**
 * The one quoting service behind the cart, the checkout page and `POST /orders`: current prices and
 * tiers from `pricing.ts`, grouped per cooperative with each cooperative's shipping rule, and a
 * problem for every line that cannot be ordered as asked. Stock is reported, not reserved: only the
 * order batch reserves it, guarded by the database.
 */

export type QuoteItem = { productId: string; quantity: number };

export type { PriceOverride, PriceOverrideLookup } from './negotiated';
import type { PriceOverrideLookup } from './negotiated';

export type QuoteLine = {
  index: number;
  productId: string;
  sku: string;
  nameZh: string;
  nameEn: string;
  unitZh: string;
  unitEn: string;
  specZh: string;
  specEn: string;
  category: string;
  countyId: string;
  districtId: string | null;
  cooperativeId: string;
  quantity: number;
  unitPriceFen: number;
  listUnitPriceFen: number;
  lineTotalFen: number;
  priceSource: PriceSource;
  priceTiers: PriceTier[];
  minOrderQuantity: number;
  orderStep: number;
  stock: number;
  imageKey: string | null;
};

export type QuoteGroup = {
  cooperativeId: string;
  cooperativeName: string;
  cooperativeNameEn: string | null;
  lines: QuoteLine[];
  subtotalFen: number;
  shippingFen: number;
  shippingFlatFeeFen: number;
  freeShippingAboveFen: number | null;
};

export type QuoteProblemRule = 'unknown_product' | 'unavailable' | 'duplicate' | QuantityProblem['rule'];

export type QuoteProblem = {
  index: number;
  /** Relative to the request body, e.g. `items.2.quantity`. */
  path: string;
  productId: string;
  rule: QuoteProblemRule;
  message: string;
  minOrderQuantity?: number;
  orderStep?: number;
  nearest?: number;
};

export type Shortage = { index: number; productId: string; requested: number; available: number };

export type Quote = {
  lines: QuoteLine[];
  groups: QuoteGroup[];
  subtotalFen: number;
  shippingFen: number;
  totalFen: number;
  problems: QuoteProblem[];
  shortages: Shortage[];
};

/** Shipping for one cooperative's part: none for pickup, otherwise its flat fee unless the part reaches the free threshold. */
export function shippingFor(
  rule: { shippingFlatFeeFen: number; freeShippingAboveFen: number | null },
  subtotalFen: number,
  delivery: DeliveryMethod,
): number {
  if (delivery === 'pickup') return 0;
  if (rule.freeShippingAboveFen !== null && subtotalFen >= rule.freeShippingAboveFen) return 0;
  return rule.shippingFlatFeeFen;
}

export async function quoteItems(
  db: Db,
  input: { items: QuoteItem[]; delivery: DeliveryMethod; organizationId?: string | null },
  options: { priceOverrides?: PriceOverrideLookup; at?: number } = {},
): Promise<Quote> {
  const productIds = [...new Set(input.items.map((i) => i.productId))];
  const rows = productIds.length
    ? await db
        .select({
          id: products.id,
          sku: products.sku,
          status: products.status,
          nameZh: products.nameZh,
          nameEn: products.nameEn,
          unitZh: products.unitZh,
          unitEn: products.unitEn,
          specZh: products.specZh,
          specEn: products.specEn,
          category: products.category,
          countyId: products.countyId,
          cooperativeId: products.cooperativeId,
          unitPriceFen: products.unitPriceFen,
          priceTiers: products.priceTiers,
          minOrderQuantity: products.minOrderQuantity,
          orderStep: products.orderStep,
          stock: products.stock,
          imageKey: products.imageKey,
          districtId: counties.districtId,
          cooperativeName: organization.name,
          cooperativeNameEn: organization.nameEn,
          shippingFlatFeeFen: organization.shippingFlatFeeFen,
          freeShippingAboveFen: organization.freeShippingAboveFen,
        })
        .from(products)
        .innerJoin(organization, eq(organization.id, products.cooperativeId))
        .innerJoin(counties, eq(counties.id, products.countyId))
        .where(inArray(products.id, productIds))
    : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  // Negotiated prices of the buyer organisation unless the caller brings its own (group-buy prices).
  const lookup = options.priceOverrides ?? negotiatedPrices;
  const overrides = await lookup(db, {
    organizationId: input.organizationId ?? null,
    productIds: rows.map((r) => r.id),
    at: options.at ?? Date.now(),
  });

  const lines: QuoteLine[] = [];
  const problems: QuoteProblem[] = [];
  const shortages: Shortage[] = [];
  const seen = new Set<string>();
  input.items.forEach((item, index) => {
    const row = byId.get(item.productId);
    const problem = (rule: QuoteProblemRule, message: string, field = 'quantity', extra: Partial<QuoteProblem> = {}) =>
      problems.push({ index, path: `items.${index}.${field}`, productId: item.productId, rule, message, ...extra });
    if (seen.has(item.productId)) return problem('duplicate', 'This product is already listed; combine the quantities', 'productId');
    seen.add(item.productId);
    if (!row) return problem('unknown_product', `Product ${item.productId} does not exist`, 'productId');
    if (row.status !== 'published') return problem('unavailable', `${row.nameEn || row.nameZh} is not for sale at the moment`, 'productId');
    const quantityIssue = quantityProblem(row, item.quantity);
    if (quantityIssue) {
      const { rule, message, ...extra } = quantityIssue;
      return problem(rule, message, 'quantity', extra);
    }
    const priced = quote(row, item.quantity, overrides.get(row.id));
    if (item.quantity > row.stock) shortages.push({ index, productId: row.id, requested: item.quantity, available: row.stock });
    lines.push({
      index,
      productId: row.id,
      sku: row.sku,
      nameZh: row.nameZh,
      nameEn: row.nameEn,
      unitZh: row.unitZh,
      unitEn: row.unitEn,
      specZh: row.specZh,
      specEn: row.specEn,
      category: row.category,
      countyId: row.countyId,
      districtId: row.districtId,
      cooperativeId: row.cooperativeId,
      quantity: item.quantity,
      unitPriceFen: priced.unitPriceFen,
      listUnitPriceFen: row.unitPriceFen,
      lineTotalFen: priced.lineTotalFen,
      priceSource: priced.source,
      priceTiers: row.priceTiers,
      minOrderQuantity: row.minOrderQuantity,
      orderStep: row.orderStep,
      stock: row.stock,
      imageKey: row.imageKey,
    });
  });

  const groups = new Map<string, QuoteGroup>();
  for (const line of lines) {
    const row = byId.get(line.productId)!;
    let group = groups.get(line.cooperativeId);
    if (!group) {
      group = {
        cooperativeId: line.cooperativeId,
        cooperativeName: row.cooperativeName,
        cooperativeNameEn: row.cooperativeNameEn,
        lines: [],
        subtotalFen: 0,
        shippingFen: 0,
        shippingFlatFeeFen: row.shippingFlatFeeFen,
        freeShippingAboveFen: row.freeShippingAboveFen,
      };
      groups.set(line.cooperativeId, group);
    }
    group.lines.push(line);
    group.subtotalFen += line.lineTotalFen;
  }
  for (const group of groups.values()) group.shippingFen = shippingFor(group, group.subtotalFen, input.delivery);

  const subtotalFen = lines.reduce((sum, l) => sum + l.lineTotalFen, 0);
  const shippingFen = [...groups.values()].reduce((sum, g) => sum + g.shippingFen, 0);
  return { lines, groups: [...groups.values()], subtotalFen, shippingFen, totalFen: subtotalFen + shippingFen, problems, shortages };
}
