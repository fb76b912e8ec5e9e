import { sql, type SQL } from 'drizzle-orm';
import { categories } from '../../seeds/data';
import type { Db } from '../db/client';
import type { ProductCategory } from '../db/schema';
import { AppError } from '../lib/errors';
import { selectBatch } from './raw-reads';
import { recomputedSalesDailySql } from './recompute';

/**
 * The impact report: paid sales net of refunds by county, by paired Shanghai district, by category
 * and by month, read from the `sales_daily` rollup in two statements sent as one batch.
 * Definitions (what a sale, a refund and an order are) live in ./sales-events.ts.
 *
 * - `salesFen` is net: goods sold minus the goods share of refunds issued in the period.
 * - `orders` counts cooperative orders (an order from two cooperatives is two, as it is two
 *   shipments); in `byCategory`, and whenever a category filter is set, an order counts once per
 *   cooperative and category it bought.
 * - `cooperatives` are the cooperatives whose net sales in the slice are positive, and
 *   `households` the sum of their `householdsBenefited`.
 */

export type ImpactFilter = {
  /** First Shanghai calendar day included, 'YYYY-MM-DD'. */
  from?: string;
  /** Last Shanghai calendar day included, 'YYYY-MM-DD'. */
  to?: string;
  district?: string;
  county?: string;
  category?: ProductCategory;
};

export type ImpactFigures = {
  salesFen: number;
  refundsFen: number;
  orders: number;
  households: number;
  cooperatives: number;
};

export type Named = { nameZh: string; nameEn: string };

export type ImpactReport = {
  filter: { from: string | null; to: string | null; district: string | null; county: string | null; category: ProductCategory | null };
  totals: ImpactFigures;
  byCounty: (ImpactFigures & Named & { countyId: string; districtId: string | null })[];
  byDistrict: (ImpactFigures & Named & { districtId: string | null })[];
  byCategory: (ImpactFigures & Named & { category: string })[];
  byMonth: (ImpactFigures & Named & { month: string })[];
};

/** Where the rows come from: the maintained rollup, or the from-scratch recomputation. */
export type ReportSource = 'rollup' | 'recompute';

/** One (month × cooperative × category) cell of the slice: the grain every breakdown is summed from. */
type Cell = {
  month: string;
  cooperativeId: string;
  category: string;
  countyId: string;
  salesFen: number;
  refundsFen: number;
  orders: number;
  categoryOrders: number;
  households: number | null;
};

export type Place = { kind: 'county' | 'district'; id: string; nameZh: string; nameEn: string; districtId: string | null };

export const UNPAIRED_DISTRICT: Named = { nameZh: '上海市（全市统筹）', nameEn: 'Shanghai (city-wide)' };

const categoryNames = new Map<string, Named>(categories.map((c) => [c.id, { nameZh: c.nameZh, nameEn: c.nameEn }]));

export function categoryName(category: string): Named {
  return categoryNames.get(category) ?? { nameZh: category, nameEn: category };
}

export function monthName(month: string): Named {
  const [year, mm] = month.split('-');
  const date = new Date(Date.UTC(Number(year), Number(mm) - 1, 1));
  return {
    nameZh: `${year}年${Number(mm)}月`,
    nameEn: date.toLocaleString('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' }),
  };
}

/** The report's one read of the rollup: the slice summed per month × cooperative × category. */
export function cellsSql(filter: ImpactFilter, source: ReportSource = 'rollup'): SQL {
  const from = source === 'rollup' ? sql`sales_daily` : sql`(${recomputedSalesDailySql()})`;
  const conditions: SQL[] = [];
  if (filter.from) conditions.push(sql`s.day >= ${filter.from}`);
  if (filter.to) conditions.push(sql`s.day <= ${filter.to}`);
  if (filter.district) conditions.push(sql`s.district_id = ${filter.district}`);
  if (filter.county) conditions.push(sql`s.county_id = ${filter.county}`);
  if (filter.category) conditions.push(sql`s.category = ${filter.category}`);
  const where = conditions.length ? sql`WHERE ${sql.join(conditions, sql` AND `)}` : sql``;
  // Group first, then look up each cooperative's households once per group rather than per day.
  return sql`SELECT g.*, o.households_benefited AS households FROM (
      SELECT substr(s.day, 1, 7) AS month, s.cooperative_id AS cooperativeId, s.category, MAX(s.county_id) AS countyId,
        SUM(s.sales_fen) AS salesFen, SUM(s.refunds_fen) AS refundsFen, SUM(s.orders) AS orders,
        SUM(s.category_orders) AS categoryOrders
      FROM ${from} s ${where}
      GROUP BY month, s.cooperative_id, s.category
    ) g LEFT JOIN organization o ON o.id = g.cooperativeId`;
}

const PLACES_SQL = sql`SELECT 'district' AS kind, id, name_zh AS nameZh, name_en AS nameEn, NULL AS districtId, sort_order AS sortOrder FROM districts
  UNION ALL SELECT 'county', id, name_zh, name_en, district_id, 0 FROM counties
  ORDER BY kind DESC, sortOrder, nameEn`;

/** Every district (in their display order) then every county (by English name). */
export async function loadPlaces(db: Db): Promise<Place[]> {
  return db.all<Place>(PLACES_SQL);
}

