/**
 * The scale data set of issue 9, generated deterministically on top of the seed:
 * 5,000 products across every seeded county (through the seeded cooperatives, plus one generated
 * cooperative for each county that has none), 300 organisations, 100,000 orders with their lines,
 * shipments and payments (mostly succeeded, some pending or cancelled), some full and partial
 * refunds, and the `sales_daily` rollup those payments and refunds make — computed by the rules'
 * independent implementation (test/helpers/impact-ledger.ts), so comparing it with the SQL
 * recomputation at scale is a real check, not a tautology.
 *
 * Two ways to load it, both after migrations and the seed:
 *   - `writeScaleSql(file)`, then `npx wrangler d1 execute DB --local --file <file>`;
 *   - `applyScale(d1)` with a D1 binding, e.g. `await miniflare.getD1Database('DB')`.
 * Generating 100,000 orders (≈700,000 rows) takes 4–9 s on this 2-core machine; applying them
 * through Miniflare's D1 1–3 minutes depending on load (test/bench/impact.ts prints both).
 *
 * @example
 * npx tsx test/bench/generate-scale.ts .bench/scale.sql           # writes the SQL file
 * npx tsx test/bench/generate-scale.ts .bench/scale.sql 10000     # a smaller set
 */
import { createWriteStream } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { searchTokens } from '../../src/catalog/search';
import { cooperatives as seededCooperatives, counties, districts, products as seededProducts, categories, type Category } from '../../seeds/data';
import { cooperativeOrgId, productId as seededProductId, sqlLiteral } from '../../seeds/seed';
import { ledgerSalesDaily, type LedgerLine, type LedgerPayment, type LedgerRefund } from '../helpers/impact-ledger';
import { rng } from '../helpers/rng';

export type ScaleOptions = {
  products?: number;
  organizations?: number;
  orders?: number;
  seed?: number;
  /** Orders are spread over the year before this instant (default 2026-11-01 00:00 Shanghai). */
  end?: number;
  /** Rows per multi-row INSERT. */
  rowsPerStatement?: number;
};

const DAY = 86_400_000;
const MINUTE = 60_000;

/** Collects rows per table (and column list) and emits multi-row INSERTs. */
class SqlBatcher {
  private pending = new Map<string, { table: string; columns: string[]; rows: string[] }>();
  constructor(
    private readonly rowsPerStatement: number,
    private readonly emit: (statement: string) => void,
  ) {}

  row(table: string, values: Record<string, unknown>) {
    const columns = Object.keys(values);
    const key = `${table}(${columns.join(',')})`;
    const entry = this.pending.get(key) ?? { table, columns, rows: [] };
    entry.rows.push(`(${columns.map((c) => sqlLiteral(values[c])).join(',')})`);
    this.pending.set(key, entry);
    if (entry.rows.length >= this.rowsPerStatement) this.flush();
  }

  /** Emits every table's pending rows, in the order the tables were first used (parents first). */
  flush() {
    for (const entry of this.pending.values()) {
      if (entry.rows.length) this.emit(`INSERT INTO ${entry.table} (${entry.columns.map((c) => `"${c}"`).join(',')}) VALUES ${entry.rows.join(',')};`);
      entry.rows = [];
    }
  }
}

type Product = { id: string; sku: string; cooperativeId: string; countyId: string; category: Category; nameZh: string; nameEn: string; unitPriceFen: number };
type Cooperative = { id: string; countyId: string; shippingFlatFeeFen: number; freeShippingAboveFen: number | null };

export type ScaleSummary = { statements: number; rows: Record<string, number>; salesDailyRows: number; generateMs: number };

/**
 * Generates the data set, handing each SQL statement to `emit` in an order that respects foreign
 * keys (organisations, products, orders, lines, shipments, payments, refunds, rollup).
 */
