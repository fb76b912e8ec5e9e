import { sql, type SQL } from 'drizzle-orm';
import { recomputedSalesDailySql } from './recompute';
import type { ProductCategory } from '../db/schema';

/** The slice of sales a report covers (shared by the SQL and the report built from it). */
export type ImpactFilter = {
  /** First Shanghai calendar day included, 'YYYY-MM-DD'. */
  from?: string;
  /** Last Shanghai calendar day included, 'YYYY-MM-DD'. */
  to?: string;
  district?: string;
  county?: string;
  category?: ProductCategory;
};

export type ReportSource = 'rollup' | 'recompute';

/**
 * The impact report's one SQL statement. Its slice of the rollup takes whole months from
 * `sales_monthly` and only the partial months at either end of the range from `sales_daily` (or
 * every row from the recomputation); every breakdown is then summed in SQL, so a few dozen rows
 * leave D1 whatever the number of orders.
 */

const monthOf = (day: string) => day.slice(0, 7);

function addMonths(month: string, delta: 1 | -1): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + delta;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

const isLastDayOfMonth = (day: string) => monthOf(new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString()) !== monthOf(day);

/**
 * The whole months inside [from, to] (read from `sales_monthly`) and the day ranges left over at
 * either end (read from `sales_daily`). Without whole months, the range is read by day.
 */
export function splitRange(from?: string, to?: string): { months: { first: string; last: string } | null; days: { from?: string; to?: string }[] } {
  const first = from === undefined ? '0000-00' : from.endsWith('-01') ? monthOf(from) : addMonths(monthOf(from), 1);
  const last = to === undefined ? '9999-99' : isLastDayOfMonth(to) ? monthOf(to) : addMonths(monthOf(to), -1);
  if (first > last) return { months: null, days: [{ from, to }] };
  const days: { from?: string; to?: string }[] = [];
  // 'YYYY-MM-31' and 'YYYY-MM-01' bound a month's days as strings, whatever its length.
  if (from !== undefined && monthOf(from) < first) days.push({ from, to: `${monthOf(from)}-31` });
  if (to !== undefined && monthOf(to) > last) days.push({ from: `${monthOf(to)}-01`, to });
  return { months: { first, last }, days };
}

const SLICE_COLUMNS = sql.raw('cooperative_id, county_id, district_id, category, sales_fen, refunds_fen, orders, category_orders');

/** The rows of the rollup in the filter's slice, each with its month (rows may repeat a month). */
function sliceSql(filter: ImpactFilter, source: ReportSource): SQL {
  const places = (alias: string): SQL[] => {
    const conditions: SQL[] = [];
    if (filter.district) conditions.push(sql`${sql.raw(alias)}.district_id = ${filter.district}`);
    if (filter.county) conditions.push(sql`${sql.raw(alias)}.county_id = ${filter.county}`);
    if (filter.category) conditions.push(sql`${sql.raw(alias)}.category = ${filter.category}`);
    return conditions;
  };
  const dayRange = (range: { from?: string; to?: string }) => [
    ...(range.from ? [sql`s.day >= ${range.from}`] : []),
    ...(range.to ? [sql`s.day <= ${range.to}`] : []),
  ];
  const where = (conditions: SQL[]) => (conditions.length ? sql`WHERE ${sql.join(conditions, sql` AND `)}` : sql``);
  if (source === 'recompute') {
    return sql`SELECT substr(s.day, 1, 7) AS month, ${SLICE_COLUMNS} FROM (${recomputedSalesDailySql()}) s
      ${where([...dayRange(filter), ...places('s')])}`;
  }
  const { months, days } = splitRange(filter.from, filter.to);
  const parts: SQL[] = [];
  if (months) {
    parts.push(sql`SELECT m.month, ${SLICE_COLUMNS} FROM sales_monthly m
      ${where([sql`m.month >= ${months.first}`, sql`m.month <= ${months.last}`, ...places('m')])}`);
  }
  for (const range of days) {
    parts.push(sql`SELECT substr(s.day, 1, 7) AS month, ${SLICE_COLUMNS} FROM sales_daily s ${where([...dayRange(range), ...places('s')])}`);
  }
  return sql.join(parts, sql` UNION ALL `);
}

/** Figures of a group of per-cooperative rows `g` (net, refunds, orders, households). */
const GROUP_FIGURES = sql.raw(`SUM(g.net) AS salesFen, SUM(g.refunds) AS refundsFen, SUM(g.orders) AS orders,
  SUM(CASE WHEN g.net > 0 THEN 1 ELSE 0 END) AS cooperatives,
  SUM(CASE WHEN g.net > 0 THEN g.households ELSE 0 END) AS households`);

/**
 * A breakdown by a column of the slice that varies within a cooperative (category, month): each
 * cooperative's net within the group first, so `cooperatives` and `households` count only those
 * with positive net sales in it.
 */
function breakdownWithinCooperatives(dimension: string, key: string, orders: SQL): SQL {
  return sql`SELECT ${dimension} AS dimension, g.k AS key, ${GROUP_FIGURES} FROM (
      SELECT c.${sql.raw(key)} AS k, c.cooperative_id, SUM(c.sales_fen - c.refunds_fen) AS net, SUM(c.refunds_fen) AS refunds,
        SUM(${orders}) AS orders, COALESCE(MAX(o.households_benefited), 0) AS households
      FROM cells c LEFT JOIN organization o ON o.id = c.cooperative_id
      GROUP BY c.${sql.raw(key)}, c.cooperative_id
    ) g GROUP BY g.k`;
}

/**
 * The whole report as rows of (dimension, key, figures): total, county, district, category, month.
 * Total, county and district are sums of whole cooperatives (a cooperative lies in one county and
 * one district), so they share one per-cooperative pass; category and month need one pass each.
 */
export function reportSql(filter: ImpactFilter, source: ReportSource = 'rollup'): SQL {
  // Under a category filter only that category's rows are read, so orders must be counted per category.
  const orders = filter.category ? sql.raw('c.category_orders') : sql.raw('c.orders');
  return sql`WITH cells AS MATERIALIZED (${sliceSql(filter, source)}),
    cooperatives AS MATERIALIZED (
      SELECT c.cooperative_id, MAX(c.county_id) AS county_id, MAX(c.district_id) AS district_id,
        SUM(c.sales_fen - c.refunds_fen) AS net, SUM(c.refunds_fen) AS refunds, SUM(${orders}) AS orders,
        COALESCE(MAX(o.households_benefited), 0) AS households
      FROM cells c LEFT JOIN organization o ON o.id = c.cooperative_id
      GROUP BY c.cooperative_id
    )
    SELECT 'total' AS dimension, '' AS key, ${GROUP_FIGURES} FROM cooperatives g
    UNION ALL SELECT 'county', g.county_id, ${GROUP_FIGURES} FROM cooperatives g GROUP BY g.county_id
    UNION ALL SELECT 'district', g.district_id, ${GROUP_FIGURES} FROM cooperatives g GROUP BY g.district_id
    UNION ALL ${breakdownWithinCooperatives('category', 'category', sql.raw('c.category_orders'))}
    UNION ALL ${breakdownWithinCooperatives('month', 'month', orders)}`;
}
