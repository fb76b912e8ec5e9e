import { env } from 'cloudflare:workers';
import { callJson, demoToken } from './http';
import { CANTEEN, contact } from './orders';

/**
 * Procurement test factories: negotiated prices, limits and credit set straight in D1 (fixtures, not
 * the API under test), invoice orders placed through the API, and the canteen's demo tokens.
 */

export const CANTEEN_KITCHEN = 'loc_baoshan_canteen_kitchen';

let counter = 0;

/** A price_list_entries row for `organizationId` × `productId`. */
export async function negotiatedPrice(organizationId: string, productId: string, unitPriceFen: number, validFrom: number, validTo: number | null = null): Promise<string> {
  counter += 1;
  const id = `prl_test_${Date.now().toString(36)}_${counter}`;
  await env.DB.prepare(
    `INSERT INTO price_list_entries (id, organization_id, product_id, unit_price_fen, valid_from, valid_to, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  )
    .bind(id, organizationId, productId, unitPriceFen, validFrom, validTo, Date.now() + counter)
    .run();
  return id;
}

export async function setCreditTerms(organizationId: string, terms: { creditLimitFen?: number; paymentTermsDays?: number }): Promise<void> {
  if (terms.creditLimitFen !== undefined) await env.DB.prepare('UPDATE organization SET credit_limit_fen = ? WHERE id = ?').bind(terms.creditLimitFen, organizationId).run();
  if (terms.paymentTermsDays !== undefined) await env.DB.prepare('UPDATE organization SET payment_terms_days = ? WHERE id = ?').bind(terms.paymentTermsDays, organizationId).run();
}

/** The purchaser's per-order limit (fen; null = none). The actor reads it at the next request. */
export async function setPurchaserLimit(memberId: string, limitFen: number | null): Promise<void> {
  await env.DB.prepare('UPDATE member SET per_order_limit_fen = ? WHERE id = ?').bind(limitFen, memberId).run();
}

export const PURCHASER_MEMBER = 'mem_demo_canteenPurchaser';

/** The body of an invoice order for the canteen, delivered to its kitchen. */
export function canteenInvoiceOrder(items: { productId: string; quantity: number }[], overrides: Record<string, unknown> = {}) {
  return {
    items,
    delivery: { method: 'ship', deliveryLocationId: CANTEEN_KITCHEN },
    contact,
    organizationId: CANTEEN,
    paymentMethod: 'invoice',
    ...overrides,
  };
}

export async function placeCanteenOrder(token: string, items: { productId: string; quantity: number }[], overrides: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return callJson('/api/v1/orders', { method: 'POST', token, json: canteenInvoiceOrder(items, overrides), headers });
}

export async function canteenTokens() {
  return { owner: await demoToken('canteenOwner'), purchaser: await demoToken('canteenPurchaser'), admin: await demoToken('admin') };
}

export function bulkBody(csv: string, overrides: Record<string, unknown> = {}) {
  return { organizationId: CANTEEN, csv, ...overrides };
}

export function bulkPlaceBody(csv: string, overrides: Record<string, unknown> = {}) {
  return bulkBody(csv, { delivery: { method: 'ship', deliveryLocationId: CANTEEN_KITCHEN }, contact, paymentMethod: 'invoice', ...overrides });
}

export async function skuOf(productId: string): Promise<string> {
  const row = await env.DB.prepare('SELECT sku FROM products WHERE id = ?').bind(productId).first<{ sku: string }>();
  return row!.sku;
}
