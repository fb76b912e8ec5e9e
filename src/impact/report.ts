import { sql } from 'drizzle-orm';
import { categories } from '../lib/categories';
import type { Db } from '../db/client';
import type { ProductCategory } from '../db/schema';
import { AppError } from '../lib/errors';
import { selectBatch } from './raw-reads';
import { reportSql } from './report-sql';

/**
 * The impact report: paid sales net of refunds by county, by paired Shanghai district, by category
 * and by month, computed by one SQL statement (./report-sql.ts) and shaped here with names.
 * Reports are cached per version of the data (see `loadImpact`), so most requests cost one one-row read.
 * Definitions (what a sale, a refund and an order are) live in ./sales-events.ts.
 *
 * - `salesFen` is net: goods sold minus the goods share of refunds issued in the period.
 * - `orders` counts cooperative orders (an order from two cooperatives is two, as it is two
 *   shipments); in `byCategory`, and whenever a category filter is set, an order counts once per
 *   cooperative and category it bought.
 * - `cooperatives` are the cooperatives whose net sales in the slice are positive, and
 *   `households` the sum of their `householdsBenefited`.
 */

export type { ImpactFilter, ReportSource } from './report-sql';
import type { ImpactFilter, ReportSource } from './report-sql';

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
export type Place = { kind: 'county' | 'district'; id: string; nameZh: string; nameEn: string; districtId: string | null };

export const UNPAIRED_DISTRICT: Named = { nameZh: '上海市（全市统筹）', nameEn: 'Shanghai (city-wide)' };

const categoryNames = new Map<string, Named>(categories.map((c) => [c.id, { nameZh: c.nameZh, nameEn: c.nameEn }]));

export function categoryName(category: string): Named {
  return categoryNames.get(category) ?? { nameZh: category, nameEn: category };
}

export const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

export function monthName(month: string): Named {
  const [year, mm] = month.split('-');
  return { nameZh: `${year}年${Number(mm)}月`, nameEn: `${MONTHS_EN[Number(mm) - 1]} ${year}` };
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

type BreakdownRow = ImpactFigures & { dimension: 'total' | 'county' | 'district' | 'category' | 'month'; key: string };

const NO_FIGURES: ImpactFigures = { salesFen: 0, refundsFen: 0, orders: 0, households: 0, cooperatives: 0 };

/** SQL sums over no rows are NULL: an empty slice is all zeros. */
function figures(row: BreakdownRow): ImpactFigures {
  return {
    salesFen: row.salesFen ?? 0,
    refundsFen: row.refundsFen ?? 0,
    orders: row.orders ?? 0,
    households: row.households ?? 0,
    cooperatives: row.cooperatives ?? 0,
  };
}

function shapeReport(filter: ImpactFilter, rows: BreakdownRow[], places: Place[]): ImpactReport {
  const county = new Map(places.filter((p) => p.kind === 'county').map((p) => [p.id, p]));
  const district = new Map(places.filter((p) => p.kind === 'district').map((p) => [p.id, p]));
  const of = (dimension: BreakdownRow['dimension']) => rows.filter((r) => r.dimension === dimension);

  const byCounty = of('county').map((r) => {
    const place = county.get(r.key);
    return { countyId: r.key, nameZh: place?.nameZh ?? r.key, nameEn: place?.nameEn ?? r.key, districtId: place?.districtId ?? null, ...figures(r) };
  });
  const byDistrict = of('district').map((r) => {
    const place = r.key ? district.get(r.key) : undefined;
    return {
      districtId: r.key || null,
      nameZh: place?.nameZh ?? UNPAIRED_DISTRICT.nameZh,
      nameEn: place?.nameEn ?? UNPAIRED_DISTRICT.nameEn,
      ...figures(r),
    };
  });
  const byCategory = of('category').map((r) => ({ category: r.key, ...categoryName(r.key), ...figures(r) }));
  const months = new Map(of('month').map((r) => [r.key, figures(r)]));
  const monthKeys = [...months.keys()].sort();
  const byMonth = monthKeys.length
    ? monthsBetween(monthKeys[0]!, monthKeys[monthKeys.length - 1]!).map((month) => ({ month, ...monthName(month), ...(months.get(month) ?? NO_FIGURES) }))
    : [];
  const total = of('total')[0];

  return {
    filter: {
      from: filter.from ?? null,
      to: filter.to ?? null,
      district: filter.district ?? null,
      county: filter.county ?? null,
      category: filter.category ?? null,
    },
    totals: total ? figures(total) : NO_FIGURES,
    byCounty: byCounty.sort(bySalesThenName),
    byDistrict: byDistrict.sort(bySalesThenName),
    byCategory: byCategory.sort(bySalesThenName),
    byMonth,
  };
}

const VERSION_SQL = sql`SELECT version FROM impact_state WHERE id = 1`;

type Loaded = { report: ImpactReport; places: Place[] };

/**
 * Reports by (data version, filter). The version changes with every write the report depends on —
 * sales, refunds, households, districts and counties (migration 0004's triggers) — so an entry is
 * never stale; an isolate keeps the most recent few hundred slices.
 */
const cache = new Map<string, Loaded>();
const CACHE_ENTRIES = 256;

async function compute(db: Db, filter: ImpactFilter, source: ReportSource): Promise<Loaded> {
  const [places, rows] = await selectBatch<[Place, BreakdownRow]>(db, [PLACES_SQL, reportSql(filter, source)]);
  checkFilterPlaces(filter, places);
  return { report: shapeReport(filter, rows, places), places };
}

/**
 * The report and every district and county (for filter forms). A request reads the data version
 * (one one-row statement) and answers from the cache for that version, or computes the report in a
 * second round trip. The recomputation (tests, admin checks) is never cached.
 */
export async function loadImpact(db: Db, filter: ImpactFilter, source: ReportSource = 'rollup'): Promise<Loaded> {
  if (source === 'recompute') return compute(db, filter, source);
  const [state] = await db.all<{ version: number }>(VERSION_SQL);
  const key = `${state?.version}|${filter.from ?? ''}|${filter.to ?? ''}|${filter.district ?? ''}|${filter.county ?? ''}|${filter.category ?? ''}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const loaded = await compute(db, filter, source);
  cache.set(key, loaded);
  if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  return loaded;
}

/** The report for `filter`, from the rollup (default) or from the recomputation. */
export async function impactReport(db: Db, filter: ImpactFilter, source: ReportSource = 'rollup'): Promise<ImpactReport> {
  return (await loadImpact(db, filter, source)).report;
}
