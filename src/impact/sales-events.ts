/**
 * What the impact report counts, defined once in SQL and shared by the incremental rollup
 * (src/impact/rollup.ts) and the from-scratch recomputation (src/impact/recompute.ts).
 *
 * **A sale** is money arriving for an order or a group-buy participant: the *first* payment row of that
 * order (or participant) with `payments.status = 'succeeded'` and `paid_at` set, ordered by
 * (`paid_at`, `id`). It happens at `paid_at`, on that Asia/Shanghai calendar day, whatever the
 * order's status is now (a paid order later cancelled is a sale followed by a refund). Unpaid,
 * expired and cancelled-before-payment orders have no succeeded payment and never count; invoiced
 * orders count when their bank transfer is confirmed (the payment turns succeeded). A second
 * succeeded payment of the same order is a duplicate, not a sale.
 *
 * What was sold is the goods: `order_lines` (or `group_buy_participant_items`, attributed through
 * their product), grouped by cooperative and category. Shipping fees are not produce sold by the
 * counties and are left out.
 *
 * **A refund** is a `refunds` row with `status = 'succeeded'` against the sale's payment. It
 * happens at the refund's `created_at` (when it was issued: immutable, so recomputation is
 * stable even when the provider confirms it later). Refunds against a duplicate payment are not
 * refunds of the sale and do not count. A refund of A fen on a payment of P fen whose goods total
 * G is spread over the sale's (cooperative, category) rows by a cumulative floor in the order
 * (cooperative, category) with weights = goods and base = max(P, G): row i gets
 * ⌊A·Cᵢ/base⌋ − ⌊A·Cᵢ₋₁/base⌋ where Cᵢ is the running goods total. The shares add up to the goods
 * part ⌊A·G/base⌋ exactly, and a full refund (A = P) returns every row's goods exactly; the rest
 * of the refund is shipping. When several refunds add up to the whole payment, each row's refunds
 * are topped up to exactly its goods (each part may round a fen), so a refunded sale nets to zero.
 *
 * **Orders**: a sale counts one *cooperative order* per cooperative it bought from (`orders`, placed
 * on that cooperative's alphabetically first category row) and one per (cooperative, category)
 * row (`category_orders`). When a sale's succeeded refunds reach the whole payment, its counts
 * and units are taken back on the day of its latest refund, so a fully refunded order or a failed
 * group buy is no order at all.
 *
 * **Place**: the cooperative's county as recorded on the line, and that county's *current* paired
 * district: moving a county to another district moves its history with it (see
 * src/admin/geography.service.ts).
 */
import { sql, type SQL } from 'drizzle-orm';
import { SHANGHAI_OFFSET_MS } from '../lib/time';

/** Which events to produce: all of them (recomputation), or the ones one write makes happen. */
export type EventScope = { kind: 'all' } | { kind: 'sale'; paymentId: string } | { kind: 'refund'; refundId: string };


/** 'YYYY-MM-DD' in Asia/Shanghai of an epoch-ms column, identical to lib/time shanghaiDay(). */
export function shanghaiDaySql(column: SQL): SQL {
  return sql`strftime('%Y-%m-%d', (${column} + ${sql.raw(String(SHANGHAI_OFFSET_MS))}) / 1000, 'unixepoch')`;
}

/** The payment a scoped event concerns (for a refund: the payment it refunds). */
function scopedPaymentId(scope: EventScope): SQL | null {
  if (scope.kind === 'sale') return sql`${scope.paymentId}`;
  if (scope.kind === 'refund') return sql`(SELECT payment_id FROM refunds WHERE id = ${scope.refundId})`;
  return null;
}

/**
 * The CTEs describing sales and refunds:
 * - `sale_payments`: the first succeeded payment of each order or participant;
 * - `sale_facts`: per sale payment × cooperative × category, its goods, units and `coop_order` flag;
 * - `sale_refunds`: succeeded refunds of sale payments (few);
 * - `refund_facts`: the rows of the refunded sales only, with the running goods total and base that
 *   share a refund out — kept apart from `sale_facts` so that the windows and joins needed for
 *   refunds touch a few thousand rows, not every sale;
 * - `refund_shares`: each refund's share per row.
 */
