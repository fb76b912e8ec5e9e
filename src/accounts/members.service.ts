import { and, asc, eq, sql } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import type { Db } from '../db/client';
import { isConstraintError, runBatch } from '../db/batch';
import { member, user, type MemberRole } from '../db/schema';
import type { Actor } from '../env';
import { auditEntry } from '../lib/audit';
import { AppError } from '../lib/errors';
import { decodeCursor, encodeCursor } from '../lib/pagination';
import type { UpdateMemberInput } from './accounts.schemas';
import { assertRoleForKind, getOrganization, invalidField, ownerCount } from './organizations.service';
import { rolesForKind } from './policy';

const memberCursor = z.tuple([z.number().int(), z.string()]);

export type MemberView = {
  id: string;
  userId: string;
  name: string;
  email: string;
  role: MemberRole;
  perOrderLimitFen: number | null;
  joinedAt: string;
};

const memberColumns = {
  id: member.id,
  userId: member.userId,
  name: user.name,
  email: user.email,
  role: member.role,
  perOrderLimitFen: member.perOrderLimitFen,
  createdAt: member.createdAt,
};

function memberView(row: { createdAt: Date; role: string } & Omit<MemberView, 'joinedAt' | 'role'>): MemberView {
  const { createdAt, ...rest } = row;
  return { ...rest, role: row.role as MemberRole, joinedAt: createdAt.toISOString() };
}

/** Members in the order they joined, a page at a time. */
export async function listMembers(db: Db, organizationId: string, page: { limit: number; cursor?: string }) {
  const after = page.cursor ? decodeCursor(page.cursor, memberCursor) : null;
  const rows = await db
    .select(memberColumns)
    .from(member)
    .innerJoin(user, eq(user.id, member.userId))
    .where(
      and(
        eq(member.organizationId, organizationId),
        after ? sql`(${member.createdAt}, ${member.id}) > (${after[0]}, ${after[1]})` : undefined,
      ),
    )
    .orderBy(asc(member.createdAt), asc(member.id))
    .limit(page.limit + 1);
  const items = rows.slice(0, page.limit).map(memberView);
  const last = rows.length > page.limit ? rows[page.limit - 1]! : null;
  return { items, nextCursor: last ? encodeCursor([last.createdAt.getTime(), last.id]) : null };
}

/** One member of the organisation, or 404 (a member id of another organisation is not found here). */
export async function getMember(db: Db, organizationId: string, memberId: string) {
  const [row] = await db
    .select(memberColumns)
    .from(member)
    .innerJoin(user, eq(user.id, member.userId))
    .where(and(eq(member.id, memberId), eq(member.organizationId, organizationId)))
    .limit(1);
  if (!row) throw new AppError('not_found', `Member ${memberId} not found in this organisation`);
  return row;
}

const LAST_OWNER = 'An organisation must keep at least one owner; make someone else owner first';

/**
 * A role that the database refuses (NOT NULL) when the change would leave the organisation without an
 * owner, so two owners demoting each other at the same moment cannot both succeed.
 */
function guardedRole(organizationId: string, newRole: MemberRole | null) {
  return sql`case when ${member.role} <> 'owner' or ${newRole} = 'owner' or ${ownerCount(organizationId)} > 1 then coalesce(${newRole}, ${member.role}) else null end`;
}

/** The owner changes a member's role and/or a purchaser's per-order limit (audited). */
export async function updateMember(db: Db, actor: Actor, organizationId: string, memberId: string, input: UpdateMemberInput): Promise<MemberView> {
  const org = await getOrganization(db, organizationId);
  const before = await getMember(db, organizationId, memberId);
  const role = input.role ?? (before.role as MemberRole);
  if (input.role) assertRoleForKind(input.role, org.kind, rolesForKind(org.kind));
  if (input.perOrderLimitFen !== undefined && input.perOrderLimitFen !== null && role !== 'purchaser') {
    throw invalidField('perOrderLimitFen', 'Only purchasers have a per-order limit');
  }
  // A limit belongs to the purchaser role: it goes when the member stops being a purchaser.
  const perOrderLimitFen = role === 'purchaser' ? (input.perOrderLimitFen === undefined ? before.perOrderLimitFen : input.perOrderLimitFen) : null;
  const after = { role, perOrderLimitFen };
  try {
    await runBatch(db, [
      db
        .update(member)
        .set({ role: guardedRole(organizationId, input.role ?? null), perOrderLimitFen })
        .where(and(eq(member.id, memberId), eq(member.organizationId, organizationId))),
      auditEntry(db, {
        actor,
        action: 'member.update',
        entityType: 'member',
        entityId: memberId,
        organizationId,
        before: { userId: before.userId, role: before.role, perOrderLimitFen: before.perOrderLimitFen },
        after: { userId: before.userId, ...after },
      }),
    ]);
  } catch (error) {
    if (isConstraintError(error)) throw new AppError('invalid_state', LAST_OWNER);
    throw error;
  }
  return memberView({ ...before, ...after });
}

/** The owner removes a member, or a member leaves; never the last owner (audited). */
export async function removeMember(db: Db, actor: Actor, organizationId: string, memberId: string): Promise<void> {
  const before = await getMember(db, organizationId, memberId);
  const where = and(eq(member.id, memberId), eq(member.organizationId, organizationId));
  try {
    await runBatch(db, [
      // Fails (NOT NULL) when this is the last owner, rolling back the delete below.
      db.update(member).set({ role: guardedRole(organizationId, null) }).where(where),
      db.delete(member).where(where),
      auditEntry(db, {
        actor,
        action: 'member.remove',
        entityType: 'member',
        entityId: memberId,
        organizationId,
        before: { userId: before.userId, email: before.email, role: before.role },
      }),
    ]);
  } catch (error) {
    if (isConstraintError(error)) throw new AppError('invalid_state', LAST_OWNER);
    throw error;
  }
}
