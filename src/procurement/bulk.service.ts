import { inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { chunked } from '../db/batch';
import { products, type DeliveryMethod, type PaymentMethod } from '../db/schema';
import type { Actor } from '../env';
import { AppError, type FieldError } from '../lib/errors';
import type { DeliveryInput } from '../orders';
import type { CreateOrderInput, OrderView } from '../orders';
import { placeOrder, replayIfPlaced, type OrderContext } from '../orders';
import { quoteItems, shippingFor, type QuoteLine, type QuoteProblem } from '../pricing';
import { normalizeSku, parseQuantityCell, type BulkCsvLine } from './bulk-csv';
import type { ApprovalView, BulkLine, BulkLineStatus, BulkReport } from './procurement.schemas';

/**
 * Bulk orders (批量下单): lines of SKU + quantity — from a CSV file, the quick-order form or a past
 * order — checked line by line against the same rules and prices as every order (quoteItems: MOQ,
 * step, tiers, the organisation's negotiated prices, stock), then the lines that can be ordered are
 * placed as ONE order through placeOrder (credit limit, purchaser approval, one batch).
 *
 * Duplicate SKUs are reported, not merged: the first line of a SKU counts and later ones are flagged
 * `duplicate` (with the line they repeat), so a list pasted twice cannot silently double an order; the
 * buyer combines the quantities. Problem lines are skipped when placing and listed in the report.
 */

/** One order takes at most this many products (as POST /orders). */
export const MAX_PRODUCTS_PER_ORDER = 100;
/** Items priced per quote call: quoteItems binds one parameter per product (D1 allows 100). */
const QUOTE_CHUNK = 90;

type ProductRef = { id: string; sku: string; nameZh: string; nameEn: string };

/** Products by upper-cased SKU; an exact-case match wins where two SKUs differ only in case. */
async function productsBySku(db: Db, skus: string[]): Promise<Map<string, ProductRef>> {
  const found = new Map<string, ProductRef>();
  const parts = chunked(skus, QUOTE_CHUNK);
  if (parts.length === 0) return found;
  const queries = parts.map((part) =>
    db.select({ id: products.id, sku: products.sku, nameZh: products.nameZh, nameEn: products.nameEn }).from(products).where(inArray(sql`upper(${products.sku})`, part)),
  );
  const results = await db.batch(queries as [(typeof queries)[number], ...(typeof queries)[number][]]);
  for (const row of results.flat()) {
    const key = row.sku.toUpperCase();
    if (!found.has(key) || row.sku === key) found.set(key, row);
  }
  return found;
}

/** The largest quantity up to `available` that keeps the minimum and step, or null if none. */
function orderableWithin(line: Pick<QuoteLine, 'minOrderQuantity' | 'orderStep'>, available: number): number | null {
  if (available < line.minOrderQuantity) return null;
  return line.minOrderQuantity + Math.floor((available - line.minOrderQuantity) / line.orderStep) * line.orderStep;
}

const STATUS_OF_RULE: Record<QuoteProblem['rule'], BulkLineStatus> = {
  unknown_product: 'unknown_sku',
  unavailable: 'unavailable',
  duplicate: 'duplicate',
  not_integer: 'invalid_quantity',
  not_positive: 'invalid_quantity',
  too_large: 'invalid_quantity',
  below_minimum: 'below_moq',
  off_step: 'off_step',
};

function blankLine(input: BulkCsvLine): BulkLine {
  return {
    line: input.line,
    sku: input.sku,
    quantityText: input.quantityText,
    quantity: null,
    status: 'ok',
    message: null,
    productId: null,
    nameZh: null,
    nameEn: null,
    cooperativeId: null,
    unitPriceFen: null,
    priceSource: null,
    lineTotalFen: null,
    minOrderQuantity: null,
    orderStep: null,
    suggestedQuantity: null,
    available: null,
    duplicateOfLine: null,
  };
}

export type BulkPreview = { report: BulkReport; items: { productId: string; quantity: number }[] };

/** The per-line report and totals; nothing is reserved or written. */
export async function previewBulk(
  db: Db,
  input: { organizationId: string; lines: BulkCsvLine[]; deliveryMethod: DeliveryMethod; at?: number },
): Promise<BulkPreview> {
  const at = input.at ?? Date.now();
  const report = input.lines.map(blankLine);
  const firstLineOf = new Map<string, number>();
  const wanted: { index: number; sku: string; quantity: number }[] = [];
  input.lines.forEach((line, index) => {
    const out = report[index]!;
    const sku = normalizeSku(line.sku);
    if (!sku) return Object.assign(out, { status: 'unknown_sku', message: 'No SKU on this line' });
    const first = firstLineOf.get(sku);
    if (first !== undefined) return Object.assign(out, { status: 'duplicate', duplicateOfLine: first, message: `Same SKU as line ${first}; combine the quantities on one line` });
    firstLineOf.set(sku, line.line);
    const quantity = parseQuantityCell(line.quantityText);
    if (quantity === null) return Object.assign(out, { status: 'invalid_quantity', message: `"${line.quantityText}" is not a whole number` });
    out.quantity = quantity;
    wanted.push({ index, sku, quantity });
  });

  const bySku = await productsBySku(db, [...new Set(wanted.map((w) => w.sku))]);
  const priced: { index: number; productId: string; quantity: number }[] = [];
  for (const w of wanted) {
    const product = bySku.get(w.sku);
    if (!product) Object.assign(report[w.index]!, { status: 'unknown_sku', message: `No product with SKU ${report[w.index]!.sku}` });
    else {
      Object.assign(report[w.index]!, { productId: product.id, sku: product.sku, nameZh: product.nameZh, nameEn: product.nameEn });
      priced.push({ index: w.index, productId: product.id, quantity: w.quantity });
    }
  }

  // The same quoting as checkout, a chunk at a time (a file may name thousands of products).
  const parts = chunked(priced, QUOTE_CHUNK);
  const quotes = await Promise.all(
    parts.map((part) => quoteItems(db, { items: part.map((p) => ({ productId: p.productId, quantity: p.quantity })), delivery: input.deliveryMethod, organizationId: input.organizationId }, { at })),
  );
  const shippingRules = new Map<string, { shippingFlatFeeFen: number; freeShippingAboveFen: number | null }>();
  quotes.forEach((quote, q) => {
    const part = parts[q]!;
    for (const group of quote.groups) shippingRules.set(group.cooperativeId, group);
    for (const line of quote.lines) {
      Object.assign(report[part[line.index]!.index]!, {
        productId: line.productId,
        sku: line.sku,
        nameZh: line.nameZh,
        nameEn: line.nameEn,
        cooperativeId: line.cooperativeId,
        unitPriceFen: line.unitPriceFen,
        priceSource: line.priceSource === 'group' ? 'list' : line.priceSource,
        lineTotalFen: line.lineTotalFen,
        minOrderQuantity: line.minOrderQuantity,
        orderStep: line.orderStep,
      });
    }
    for (const shortage of quote.shortages) {
      const out = report[part[shortage.index]!.index]!;
      const line = quote.lines.find((l) => l.index === shortage.index)!;
      Object.assign(out, {
        status: 'short_stock',
        available: shortage.available,
        suggestedQuantity: orderableWithin(line, shortage.available),
        message: `Only ${shortage.available} in stock`,
      });
    }
    for (const problem of quote.problems) {
      const out = report[part[problem.index]!.index]!;
      const status = STATUS_OF_RULE[problem.rule];
      Object.assign(out, {
        productId: problem.productId,
        status,
        message: problem.message,
        minOrderQuantity: problem.minOrderQuantity ?? out.minOrderQuantity,
        orderStep: problem.orderStep ?? out.orderStep,
        suggestedQuantity: status === 'below_moq' ? (problem.minOrderQuantity ?? null) : (problem.nearest ?? null),
      });
    }
  });

  const ok = report.filter((l) => l.status === 'ok');
  const subtotals = new Map<string, number>();
  for (const line of ok) subtotals.set(line.cooperativeId!, (subtotals.get(line.cooperativeId!) ?? 0) + line.lineTotalFen!);
  const subtotalFen = ok.reduce((sum, l) => sum + l.lineTotalFen!, 0);
  const shippingFen = [...subtotals].reduce((sum, [coop, sub]) => sum + shippingFor(shippingRules.get(coop)!, sub, input.deliveryMethod), 0);
  const counts: Record<string, number> = {};
  for (const line of report) counts[line.status] = (counts[line.status] ?? 0) + 1;
  return {
    report: {
      organizationId: input.organizationId,
      lines: report,
      counts,
      okLines: ok.length,
      problemLines: report.length - ok.length,
      subtotalFen,
      shippingFen,
      totalFen: subtotalFen + shippingFen,
      deliveryMethod: input.deliveryMethod,
      placeable: ok.length > 0 && ok.length <= MAX_PRODUCTS_PER_ORDER,
    },
    items: ok.map((l) => ({ productId: l.productId!, quantity: l.quantity! })),
  };
}

export type BulkOrderFields = {
  delivery?: DeliveryInput;
  contact?: { name: string; phone: string; email?: string };
  paymentMethod?: PaymentMethod;
};

export type BulkPlaced = { order: OrderView | null; approval: ApprovalView | null; report: BulkReport | null; replayed: boolean };

function missingFields(fields: BulkOrderFields): FieldError[] {
  const errors: FieldError[] = [];
  if (!fields.delivery) errors.push({ path: 'body.delivery', message: 'Required to place the order' });
  if (!fields.contact) errors.push({ path: 'body.contact', message: 'Required to place the order' });
  if (!fields.paymentMethod) errors.push({ path: 'body.paymentMethod', message: 'Required to place the order' });
  return errors;
}

/**
 * Places the lines that can be ordered as one order. The Idempotency-Key fingerprints `request` (the
 * bulk request as sent), and a replay is answered before anything is derived from current stock.
 */
export async function placeBulk(
  ctx: OrderContext & { actor: Actor },
  input: { organizationId: string; lines: BulkCsvLine[]; fields: BulkOrderFields; idempotencyKey?: string; request: unknown },
): Promise<BulkPlaced> {
  const idempotency = { operation: 'orders.bulk', request: input.request };
  const earlier = await replayIfPlaced(ctx, input.idempotencyKey, idempotency);
  if (earlier) return { order: earlier.view ?? null, approval: earlier.approval ?? null, report: null, replayed: true };

  const missing = missingFields(input.fields);
  if (missing.length) throw new AppError('validation_failed', `Invalid ${missing.map((e) => e.path).join(', ')}`, { errors: missing });
  const { report, items } = await previewBulk(ctx.db, {
    organizationId: input.organizationId,
    lines: input.lines,
    deliveryMethod: input.fields.delivery!.method,
    at: ctx.now,
  });
  if (report.okLines === 0) throw new AppError('unprocessable', 'No line of the file can be ordered as it is; fix the lines in the report', { extensions: { report } });
  if (report.okLines > MAX_PRODUCTS_PER_ORDER) {
    throw new AppError('unprocessable', `${report.okLines} products are more than one order takes (${MAX_PRODUCTS_PER_ORDER}); split the file`, { extensions: { report } });
  }
  const order: CreateOrderInput = {
    items,
    delivery: input.fields.delivery! as CreateOrderInput['delivery'],
    contact: input.fields.contact!,
    organizationId: input.organizationId,
    paymentMethod: input.fields.paymentMethod!,
  };
  const placed = await placeOrder(ctx, order, { idempotencyKey: input.idempotencyKey, idempotency });
  return { order: placed.view ?? null, approval: placed.approval ?? null, report, replayed: placed.replayed };
}