function saleCtes(scope: EventScope): SQL {
  const paymentId = scopedPaymentId(scope);
  // A scoped event reads only the payments of the same order or participant, through their indexes
  // (`+p.status` keeps the planner off the status index, which would walk every succeeded payment).
  const candidates = paymentId
    ? sql`+p.status = 'succeeded' AND (
        p.order_id = (SELECT order_id FROM payments WHERE id = ${paymentId})
        OR p.participant_id = (SELECT participant_id FROM payments WHERE id = ${paymentId}))`
    : sql`p.status = 'succeeded'`;
  const onlyThisPayment = paymentId ? sql`AND payment_id = ${paymentId}` : sql``;
  // MATERIALIZED: each CTE is read several times below and must be computed once. CROSS JOIN fixes
  // the join order (SQLite's rule) so the smaller side drives index lookups into the bigger one.
  return sql`
  sale_payments AS MATERIALIZED (
    SELECT payment_id, order_id, participant_id, paid_at, amount_fen FROM (
      SELECT p.id AS payment_id, p.order_id, p.participant_id, p.paid_at, p.amount_fen,
        ROW_NUMBER() OVER (PARTITION BY p.order_id, p.participant_id ORDER BY p.paid_at, p.id) AS rn
      FROM payments p
      WHERE ${candidates} AND p.paid_at IS NOT NULL AND (p.order_id IS NOT NULL OR p.participant_id IS NOT NULL)
    ) WHERE rn = 1 ${onlyThisPayment}
  ),
  sale_lines AS (
    SELECT sp.payment_id, sp.paid_at, ol.cooperative_id, MAX(ol.county_id) AS county_id, ol.category,
      SUM(ol.line_total_fen) AS goods_fen, SUM(ol.quantity) AS units
    FROM sale_payments sp CROSS JOIN order_lines ol ON ol.order_id = sp.order_id
    GROUP BY sp.payment_id, ol.cooperative_id, ol.category
    UNION ALL
    SELECT sp.payment_id, sp.paid_at, pr.cooperative_id, MAX(pr.county_id), pr.category,
      SUM(pi.line_total_fen), SUM(pi.quantity)
    FROM sale_payments sp
      CROSS JOIN group_buy_participant_items pi ON pi.participant_id = sp.participant_id
      JOIN products pr ON pr.id = pi.product_id
    GROUP BY sp.payment_id, pr.cooperative_id, pr.category
  ),
  sale_facts AS MATERIALIZED (
    SELECT sl.*,
      CASE WHEN sl.category = MIN(sl.category) OVER (PARTITION BY sl.payment_id, sl.cooperative_id) THEN 1 ELSE 0 END AS coop_order
    FROM sale_lines sl
  ),
  sale_refunds AS MATERIALIZED (
    SELECT r.id AS refund_id, r.payment_id, r.amount_fen, r.created_at, sp.amount_fen AS paid_fen
    FROM sale_payments sp CROSS JOIN refunds r ON r.payment_id = sp.payment_id
    WHERE r.status = 'succeeded'
  ),
  refund_facts AS MATERIALIZED (
    SELECT f.*,
      SUM(f.goods_fen) OVER (PARTITION BY f.payment_id ORDER BY f.cooperative_id, f.category ROWS UNBOUNDED PRECEDING) AS cum_fen,
      MAX(rp.paid_fen, SUM(f.goods_fen) OVER (PARTITION BY f.payment_id)) AS base_fen
    FROM (SELECT DISTINCT payment_id, paid_fen FROM sale_refunds) rp CROSS JOIN sale_facts f ON f.payment_id = rp.payment_id
  ),
  refund_shares AS MATERIALIZED (
    SELECT r.refund_id, r.created_at, f.payment_id, f.cooperative_id, f.county_id, f.category,
      (r.amount_fen * f.cum_fen) / f.base_fen - (r.amount_fen * (f.cum_fen - f.goods_fen)) / f.base_fen AS share_fen
    FROM sale_refunds r CROSS JOIN refund_facts f ON f.payment_id = r.payment_id
  )`;
}

