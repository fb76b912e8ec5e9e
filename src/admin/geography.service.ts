import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { isConstraintError, runBatch, type Statement } from '../db/batch';
import { counties, districts, organization, salesDaily, type PairingKind } from '../db/schema';
import type { Actor } from '../env';
import { auditEntry } from '../lib/audit';
import { AppError } from '../lib/errors';

/**
 * Districts, counties and their pairings, managed by the platform admin. Every change is audited in
 * the same batch. Moving a county to another district re-attributes its history: the copies of its
 * district on its cooperatives and in the impact rollup (`sales_daily`) move with it, so the impact
 * report by district always follows the current pairing.
 */

export type District = typeof districts.$inferSelect;
export type County = typeof counties.$inferSelect;

export type DistrictInput = { id: string; nameZh: string; nameEn: string; pairingNoteZh?: string; pairingNoteEn?: string; sortOrder?: number };
export type DistrictPatch = Partial<Omit<DistrictInput, 'id'>>;

export type CountyInput = {
  id: string;
  nameZh: string;
  nameEn: string;
  prefectureZh: string;
  prefectureEn: string;
  provinceZh: string;
  provinceEn: string;
  districtId: string | null;
  pairingKind: PairingKind;
  summaryZh?: string;
  summaryEn?: string;
};
export type CountyPatch = Partial<Omit<CountyInput, 'id'>>;

export async function listGeography(db: Db): Promise<{ districts: District[]; counties: County[] }> {
  const [d, c] = await db.batch([
    db.select().from(districts).orderBy(asc(districts.sortOrder), asc(districts.id)),
    db.select().from(counties).orderBy(asc(counties.nameEn)),
  ]);
  return { districts: d, counties: c };
}

async function findDistrict(db: Db, id: string) {
  return db.select().from(districts).where(eq(districts.id, id)).get();
}

async function findCounty(db: Db, id: string) {
  return db.select().from(counties).where(eq(counties.id, id)).get();
}

/** A 400 naming `body.districtId` unless the district exists (null = supported by Shanghai as a whole). */
async function requireKnownDistrict(db: Db, districtId: string | null | undefined) {
  if (!districtId) return;
  if (!(await findDistrict(db, districtId))) {
    throw new AppError('validation_failed', 'Invalid body.districtId', {
      errors: [{ path: 'body.districtId', message: `Unknown district "${districtId}"` }],
    });
  }
}

async function insertOrConflict(db: Db, statements: Statement[], what: string) {
  try {
    await runBatch(db, statements);
  } catch (error) {
    if (isConstraintError(error)) throw new AppError('conflict', `${what} already exists`);
    throw error;
  }
}

export async function createDistrict(db: Db, actor: Actor, input: DistrictInput): Promise<District> {
  const row: District = { pairingNoteZh: '', pairingNoteEn: '', sortOrder: 100, ...input };
  await insertOrConflict(
    db,
    [db.insert(districts).values(row), auditEntry(db, { actor, action: 'district.create', entityType: 'district', entityId: row.id, after: row })],
    `District ${row.id}`,
  );
  return row;
}

export async function updateDistrict(db: Db, actor: Actor, id: string, patch: DistrictPatch): Promise<District> {
  const before = await findDistrict(db, id);
  if (!before) throw new AppError('not_found', `District ${id} not found`);
  const after: District = { ...before, ...patch };
  await runBatch(db, [
    db.update(districts).set(patch).where(eq(districts.id, id)),
    auditEntry(db, { actor, action: 'district.update', entityType: 'district', entityId: id, before, after }),
  ]);
  return after;
}

export async function createCounty(db: Db, actor: Actor, input: CountyInput): Promise<County> {
  await requireKnownDistrict(db, input.districtId);
  const row: County = { summaryZh: '', summaryEn: '', ...input };
  await insertOrConflict(
    db,
    [db.insert(counties).values(row), auditEntry(db, { actor, action: 'county.create', entityType: 'county', entityId: row.id, after: row })],
    `County ${row.id}`,
  );
  return row;
}

export async function updateCounty(db: Db, actor: Actor, id: string, patch: CountyPatch): Promise<County> {
  const before = await findCounty(db, id);
  if (!before) throw new AppError('not_found', `County ${id} not found`);
  await requireKnownDistrict(db, patch.districtId);
  const after: County = { ...before, ...patch };
  const statements: Statement[] = [db.update(counties).set(patch).where(eq(counties.id, id))];
  if (patch.districtId !== undefined && patch.districtId !== before.districtId) {
    // The pairing moved: its cooperatives and its impact history move with it.
    statements.push(
      db.update(organization).set({ districtId: patch.districtId }).where(and(eq(organization.countyId, id), eq(organization.kind, 'cooperative'))),
      db.update(salesDaily).set({ districtId: patch.districtId ?? '' }).where(eq(salesDaily.countyId, id)),
    );
  }
  statements.push(auditEntry(db, { actor, action: 'county.update', entityType: 'county', entityId: id, before, after }));
  await runBatch(db, statements);
  return after;
}
