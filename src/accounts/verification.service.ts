import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import type { Db } from '../db/client';
import { isConstraintError, runBatch } from '../db/batch';
import { member, organization, products, user, type OrganizationKind, type OrganizationStatus } from '../db/schema';
import type { Actor } from '../env';
import { auditEntry } from '../lib/audit';
import { AppError } from '../lib/errors';
import { decodeCursor, encodeCursor } from '../lib/pagination';
import type { CreditTermsInput } from './accounts.schemas';
import { getOrganization, organizationView, type OrganizationRow } from './organizations.service';
import { BUYER_KINDS, isBuyerKind } from './policy';

/**
 * The platform admin's side of organisations: verification, suspension and invoice terms. Every change
 * is written with its audit row (before/after) in one batch, and guarded in SQL so that a change racing
 * another admin's is refused rather than logged against a state that no longer holds.
 */

const TRANSITIONS: Record<'verify' | 'suspend', { to: OrganizationStatus; from: readonly OrganizationStatus[] }> = {
  verify: { to: 'verified', from: ['pending', 'suspended'] },
  suspend: { to: 'suspended', from: ['pending', 'verified'] },
};

export async function changeOrganizationStatus(db: Db, actor: Actor, id: string, action: 'verify' | 'suspend', now = Date.now()): Promise<OrganizationRow> {
  const before = await getOrganization(db, id);
  const { to, from } = TRANSITIONS[action];
  if (before.kind === 'platform') throw new AppError('invalid_state', 'The platform organisation cannot be verified or suspended');
  if (!from.includes(before.status)) throw new AppError('invalid_state', `${before.name} is already ${before.status}`);
  const verifiedAt = to === 'verified' ? now : before.verifiedAt;
  try {
    await runBatch(db, [
      db
        .update(organization)
        .set({ status: sql`case when ${organization.status} = ${before.status} then ${to} else null end`, verifiedAt })
        .where(eq(organization.id, id)),
      ...(before.kind === 'cooperative' ? [withholdOrReleaseProducts(db, id, to, now)] : []),
      auditEntry(db, {
        actor,
        action: `organization.${action}`,
        entityType: 'organization',
        entityId: id,
        organizationId: id,
        before: { status: before.status, verifiedAt: before.verifiedAt },
        after: { status: to, verifiedAt },
        at: now,
      }),
    ]);
  } catch (error) {
    if (isConstraintError(error)) throw new AppError('invalid_state', `${before.name} changed meanwhile; reload and try again`);
    throw error;
  }
  return getOrganization(db, id);
}

/**
 * A suspended cooperative sells nothing: its published products become `withheld` in the suspension's own
 * batch (so every catalog read, quote, cart and stock reservation, which all require `published`, stops at
 * once), and are published again when the platform verifies it anew. Drafts and unpublished products keep
 * their status either way, so the cooperative's own choices survive a suspension.
 */
function withholdOrReleaseProducts(db: Db, cooperativeId: string, to: OrganizationStatus, now: number) {
  const [from, into] = to === 'suspended' ? (['published', 'withheld'] as const) : (['withheld', 'published'] as const);
  return db
    .update(products)
    .set({ status: into, updatedAt: now })
    .where(and(eq(products.cooperativeId, cooperativeId), eq(products.status, from)));
}

/** Invoice terms for a verified buyer organisation (0 days withdraws them). */
export async function setCreditTerms(db: Db, actor: Actor, id: string, terms: CreditTermsInput, now = Date.now()): Promise<OrganizationRow> {
  const before = await getOrganization(db, id);
  if (!isBuyerKind(before.kind)) throw new AppError('invalid_state', `Only buyer organisations have invoice terms; ${before.name} is a ${before.kind}`);
  if (before.status !== 'verified') {
    throw new AppError('invalid_state', `${before.name} is ${before.status}: invoice terms are for verified organisations only`);
  }
  const kinds = sql.join(
    BUYER_KINDS.map((k) => sql`${k}`),
    sql`, `,
  );
  try {
    await runBatch(db, [
      db
        .update(organization)
        .set({
          // Refused by the database (NOT NULL) if the organisation stopped being a verified buyer meanwhile.
          paymentTermsDays: sql`case when ${organization.status} = 'verified' and ${organization.kind} in (${kinds}) then ${terms.paymentTermsDays} else null end`,
          creditLimitFen: terms.creditLimitFen,
        })
        .where(eq(organization.id, id)),
      auditEntry(db, {
        actor,
        action: 'organization.credit_terms',
        entityType: 'organization',
        entityId: id,
        organizationId: id,
        before: { paymentTermsDays: before.paymentTermsDays, creditLimitFen: before.creditLimitFen },
        after: terms,
        at: now,
      }),
    ]);
  } catch (error) {
    if (isConstraintError(error)) throw new AppError('invalid_state', `${before.name} changed meanwhile; reload and try again`);
    throw error;
  }
  return getOrganization(db, id);
}

const STATUS_RANK = sql<number>`case ${organization.status} when 'pending' then 0 when 'suspended' then 1 else 2 end`;
const adminCursor = z.tuple([z.number().int(), z.number().int(), z.string()]);

/** Organisations for the admin console: awaiting verification first, then suspended, then verified; oldest first within each. */
export async function listOrganizationsForAdmin(
  db: Db,
  actor: Actor,
  filter: { status?: OrganizationStatus; kind?: OrganizationKind; limit: number; cursor?: string },
) {
  const after = filter.cursor ? decodeCursor(filter.cursor, adminCursor) : null;
  const rows = await db
    .select({ row: organization, rank: STATUS_RANK })
    .from(organization)
    .where(
      and(
        ne(organization.kind, 'platform'),
        filter.status ? eq(organization.status, filter.status) : undefined,
        filter.kind ? eq(organization.kind, filter.kind) : undefined,
        after ? sql`(${STATUS_RANK}, ${organization.createdAt}, ${organization.id}) > (${after[0]}, ${after[1]}, ${after[2]})` : undefined,
      ),
    )
    .orderBy(asc(STATUS_RANK), asc(organization.createdAt), asc(organization.id))
    .limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  const owners = page.length
    ? await db
        .select({ organizationId: member.organizationId, email: user.email })
        .from(member)
        .innerJoin(user, eq(user.id, member.userId))
        .where(and(inArray(member.organizationId, page.map((r) => r.row.id)), eq(member.role, 'owner')))
    : [];
  const items = page.map(({ row }) => ({
    ...organizationView(row, actor),
    ownerEmails: owners.filter((o) => o.organizationId === row.id).map((o) => o.email),
  }));
  const last = rows.length > filter.limit ? rows[filter.limit - 1]! : null;
  return { items, nextCursor: last ? encodeCursor([last.rank, last.row.createdAt.getTime(), last.row.id]) : null };
}
