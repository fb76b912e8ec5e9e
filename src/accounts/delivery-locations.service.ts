import { and, asc, eq, ne, sql } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import type { Db } from '../db/client';
import { runBatch, type Statement } from '../db/batch';
import { deliveryLocations } from '../db/schema';
import { AppError } from '../lib/errors';
import { newId } from '../lib/ids';
import { decodeCursor, encodeCursor } from '../lib/pagination';
import type { CreateLocationInput, UpdateLocationInput } from './accounts.schemas';
import { getOrganization, requireDistrict } from './organizations.service';
import { isBuyerKind } from './policy';

type LocationRow = typeof deliveryLocations.$inferSelect;

const locationCursor = z.tuple([z.number().int(), z.string()]);

function locationView(row: LocationRow) {
  return { ...row, createdAt: new Date(row.createdAt).toISOString() };
}
export type LocationView = ReturnType<typeof locationView>;

/** Delivery locations belong to buyer organisations (canteens, enterprises, showrooms) only. */
async function requireBuyerOrganization(db: Db, organizationId: string): Promise<void> {
  const org = await getOrganization(db, organizationId);
  if (!isBuyerKind(org.kind)) throw new AppError('not_found', `${org.name} has no delivery locations`);
}

/** Only one default per organisation: making one the default clears the flag on the others. */
function clearOtherDefaults(db: Db, organizationId: string, keepId: string): Statement {
  return db
    .update(deliveryLocations)
    .set({ isDefault: false })
    .where(and(eq(deliveryLocations.organizationId, organizationId), ne(deliveryLocations.id, keepId)));
}

export async function listLocations(db: Db, organizationId: string, page: { limit: number; cursor?: string }) {
  await requireBuyerOrganization(db, organizationId);
  const after = page.cursor ? decodeCursor(page.cursor, locationCursor) : null;
  const rows = await db
    .select()
    .from(deliveryLocations)
    .where(
      and(
        eq(deliveryLocations.organizationId, organizationId),
        after ? sql`(${deliveryLocations.createdAt}, ${deliveryLocations.id}) > (${after[0]}, ${after[1]})` : undefined,
      ),
    )
    .orderBy(asc(deliveryLocations.createdAt), asc(deliveryLocations.id))
    .limit(page.limit + 1);
  const items = rows.slice(0, page.limit).map(locationView);
  const last = rows.length > page.limit ? rows[page.limit - 1]! : null;
  return { items, nextCursor: last ? encodeCursor([last.createdAt, last.id]) : null };
}

export async function getLocation(db: Db, organizationId: string, id: string): Promise<LocationView> {
  const [row] = await db
    .select()
    .from(deliveryLocations)
    .where(and(eq(deliveryLocations.id, id), eq(deliveryLocations.organizationId, organizationId)))
    .limit(1);
  if (!row) throw new AppError('not_found', `Delivery location ${id} not found`);
  return locationView(row);
}

export async function createLocation(db: Db, organizationId: string, input: CreateLocationInput, now = Date.now()): Promise<LocationView> {
  await requireBuyerOrganization(db, organizationId);
  await requireDistrict(db, input.districtId);
  const [existing] = await db
    .select({ id: deliveryLocations.id })
    .from(deliveryLocations)
    .where(eq(deliveryLocations.organizationId, organizationId))
    .limit(1);
  const id = newId('loc');
  // The first location is the default whatever was asked; a later one only when asked.
  const isDefault = !existing || input.isDefault === true;
  const statements: Statement[] = [
    db.insert(deliveryLocations).values({
      id,
      organizationId,
      label: input.label,
      recipient: input.recipient,
      phone: input.phone,
      districtId: input.districtId,
      street: input.street,
      receivingHours: input.receivingHours ?? null,
      isDefault,
      createdAt: now,
    }),
  ];
  if (isDefault) statements.push(clearOtherDefaults(db, organizationId, id));
  await runBatch(db, statements);
  return getLocation(db, organizationId, id);
}

export async function updateLocation(db: Db, organizationId: string, id: string, patch: UpdateLocationInput): Promise<LocationView> {
  await getLocation(db, organizationId, id);
  if (patch.districtId) await requireDistrict(db, patch.districtId);
  const changes = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<LocationRow>;
  const statements: Statement[] = [];
  if (Object.keys(changes).length > 0) {
    statements.push(
      db
        .update(deliveryLocations)
        .set(changes)
        .where(and(eq(deliveryLocations.id, id), eq(deliveryLocations.organizationId, organizationId))),
    );
  }
  if (patch.isDefault === true) statements.push(clearOtherDefaults(db, organizationId, id));
  await runBatch(db, statements);
  return getLocation(db, organizationId, id);
}

export async function deleteLocation(db: Db, organizationId: string, id: string): Promise<void> {
  await getLocation(db, organizationId, id);
  await db.delete(deliveryLocations).where(and(eq(deliveryLocations.id, id), eq(deliveryLocations.organizationId, organizationId)));
}
