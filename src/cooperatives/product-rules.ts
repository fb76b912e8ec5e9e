import type { PriceTier } from '../db/schema';
import { parseYuanToFen } from '../lib/money';
import type { FieldError } from '../lib/errors';

/** Largest number of tiers a product may carry; more is a spreadsheet accident, not a price list. */
export const MAX_PRICE_TIERS = 10;

/**
 * Why a product's tiers are not a usable price ladder, as field errors under `path`.
 * A tier must start above one unit (one unit is the list price), quantities must rise and prices
 * must fall strictly, and every tier must be cheaper than the list price — otherwise
 * `quote()` would silently ignore it and the buyer would see a tier that never applies.
 */
export function priceTierProblems(unitPriceFen: number, tiers: PriceTier[], path = 'body.priceTiers'): FieldError[] {
  const errors: FieldError[] = [];
  if (tiers.length > MAX_PRICE_TIERS) errors.push({ path, message: `At most ${MAX_PRICE_TIERS} price tiers` });
  tiers.forEach((tier, i) => {
    const at = `${path}.${i}`;
    if (!Number.isInteger(tier.minQuantity) || tier.minQuantity < 2) {
      errors.push({ path: `${at}.minQuantity`, message: 'A tier starts at 2 units or more' });
    }
    if (!Number.isInteger(tier.unitPriceFen) || tier.unitPriceFen <= 0) {
      errors.push({ path: `${at}.unitPriceFen`, message: 'A tier price is a positive number of fen' });
    } else if (tier.unitPriceFen >= unitPriceFen) {
      errors.push({ path: `${at}.unitPriceFen`, message: 'A tier price must be below the list price' });
    }
    const previous = tiers[i - 1];
    if (previous) {
      if (tier.minQuantity <= previous.minQuantity) {
        errors.push({ path: `${at}.minQuantity`, message: 'Tier quantities must rise from one tier to the next' });
      }
      if (tier.unitPriceFen >= previous.unitPriceFen) {
        errors.push({ path: `${at}.unitPriceFen`, message: 'Tier prices must fall from one tier to the next' });
      }
    }
  });
  return errors;
}

/**
 * Formats tiers for a CSV cell or a form field: `5:568.00;20:538.00` (quantity:yuan).
 * Yuan, not fen, because clerks type prices the way they are printed.
 */
export function formatTiers(tiers: PriceTier[]): string {
  return tiers.map((t) => `${t.minQuantity}:${(t.unitPriceFen / 100).toFixed(2)}`).join(';');
}

/** Parses `5:568.00;20:538` (quantity:yuan, `;` or `,` or newlines between tiers); null when malformed. */
export function parseTiers(text: string): PriceTier[] | null {
  const trimmed = text.trim();
  if (!trimmed) return [];
  const tiers: PriceTier[] = [];
  for (const part of trimmed.split(/[;,\n；，]+/)) {
    if (!part.trim()) continue;
    const match = /^\s*(\d{1,6})\s*[:：]\s*(\S+)\s*$/.exec(part);
    if (!match) return null;
    const unitPriceFen = parseYuanToFen(match[2]!);
    if (unitPriceFen === null) return null;
    tiers.push({ minQuantity: Number(match[1]), unitPriceFen });
  }
  return tiers;
}