/** Throws a 400 naming the parameter when a filter names a district or county that does not exist. */
function checkFilterPlaces(filter: ImpactFilter, places: Place[]) {
  const errors = [];
  if (filter.district && !places.some((p) => p.kind === 'district' && p.id === filter.district)) {
    errors.push({ path: 'query.district', message: `Unknown district "${filter.district}"` });
  }
  if (filter.county && !places.some((p) => p.kind === 'county' && p.id === filter.county)) {
    errors.push({ path: 'query.county', message: `Unknown county "${filter.county}"` });
  }
  if (errors.length) {
    throw new AppError('validation_failed', `Invalid ${errors.map((e) => e.path).join(', ')}`, { errors });
  }
}

function figuresOf(cells: Cell[], ordersOf: (cell: Cell) => number): ImpactFigures {
  const netByCooperative = new Map<string, { net: number; households: number }>();
  let salesFen = 0;
  let refundsFen = 0;
  let orders = 0;
  for (const cell of cells) {
    salesFen += cell.salesFen - cell.refundsFen;
    refundsFen += cell.refundsFen;
    orders += ordersOf(cell);
    const coop = netByCooperative.get(cell.cooperativeId) ?? { net: 0, households: cell.households ?? 0 };
    coop.net += cell.salesFen - cell.refundsFen;
    netByCooperative.set(cell.cooperativeId, coop);
  }
  let cooperatives = 0;
  let households = 0;
  for (const coop of netByCooperative.values()) {
    if (coop.net > 0) {
      cooperatives += 1;
      households += coop.households;
    }
  }
  return { salesFen, refundsFen, orders, households, cooperatives };
}

function groupBy<K>(cells: Cell[], keyOf: (cell: Cell) => K): Map<K, Cell[]> {
  const groups = new Map<K, Cell[]>();
  for (const cell of cells) {
    const key = keyOf(cell);
    const group = groups.get(key);
    if (group) group.push(cell);
    else groups.set(key, [cell]);
  }
  return groups;
}

const bySalesThenName = (a: ImpactFigures & Named, b: ImpactFigures & Named) =>
  b.salesFen - a.salesFen || a.nameEn.localeCompare(b.nameEn);

/** Every month from the first to the last one with figures, so a line chart shows quiet months as zero. */
function monthsBetween(first: string, last: string): string[] {
  const months: string[] = [];
  let [year, month] = first.split('-').map(Number) as [number, number];
  for (;;) {
    const key = `${year}-${String(month).padStart(2, '0')}`;
    months.push(key);
    if (key >= last) return months;
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
}

function shapeReport(filter: ImpactFilter, cells: Cell[], places: Place[]): ImpactReport {
  const county = new Map(places.filter((p) => p.kind === 'county').map((p) => [p.id, p]));
  const district = new Map(places.filter((p) => p.kind === 'district').map((p) => [p.id, p]));
  // Under a category filter only that category's rows are read, so orders must be counted per category.
  const ordersOf = filter.category ? (c: Cell) => c.categoryOrders : (c: Cell) => c.orders;
  const districtOf = (cell: Cell) => county.get(cell.countyId)?.districtId ?? null;

  const byCounty = [...groupBy(cells, (c) => c.countyId)].map(([countyId, group]) => {
    const place = county.get(countyId);
    return {
      countyId,
      nameZh: place?.nameZh ?? countyId,
      nameEn: place?.nameEn ?? countyId,
      districtId: place?.districtId ?? null,
      ...figuresOf(group, ordersOf),
    };
  });
  const byDistrict = [...groupBy(cells, districtOf)].map(([districtId, group]) => {
    const place = districtId ? district.get(districtId) : undefined;
    return {
      districtId,
      nameZh: place?.nameZh ?? UNPAIRED_DISTRICT.nameZh,
      nameEn: place?.nameEn ?? UNPAIRED_DISTRICT.nameEn,
      ...figuresOf(group, ordersOf),
    };
  });
  const byCategory = [...groupBy(cells, (c) => c.category)].map(([category, group]) => ({
    category,
    ...categoryName(category),
    ...figuresOf(group, (c) => c.categoryOrders),
  }));
  const monthGroups = groupBy(cells, (c) => c.month);
  const monthKeys = [...monthGroups.keys()].sort();
  const byMonth = monthKeys.length
    ? monthsBetween(monthKeys[0]!, monthKeys[monthKeys.length - 1]!).map((month) => ({
        month,
        ...monthName(month),
        ...figuresOf(monthGroups.get(month) ?? [], ordersOf),
      }))
    : [];

  return {
    filter: {
      from: filter.from ?? null,
      to: filter.to ?? null,
      district: filter.district ?? null,
      county: filter.county ?? null,
      category: filter.category ?? null,
    },
    totals: figuresOf(cells, ordersOf),
    byCounty: byCounty.sort(bySalesThenName),
    byDistrict: byDistrict.sort(bySalesThenName),
    byCategory: byCategory.sort(bySalesThenName),
    byMonth,
  };
}

/** The report and every district and county (for filter forms), in one round trip of two statements. */
export async function loadImpact(db: Db, filter: ImpactFilter, source: ReportSource = 'rollup'): Promise<{ report: ImpactReport; places: Place[] }> {
  const [places, cells] = await selectBatch<[Place, Cell]>(db, [PLACES_SQL, cellsSql(filter, source)]);
  checkFilterPlaces(filter, places);
  return { report: shapeReport(filter, cells, places), places };
}

/** The report for `filter`, from the rollup (default) or from the recomputation. */
export async function impactReport(db: Db, filter: ImpactFilter, source: ReportSource = 'rollup'): Promise<ImpactReport> {
  return (await loadImpact(db, filter, source)).report;
}