export function generateScale(emit: (statement: string) => void, options: ScaleOptions = {}): ScaleSummary {
  const started = performance.now();
  const r = rng(options.seed ?? 9_2026);
  const targetProducts = options.products ?? 5_000;
  const targetOrganizations = options.organizations ?? 300;
  const targetOrders = options.orders ?? 100_000;
  const end = options.end ?? Date.UTC(2026, 9, 31, 16);
  const start = end - 365 * DAY;
  let statements = 0;
  const rows: Record<string, number> = {};
  const sql = new SqlBatcher(options.rowsPerStatement ?? 100, (statement) => {
    statements += 1;
    emit(statement);
  });
  const add = (table: string, values: Record<string, unknown>) => {
    rows[table] = (rows[table] ?? 0) + 1;
    sql.row(table, values);
  };
  const createdAt = Date.UTC(2025, 9, 1);

  // Cooperatives: the seeded ones, and one generated for each county without any, so every county sells.
  const coops: Cooperative[] = seededCooperatives.map((c) => ({
    id: cooperativeOrgId(c.id),
    countyId: c.countyId,
    shippingFlatFeeFen: c.shippingFlatFeeFen,
    freeShippingAboveFen: c.freeShippingAboveFen,
  }));
  const districtOfCounty = new Map(counties.map((c) => [c.id, c.districtId]));
  let orgNumber = 0;
  for (const county of counties.filter((c) => !seededCooperatives.some((s) => s.countyId === c.id))) {
    orgNumber += 1;
    const id = `org_scale_coop_${county.id}`;
    add('organization', {
      id,
      name: `${county.nameZh}山海合作社`,
      name_en: `${county.nameEn} Shanhai Cooperative`,
      slug: `scale-coop-${county.id}`,
      created_at: createdAt,
      kind: 'cooperative',
      status: 'verified',
      verified_at: createdAt,
      county_id: county.id,
      district_id: county.districtId,
      households_benefited: r.int(100, 800),
      shipping_flat_fee_fen: 1000,
      free_shipping_above_fen: 20_000,
    });
    coops.push({ id, countyId: county.id, shippingFlatFeeFen: 1000, freeShippingAboveFen: 20_000 });
  }
  // The remaining organisations are buyers: canteens, enterprises and showrooms.
  const buyers: string[] = [];
  const kinds = ['canteen', 'enterprise', 'showroom'] as const;
  while (orgNumber < targetOrganizations) {
    orgNumber += 1;
    const kind = kinds[orgNumber % 3]!;
    const id = `org_scale_${kind}_${orgNumber}`;
    add('organization', {
      id,
      name: `${kind === 'canteen' ? '机关食堂' : kind === 'enterprise' ? '企业工会' : '社区展销馆'} ${orgNumber}`,
      name_en: `Scale ${kind} ${orgNumber}`,
      slug: `scale-${kind}-${orgNumber}`,
      created_at: createdAt,
      kind,
      status: 'verified',
      verified_at: createdAt,
      district_id: r.pick(districts).id,
      annual_target_fen: r.int(1, 50) * 1_000_000,
      payment_terms_days: kind === 'showroom' ? 0 : 30,
      credit_limit_fen: kind === 'showroom' ? 0 : 50_000_000,
    });
    buyers.push(id);
  }
  sql.flush();

  // Products: the seeded ones, then variants spread over every cooperative in every county.
  const products: Product[] = seededProducts.map((p) => {
    const coop = seededCooperatives.find((c) => c.id === p.cooperativeId)!;
    return { id: seededProductId(p.sku), sku: p.sku, cooperativeId: cooperativeOrgId(p.cooperativeId), countyId: coop.countyId, category: p.category, nameZh: p.nameZh, nameEn: p.nameEn, unitPriceFen: p.unitPriceFen };
  });
  const countyName = new Map(counties.map((c) => [c.id, c]));
  const categoryName = new Map(categories.map((c) => [c.id, c]));
  const seededByCoop = new Map<string, Product[]>();
  for (const p of products) seededByCoop.set(p.cooperativeId, [...(seededByCoop.get(p.cooperativeId) ?? []), p]);
  for (let n = 0; products.length < targetProducts; n += 1) {
    const coop = coops[n % coops.length]!;
    const own = seededByCoop.get(coop.id) ?? [];
    const base = own.length ? r.pick(own) : null;
    const category = base?.category ?? r.pick(categories).id;
    const county = countyName.get(coop.countyId)!;
    const grade = r.pick(['特级', '一级', '家庭装', '礼盒装', '散装', '精选']);
    const gradeEn = { 特级: 'premium', 一级: 'grade A', 家庭装: 'family pack', 礼盒装: 'gift box', 散装: 'bulk', 精选: 'select' }[grade]!;
    const nameZh = `${county.nameZh}${base ? base.nameZh : categoryName.get(category)!.nameZh} ${grade} ${n}`;
    const nameEn = `${county.nameEn} ${base ? base.nameEn : categoryName.get(category)!.nameEn} ${gradeEn} ${n}`;
    const product: Product = {
      id: `prd_scale_${n}`,
      sku: `SCALE-${n}`,
      cooperativeId: coop.id,
      countyId: coop.countyId,
      category,
      nameZh,
      nameEn,
      unitPriceFen: Math.max(500, Math.round((base?.unitPriceFen ?? 5000) * (0.6 + r.next()))),
    };
    products.push(product);
    const at = createdAt + n * MINUTE;
    add('products', {
      id: product.id,
      sku: product.sku,
      cooperative_id: product.cooperativeId,
      county_id: product.countyId,
      category,
      name_zh: nameZh,
      name_en: nameEn,
      description_zh: `${county.nameZh}合作社直供。`,
      description_en: `Direct from a cooperative in ${county.nameEn}.`,
      unit_zh: '件',
      unit_en: 'pack',
      unit_price_fen: product.unitPriceFen,
      price_tiers: [{ minQuantity: 20, unitPriceFen: Math.round(product.unitPriceFen * 0.9) }],
      min_order_quantity: 1,
      order_step: 1,
      stock: 1_000_000,
      status: 'published',
      featured: false,
      sold_count: 0,
      search_tokens: searchTokens(nameZh, nameEn, product.sku, categoryName.get(category)!.nameZh, categoryName.get(category)!.nameEn, county.nameZh, county.nameEn),
      created_at: at,
      updated_at: at,
    });
  }
  sql.flush();

  const productsByCoop = new Map<string, Product[]>();
  for (const p of products) productsByCoop.set(p.cooperativeId, [...(productsByCoop.get(p.cooperativeId) ?? []), p]);
  const sellingCoops = coops.filter((c) => productsByCoop.has(c.id));
  const coopById = new Map(coops.map((c) => [c.id, c]));

  // Orders with lines, shipments, payments and refunds, kept in memory only as the ledger needs them.
  const ledgerPayments: LedgerPayment[] = [];
  const ledgerLines: LedgerLine[] = [];
  const ledgerRefunds: LedgerRefund[] = [];
  let lineNumber = 0;
  let shipmentNumber = 0;
  let refundNumber = 0;
  for (let n = 0; n < targetOrders; n += 1) {
    const orderId = `ord_scale_${n}`;
    const placedAt = start + Math.floor(r.next() * 365 * DAY);
    const organizationId = r.next() < 0.3 ? r.pick(buyers) : null;
    const invoice = organizationId !== null && !organizationId.includes('showroom') && r.next() < 0.5;
    const fate = r.next();
    const status = fate < 0.03 ? 'pending' : fate < 0.07 ? 'cancelled' : 'succeeded';
    const paidAt = status === 'succeeded' ? placedAt + (invoice ? r.int(1, 20) * DAY : r.int(1, 30) * MINUTE) : null;
    const age = end - placedAt;

    const coopCount = r.next() < 0.6 ? 1 : r.next() < 0.75 ? 2 : 3;
    const chosen = new Set<Cooperative>();
    while (chosen.size < coopCount) chosen.add(r.pick(sellingCoops));
    let subtotal = 0;
    let shipping = 0;
    const lineRows: Record<string, unknown>[] = [];
    const shipmentRows: Record<string, unknown>[] = [];
    for (const coop of chosen) {
      const shipmentId = `shp_scale_${(shipmentNumber += 1)}`;
      const own = productsByCoop.get(coop.id)!;
      const picked = new Set<Product>();
      for (let i = r.int(1, 2); i > 0; i -= 1) picked.add(r.pick(own));
      let coopSubtotal = 0;
      for (const product of picked) {
        const quantity = organizationId ? r.int(10, 120) : r.int(1, 12);
        const lineTotal = product.unitPriceFen * quantity;
        coopSubtotal += lineTotal;
        lineRows.push({
          id: `oln_scale_${(lineNumber += 1)}`,
          order_id: orderId,
          shipment_id: shipmentId,
          product_id: product.id,
          cooperative_id: coop.id,
          county_id: product.countyId,
          category: product.category,
          sku: product.sku,
          name_zh: product.nameZh,
          name_en: product.nameEn,
          quantity,
          unit_price_fen: product.unitPriceFen,
          line_total_fen: lineTotal,
          price_source: 'list',
        });
        ledgerLines.push({ saleKey: orderId, cooperativeId: coop.id, countyId: product.countyId, category: product.category, lineTotalFen: lineTotal, quantity });
      }
      const coopShipping = coop.freeShippingAboveFen !== null && coopSubtotal >= coop.freeShippingAboveFen ? 0 : coop.shippingFlatFeeFen;
      subtotal += coopSubtotal;
      shipping += coopShipping;
      const shipmentStatus = status !== 'succeeded' ? (status === 'cancelled' ? 'cancelled' : 'pending') : age > 9 * DAY ? 'delivered' : age > 3 * DAY ? 'shipped' : age > DAY ? 'accepted' : 'pending';
      const sent = shipmentStatus === 'shipped' || shipmentStatus === 'delivered';
      shipmentRows.push({
        id: shipmentId,
        order_id: orderId,
        cooperative_id: coop.id,
        status: shipmentStatus,
        released: status === 'succeeded' || invoice,
        delivery_method: 'ship',
        recipient: '收货人',
        recipient_phone: '13800000000',
        ship_district_id: 'baoshan',
        ship_street: '上海市宝山区测试路 1 号',
        subtotal_fen: coopSubtotal,
        shipping_fen: coopShipping,
        carrier: sent ? 'SF Express' : null,
        tracking_number: sent ? `SF${n}${shipmentNumber}` : null,
        accepted_at: shipmentStatus === 'pending' || shipmentStatus === 'cancelled' ? null : placedAt + DAY,
        shipped_at: sent ? placedAt + 2 * DAY : null,
        delivered_at: shipmentStatus === 'delivered' ? placedAt + 5 * DAY : null,
        created_at: placedAt,
        updated_at: placedAt,
      });
    }
    const total = subtotal + shipping;

    // Refunds: some paid orders are refunded in full (the order becomes `refunded`), some in part.
    const refundFate = status === 'succeeded' ? r.next() : 1;
    const refunds: { amount: number; at: number }[] = [];
    if (refundFate < 0.03) refunds.push({ amount: total, at: paidAt! + r.int(1, 20) * DAY });
    else if (refundFate < 0.05) refunds.push({ amount: r.int(1, Math.max(1, Math.floor(total / 2))), at: paidAt! + r.int(1, 20) * DAY });
    const refundedFen = refunds.reduce((sum, x) => sum + x.amount, 0);
    const allDelivered = shipmentRows.every((x) => x.status === 'delivered');
    const orderStatus =
      status === 'pending' ? (invoice ? 'invoiced' : 'pending_payment') : status === 'cancelled' ? 'cancelled' : refundedFen >= total ? 'refunded' : allDelivered ? 'fulfilled' : 'paid';
    // Parents before children: the batcher emits tables in the order they were first used.
    add('orders', {
      id: orderId,
      access_token: `tok_scale_${n}`,
      buyer_user_id: organizationId ? null : r.next() < 0.2 ? 'usr_demo_buyer' : null,
      organization_id: organizationId,
      status: orderStatus,
      payment_method: invoice ? 'invoice' : 'stripe',
      subtotal_fen: subtotal,
      shipping_fen: shipping,
      total_fen: total,
      refunded_fen: refundedFen,
      delivery_method: 'ship',
      recipient: '收货人',
      recipient_phone: '13800000000',
      ship_district_id: 'baoshan',
      ship_street: '上海市宝山区测试路 1 号',
      contact_name: organizationId ? '采购员' : '市民',
      contact_phone: '13800000000',
      payment_due_at: placedAt + 30 * MINUTE,
      paid_at: paidAt,
      cancelled_at: status === 'cancelled' ? placedAt + 30 * MINUTE : null,
      invoice_due_at: invoice ? placedAt + 30 * DAY : null,
      invoice_status: invoice ? (status === 'succeeded' ? 'paid' : placedAt + 30 * DAY < end ? 'overdue' : 'open') : null,
      created_at: placedAt,
      updated_at: paidAt ?? placedAt,
    });
    for (const line of lineRows) add('order_lines', line);
    for (const shipment of shipmentRows) add('shipments', shipment);
    const paymentId = `pay_scale_${n}`;
    add('payments', {
      id: paymentId,
      order_id: orderId,
      method: invoice ? 'invoice' : 'stripe',
      status,
      amount_fen: total,
      refunded_fen: refundedFen,
      paid_at: paidAt,
      created_at: placedAt,
      updated_at: paidAt ?? placedAt,
    });
    ledgerPayments.push({ id: paymentId, saleKey: orderId, status, paidAt, amountFen: total });
    for (const refund of refunds) {
      const id = `ref_scale_${(refundNumber += 1)}`;
      add('refunds', {
        id,
        payment_id: paymentId,
        order_id: orderId,
        amount_fen: refund.amount,
        reason: refund.amount >= total ? 'order cancelled after payment' : 'damaged items',
        status: 'succeeded',
        idempotency_key: `idem_scale_${id}`,
        created_at: refund.at,
        updated_at: refund.at,
      });
      ledgerRefunds.push({ id, paymentId, status: 'succeeded', amountFen: refund.amount, createdAt: refund.at });
    }
  }
  sql.flush();

  // The rollup exactly as the payment and refund batches would have left it.
  const salesDaily = ledgerSalesDaily({ payments: ledgerPayments, lines: ledgerLines, refunds: ledgerRefunds, districtOfCounty });
  for (const row of salesDaily) {
    add('sales_daily', {
      day: row.day,
      cooperative_id: row.cooperativeId,
      county_id: row.countyId,
      district_id: row.districtId,
      category: row.category,
      sales_fen: row.salesFen,
      refunds_fen: row.refundsFen,
      orders: row.orders,
      category_orders: row.categoryOrders,
      units: row.units,
    });
  }
  sql.flush();
  return { statements, rows, salesDailyRows: salesDaily.length, generateMs: Math.round(performance.now() - started) };
}

