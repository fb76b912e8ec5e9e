import type { Db } from '../db/client';
import { AppError } from '../lib/errors';
import { loadImpact, type ImpactReport, type Named } from './report';

/** One county's impact figures, all time: what `CountyImpactSection` renders. */
export type CountyImpact = Named & {
  countyId: string;
  totals: ImpactReport['totals'];
  byMonth: ImpactReport['byMonth'];
  byCategory: ImpactReport['byCategory'];
};

/**
 * The figures of `countyId` (paid sales net of refunds, all time) from the rollup, in one round
 * trip of two statements; null when there is no such county.
 */
export async function countyImpact(db: Db, countyId: string): Promise<CountyImpact | null> {
  try {
    const { report, places } = await loadImpact(db, { county: countyId });
    const county = places.find((p) => p.kind === 'county' && p.id === countyId)!;
    return {
      countyId,
      nameZh: county.nameZh,
      nameEn: county.nameEn,
      totals: report.totals,
      byMonth: report.byMonth,
      byCategory: report.byCategory,
    };
  } catch (error) {
    // An unknown county is the only validation the report does on a county-only filter.
    if (error instanceof AppError && error.code === 'validation_failed') return null;
    throw error;
  }
}
