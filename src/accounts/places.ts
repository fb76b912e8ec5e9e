import { asc } from 'drizzle-orm';
import type { Db } from '../db/client';
import { counties, districts } from '../db/schema';
import { localized, type Locale } from '../lib/i18n';

/** Shanghai districts and paired counties as labelled choices for the accounts pages' forms and lists. */
export type Option = { id: string; label: string };

export async function districtOptions(db: Db, locale: Locale): Promise<Option[]> {
  const rows = await db.select({ id: districts.id, nameZh: districts.nameZh, nameEn: districts.nameEn }).from(districts).orderBy(asc(districts.sortOrder));
  return rows.map((r) => ({ id: r.id, label: localized(r, 'name', locale) }));
}

export async function countyOptions(db: Db, locale: Locale): Promise<Option[]> {
  const rows = await db
    .select({ id: counties.id, nameZh: counties.nameZh, nameEn: counties.nameEn, prefectureZh: counties.prefectureZh, prefectureEn: counties.prefectureEn })
    .from(counties)
    .orderBy(asc(counties.prefectureZh), asc(counties.nameZh));
  return rows.map((r) => ({ id: r.id, label: `${localized(r, 'prefecture', locale)} · ${localized(r, 'name', locale)}` }));
}