/** Minimal D1 surface used here (a Workers binding or Miniflare's `getD1Database`). */
export type D1Like = { prepare(query: string): unknown; batch(statements: unknown[]): Promise<unknown> };

/** Generates and applies the data set through a D1 binding, `statementsPerBatch` statements a batch. */
export async function applyScale(d1: D1Like, options: ScaleOptions & { statementsPerBatch?: number } = {}): Promise<ScaleSummary & { applyMs: number }> {
  const statements: string[] = [];
  const summary = generateScale((s) => statements.push(s), options);
  const started = performance.now();
  const size = options.statementsPerBatch ?? 50;
  for (let i = 0; i < statements.length; i += size) {
    await d1.batch(statements.slice(i, i + size).map((s) => d1.prepare(s)));
  }
  return { ...summary, applyMs: Math.round(performance.now() - started) };
}

/** Writes the data set as one SQL file for `wrangler d1 execute DB --local --file`. */
export async function writeScaleSql(file: string, options: ScaleOptions = {}): Promise<ScaleSummary> {
  const out = createWriteStream(file);
  const summary = generateScale((s) => out.write(`${s}\n`), options);
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return summary;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2] ?? '.bench/scale.sql';
  const orders = process.argv[3] ? Number(process.argv[3]) : undefined;
  const { mkdirSync } = await import('node:fs');
  const { dirname } = await import('node:path');
  mkdirSync(dirname(file), { recursive: true });
  const summary = await writeScaleSql(file, { orders });
  console.log(`Wrote ${file}: ${summary.statements} statements, rows ${JSON.stringify(summary.rows)}, generated in ${summary.generateMs} ms.`);
  console.log(`Apply after migrations and the seed: npx wrangler d1 execute DB --local --file ${file} --yes`);
}
