import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { runBatch } from '../db/batch';
import { counties, districts, member, organization, type MemberRole, type OrganizationKind } from '../db/schema';
import type { Actor } from '../env';
import { auditEntry } from '../lib/audit';
import { AppError } from '../lib/errors';
import { newId } from '../lib/ids';
import type { CreateOrganizationInput, UpdateOrganizationInput } from './accounts.schemas';
import { canPublishProducts, canUseInvoiceTerms, membershipOf } from './policy';

export type OrganizationRow = typeof organization.$inferSelect;

/** A field-level 400, naming the body field the client got wrong. */
export function invalidField(field: string, message: string): AppError {
  return new AppError('validation_failed', `Invalid body.${field}`, { errors: [{ path: `body.${field}`, message }] });
}

export async function findOrganization(db: Db, id: string): Promise<OrganizationRow | undefined> {
  const [row] = await db.select().from(organization).where(eq(organization.id, id)).limit(1);
  return row;
}

/** The organisation or a 404 (callers have already checked the actor may see it). */
export async function getOrganization(db: Db, id: string): Promise<OrganizationRow> {
  const row = await findOrganization(db, id);
  if (!row) throw new AppError('not_found', `Organisation ${id} not found`);
  return row;
}

/** 400 naming `body.<field>` unless the Shanghai district exists. */
export async function requireDistrict(db: Db, districtId: string, field = 'districtId'): Promise<void> {
  const [row] = await db.select({ id: districts.id }).from(districts).where(eq(districts.id, districtId)).limit(1);
  if (!row) throw invalidField(field, `No Shanghai district ${districtId}`);
}

/** The API shape of an organisation, with what it may do and the caller's role in it. */
export function organizationView(row: OrganizationRow, actor: Actor | null) {
  return {
    id: row.id,
    name: row.name,
    nameEn: row.nameEn,
    kind: row.kind,
    status: row.status,
    contactPhone: row.contactPhone,
    districtId: row.districtId,
    countyId: row.countyId,
    certificationNo: row.certificationNo,
    invoiceTitle: row.invoiceTitle,
    taxId: row.taxId,
    annualTargetFen: row.annualTargetFen,
    paymentTermsDays: row.paymentTermsDays,
    creditLimitFen: row.creditLimitFen,
    pickupAddress: row.pickupAddress,
    storyZh: row.storyZh,
    storyEn: row.storyEn,
    createdAt: row.createdAt.toISOString(),
    verifiedAt: row.verifiedAt === null ? null : new Date(row.verifiedAt).toISOString(),
    capabilities: { invoiceTerms: canUseInvoiceTerms(row), publishProducts: canPublishProducts(row) },
    myRole: membershipOf(actor, row.id)?.role ?? null,
  };
}
export type OrganizationView = ReturnType<typeof organizationView>;

/**
 * A signed-in user founds an organisation: it starts `pending` (until a platform admin verifies it) and
 * the founder becomes its owner, in one batch. A cooperative is bound to an existing county; its Shanghai
 * district follows from the county's pairing.
 */
export async function createOrganization(db: Db, actor: Actor, input: CreateOrganizationInput): Promise<OrganizationRow> {
  let districtId = input.districtId ?? null;
  if (input.kind === 'cooperative') {
    const [county] = await db
      .select({ id: counties.id, districtId: counties.districtId })
      .from(counties)
      .where(eq(counties.id, input.countyId!))
      .limit(1);
    if (!county) throw invalidField('countyId', `No county ${input.countyId}`);
    districtId = county.districtId;
  } else if (districtId) {
    await requireDistrict(db, districtId);
  }
  const id = newId('org');
  const now = new Date();
  const row = {
    id,
    slug: id,
    name: input.name,
    nameEn: input.nameEn ?? null,
    kind: input.kind,
    status: 'pending' as const,
    contactPhone: input.contactPhone ?? null,
    districtId,
    countyId: input.countyId ?? null,
    certificationNo: input.certificationNo ?? null,
    invoiceTitle: input.invoiceTitle ?? null,
    taxId: input.taxId ?? null,
    annualTargetFen: input.annualTargetFen ?? 0,
    pickupAddress: input.pickupAddress ?? null,
    storyZh: input.storyZh ?? null,
    storyEn: input.storyEn ?? null,
    createdAt: now,
  };
  await runBatch(db, [
    db.insert(organization).values(row),
    db.insert(member).values({ id: newId('mem'), organizationId: id, userId: actor.userId, role: 'owner', createdAt: now }),
    auditEntry(db, { actor, action: 'organization.create', entityType: 'organization', entityId: id, organizationId: id, after: row }),
  ]);
  return getOrganization(db, id);
}

/** The owner edits the profile. Only the fields of UpdateOrganizationInput can change; the change is audited. */
export async function updateOrganizationProfile(db: Db, actor: Actor, id: string, patch: UpdateOrganizationInput): Promise<OrganizationRow> {
  const before = await getOrganization(db, id);
  if (patch.districtId) await requireDistrict(db, patch.districtId);
  const changes = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<OrganizationRow>;
  if (Object.keys(changes).length === 0) return before;
  const beforeValues = Object.fromEntries(Object.keys(changes).map((k) => [k, before[k as keyof OrganizationRow]]));
  await runBatch(db, [
    db.update(organization).set(changes).where(eq(organization.id, id)),
    auditEntry(db, { actor, action: 'organization.update', entityType: 'organization', entityId: id, organizationId: id, before: beforeValues, after: changes }),
  ]);
  return getOrganization(db, id);
}

/** Whether `role` exists in organisations of `kind` (a canteen has no staff, a cooperative no purchasers). */
export function assertRoleForKind(role: MemberRole, kind: OrganizationKind, roles: readonly MemberRole[], field = 'role'): void {
  if (!roles.includes(role)) throw invalidField(field, `A ${kind} has no ${role}s; its roles are ${roles.join(', ')}`);
}

/** Count of owners: the guard expressions below keep it at one or more whatever runs concurrently. */
export const ownerCount = (organizationId: string) =>
  sql`(select count(*) from ${member} where ${member.organizationId} = ${organizationId} and ${member.role} = 'owner')`;
