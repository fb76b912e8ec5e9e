import { toCsv } from '../lib/csv';
import type { ImpactFigures, ImpactReport } from './report';

/**
 * The impact report as one CSV table, a row per figure set, told apart by the `dimension` column:
 * `total` (one row), then `county`, `district`, `category` and `month` rows in the JSON's order.
 * `key` is the county, district or category id or the month ('YYYY-MM'; empty for the total and for
 * counties Shanghai supports city-wide). Money is in fen, like the JSON, so the numbers match exactly.
 * The file starts with a UTF-8 byte order mark so spreadsheet software shows the Chinese names; the
 * shared writer defuses cells a spreadsheet would run as formulas (a name starting with `=`).
 */
export const CSV_COLUMNS = ['dimension', 'key', 'nameZh', 'nameEn', 'salesFen', 'refundsFen', 'orders', 'households', 'cooperatives'] as const;

function row(dimension: string, key: string | null, names: { nameZh: string; nameEn: string }, figures: ImpactFigures): unknown[] {
  return [dimension, key ?? '', names.nameZh, names.nameEn, figures.salesFen, figures.refundsFen, figures.orders, figures.households, figures.cooperatives];
}

export function impactCsv(report: ImpactReport): string {
  return toCsv([
    [...CSV_COLUMNS],
    row('total', null, { nameZh: '合计', nameEn: 'Total' }, report.totals),
    ...report.byCounty.map((r) => row('county', r.countyId, r, r)),
    ...report.byDistrict.map((r) => row('district', r.districtId, r, r)),
    ...report.byCategory.map((r) => row('category', r.category, r, r)),
    ...report.byMonth.map((r) => row('month', r.month, r, r)),
  ]);
}

/** A download name describing the slice, e.g. `shanhai-impact-2026-01-01_2026-06-30-county-huize.csv`. */
export function impactCsvFilename(filter: ImpactReport['filter']): string {
  const parts = ['shanhai-impact', `${filter.from ?? 'start'}_${filter.to ?? 'today'}`];
  if (filter.district) parts.push(`district-${filter.district}`);
  if (filter.county) parts.push(`county-${filter.county}`);
  if (filter.category) parts.push(`category-${filter.category}`);
  return `${parts.join('-').replace(/[^a-zA-Z0-9_.-]/g, '')}.csv`;
}
