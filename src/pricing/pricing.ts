import type { PriceTier } from '../db/schema';

/**
 * The one pricing rule set, used by the cart, orders, bulk orders and group buys:
 * a negotiated price (when valid for the buyer) beats everything; otherwise the best tier whose
 * `minQuantity` the quantity reaches; otherwise the list price. Pure, so rules are unit-tested.
 */
export type PricedProduct = {
  unitPriceFen: number;
  priceTiers: PriceTier[];
  minOrderQuantity: number;
  orderStep: number;
};

export type PriceSource = 'list' | 'tier' | 'negotiated' | 'group';

export type Quote = { unitPriceFen: number; lineTotalFen: number; source: PriceSource };

export function quote(product: PricedProduct, quantity: number, override?: { unitPriceFen: number; source: 'negotiated' | 'group' }): Quote {
  if (override) return { unitPriceFen: override.unitPriceFen, lineTotalFen: override.unitPriceFen * quantity, source: override.source };
  let unitPriceFen = product.unitPriceFen;
  let source: PriceSource = 'list';
  for (const tier of product.priceTiers) {
    if (quantity >= tier.minQuantity && tier.unitPriceFen < unitPriceFen) {
      unitPriceFen = tier.unitPriceFen;
      source = 'tier';
    }
  }
  return { unitPriceFen, lineTotalFen: unitPriceFen * quantity, source };
}

/** A negotiated price of one buyer organisation for one product (a `price_list_entries` row). */
export type NegotiatedPrice = { unitPriceFen: number; validFrom: number; validTo: number | null; createdAt: number };

/** Valid from `validFrom` (inclusive) until `validTo` (exclusive); a null `validTo` never ends. */
export function negotiatedPriceValidAt(entry: Pick<NegotiatedPrice, 'validFrom' | 'validTo'>, at: number): boolean {
  return entry.validFrom <= at && (entry.validTo === null || at < entry.validTo);
}

/**
 * The negotiated price that applies at `at`, or null. Where entries overlap the latest start wins
 * (the newest negotiation), then the newest entry, so an admin can put a new price over an open-ended
 * one without ending it first.
 */
export function applicableNegotiatedPrice<E extends NegotiatedPrice>(entries: readonly E[], at: number): E | null {
  let best: E | null = null;
  for (const entry of entries) {
    if (!negotiatedPriceValidAt(entry, at)) continue;
    if (!best || entry.validFrom > best.validFrom || (entry.validFrom === best.validFrom && entry.createdAt > best.createdAt)) best = entry;
  }
  return best;
}

export type QuantityProblem =
  | { rule: 'not_integer' | 'not_positive' | 'too_large'; message: string }
  | { rule: 'below_minimum'; message: string; minOrderQuantity: number }
  | { rule: 'off_step'; message: string; orderStep: number; nearest: number };

/** Largest quantity one line may carry; anything above is a typo or an attack, not an order. */
export const MAX_LINE_QUANTITY = 100_000;

/** Why a quantity cannot be ordered, or null when it can (stock is checked by the database). */
export function quantityProblem(product: Pick<PricedProduct, 'minOrderQuantity' | 'orderStep'>, quantity: number): QuantityProblem | null {
  if (!Number.isInteger(quantity)) return { rule: 'not_integer', message: 'Quantity must be a whole number' };
  if (quantity <= 0) return { rule: 'not_positive', message: 'Quantity must be at least 1' };
  if (quantity > MAX_LINE_QUANTITY) return { rule: 'too_large', message: `Quantity may not exceed ${MAX_LINE_QUANTITY}` };
  if (quantity < product.minOrderQuantity) {
    return { rule: 'below_minimum', message: `Minimum order is ${product.minOrderQuantity}`, minOrderQuantity: product.minOrderQuantity };
  }
  if ((quantity - product.minOrderQuantity) % product.orderStep !== 0) {
    const steps = Math.round((quantity - product.minOrderQuantity) / product.orderStep);
    const nearest = product.minOrderQuantity + Math.max(0, steps) * product.orderStep;
    return { rule: 'off_step', message: `Quantity must be ${product.minOrderQuantity} plus multiples of ${product.orderStep}`, orderStep: product.orderStep, nearest };
  }
  return null;
}