/** Refund events: each succeeded refund's goods share per row (only `scope`'s own refund when scoped). */
function refundEvents(scope: EventScope): SQL {
  const onlyThisRefund = scope.kind === 'refund' ? sql`WHERE s.refund_id = ${scope.refundId}` : sql``;
  return sql`
    SELECT ${shanghaiDaySql(sql`s.created_at`)} AS day, s.cooperative_id, s.county_id, s.category,
      0 AS sales_fen, s.share_fen AS refunds_fen, 0 AS orders, 0 AS category_orders, 0 AS units
    FROM refund_shares s
    ${onlyThisRefund}`;
}

/**
 * When a sale is refunded in full: its counts and units taken back, and each row's refunds topped
 * up to exactly its goods (several partial refunds can each round a fen the other way), on the day
 * of its latest refund. Scoped to a refund, only when that (succeeded) refund completed the full refund.
 */
function fullRefundEvents(scope: EventScope): SQL {
  const completedByThisRefund =
    scope.kind === 'refund'
      ? sql`AND SUM(r.amount_fen) - (SELECT amount_fen FROM refunds WHERE id = ${scope.refundId}) < MAX(r.paid_fen)
            AND EXISTS (SELECT 1 FROM refunds WHERE id = ${scope.refundId} AND status = 'succeeded')`
      : sql``;
  return sql`
    SELECT ${shanghaiDaySql(sql`fr.refunded_at`)} AS day, f.cooperative_id, f.county_id, f.category,
      0 AS sales_fen, f.goods_fen - sh.shared_fen AS refunds_fen,
      -f.coop_order AS orders, -1 AS category_orders, -f.units AS units
    FROM (
      SELECT r.payment_id, MAX(r.created_at) AS refunded_at FROM sale_refunds r
      GROUP BY r.payment_id
      HAVING SUM(r.amount_fen) >= MAX(r.paid_fen) ${completedByThisRefund}
    ) fr
      CROSS JOIN refund_facts f ON f.payment_id = fr.payment_id
      JOIN (
        SELECT payment_id, cooperative_id, category, SUM(share_fen) AS shared_fen FROM refund_shares
        GROUP BY payment_id, cooperative_id, category
      ) sh ON sh.payment_id = f.payment_id AND sh.cooperative_id = f.cooperative_id AND sh.category = f.category`;
}

function saleEvents(): SQL {
  return sql`
    SELECT ${shanghaiDaySql(sql`f.paid_at`)} AS day, f.cooperative_id, f.county_id, f.category,
      f.goods_fen AS sales_fen, 0 AS refunds_fen, f.coop_order AS orders, 1 AS category_orders, f.units
    FROM sale_facts f`;
}

/** The events a scope produces, as rows of (day, cooperative_id, county_id, category, sales_fen, …). */
function eventsSql(scope: EventScope): SQL {
  if (scope.kind === 'sale') return saleEvents();
  if (scope.kind === 'refund') return sql`${refundEvents(scope)} UNION ALL ${fullRefundEvents(scope)}`;
  return sql`${saleEvents()} UNION ALL ${refundEvents(scope)} UNION ALL ${fullRefundEvents(scope)}`;
}

/**
 * A SELECT producing `sales_daily` rows, columns in the table's order (as `insert().select()`
 * requires), for the events of `scope`,
 * summed per day × cooperative × category, with the county's current district.
 */
export function salesDailyRowsSql(scope: EventScope): SQL {
  return sql`WITH ${saleCtes(scope)}
    SELECT e.day, e.cooperative_id, MAX(e.county_id) AS county_id, COALESCE(MAX(c.district_id), '') AS district_id,
      e.category, SUM(e.sales_fen) AS sales_fen, SUM(e.refunds_fen) AS refunds_fen, SUM(e.orders) AS orders,
      SUM(e.category_orders) AS category_orders, SUM(e.units) AS units
    FROM (${eventsSql(scope)}) e LEFT JOIN counties c ON c.id = e.county_id
    WHERE true
    GROUP BY e.day, e.cooperative_id, e.category`;
}
