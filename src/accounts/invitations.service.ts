import { and, desc, eq, sql } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import type { Db } from '../db/client';
import { isConstraintError, runBatch } from '../db/batch';
import { invitation, member, notifications, organization, user, type MemberRole } from '../db/schema';
import type { Actor } from '../env';
import { auditEntry } from '../lib/audit';
import { AppError } from '../lib/errors';
import { newId } from '../lib/ids';
import { decodeCursor, encodeCursor } from '../lib/pagination';
import type { CreateInvitationInput, InvitationStatus } from './accounts.schemas';
import { assertRoleForKind, getOrganization } from './organizations.service';
import { rolesForKind } from './policy';

/** How long an invitation link stays valid. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

const invitationCursor = z.tuple([z.number().int(), z.string()]);

const invitationColumns = {
  id: invitation.id,
  organizationId: invitation.organizationId,
  organizationName: organization.name,
  email: invitation.email,
  role: invitation.role,
  status: invitation.status,
  expiresAt: invitation.expiresAt,
  createdAt: invitation.createdAt,
};
type InvitationRow = {
  id: string;
  organizationId: string;
  organizationName: string;
  email: string;
  role: string | null;
  status: string;
  expiresAt: Date;
  createdAt: Date;
};

/** The page an invited person opens; the invitation id (100 random bits) is what makes it unguessable. */
export function invitationLink(appUrl: string, id: string): string {
  return new URL(`/invitations/${id}`, appUrl).toString();
}

function invitationView(row: InvitationRow, appUrl: string, now: number) {
  return {
    id: row.id,
    organizationId: row.organizationId,
    organizationName: row.organizationName,
    email: row.email,
    role: (row.role ?? 'member') as MemberRole,
    status: row.status as InvitationStatus,
    expired: row.status === 'pending' && row.expiresAt.getTime() <= now,
    expiresAt: row.expiresAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    link: invitationLink(appUrl, row.id),
  };
}
export type InvitationView = ReturnType<typeof invitationView>;

async function findInvitation(db: Db, id: string): Promise<InvitationRow> {
  const [row] = await db
    .select(invitationColumns)
    .from(invitation)
    .innerJoin(organization, eq(organization.id, invitation.organizationId))
    .where(eq(invitation.id, id))
    .limit(1);
  if (!row) throw new AppError('not_found', `Invitation ${id} not found`);
  return row;
}

/**
 * The owner invites an e-mail address with a role. There is no mail server: the link is returned (and
 * shown to the owner to pass on), and an e-mail message is queued in the `notifications` outbox
 * (kind `invitation.email`), addressed to the invitee's account when one already exists.
 */
export async function createInvitation(
  db: Db,
  actor: Actor,
  appUrl: string,
  organizationId: string,
  input: CreateInvitationInput,
  now = Date.now(),
): Promise<InvitationView> {
  const org = await getOrganization(db, organizationId);
  assertRoleForKind(input.role, org.kind, rolesForKind(org.kind));
  const [existingUser] = await db.select({ id: user.id }).from(user).where(eq(user.email, input.email)).limit(1);
  if (existingUser) {
    const [already] = await db
      .select({ id: member.id })
      .from(member)
      .where(and(eq(member.organizationId, organizationId), eq(member.userId, existingUser.id)))
      .limit(1);
    if (already) throw new AppError('conflict', `${input.email} is already a member of ${org.name}`);
  }
  const [open] = await db
    .select({ id: invitation.id })
    .from(invitation)
    .where(
      and(
        eq(invitation.organizationId, organizationId),
        eq(invitation.email, input.email),
        eq(invitation.status, 'pending'),
        sql`${invitation.expiresAt} > ${now}`,
      ),
    )
    .limit(1);
  if (open) {
    throw new AppError('conflict', `${input.email} already has an open invitation; withdraw it to send a new one`, {
      extensions: { invitationId: open.id },
    });
  }
  const id = newId('inv');
  const link = invitationLink(appUrl, id);
  const expiresAt = new Date(now + INVITATION_TTL_MS);
  const row = { id, organizationId, email: input.email, role: input.role, status: 'pending', expiresAt, inviterId: actor.userId, createdAt: new Date(now) };
  await runBatch(db, [
    db.insert(invitation).values(row),
    db.insert(notifications).values({
      id: newId('ntf'),
      userId: existingUser?.id ?? null,
      kind: 'invitation.email',
      titleZh: `${org.name} 邀请您加入`,
      titleEn: `${org.nameEn ?? org.name} invites you to join`,
      payload: { channel: 'email', to: input.email, link, organizationId, role: input.role, expiresAt: expiresAt.toISOString() },
      createdAt: now,
    }),
    auditEntry(db, {
      actor,
      action: 'invitation.create',
      entityType: 'invitation',
      entityId: id,
      organizationId,
      after: { email: input.email, role: input.role, expiresAt: expiresAt.toISOString() },
      at: now,
    }),
  ]);
  return invitationView({ ...row, organizationName: org.name }, appUrl, now);
}

/** An organisation's invitations, newest first. */
export async function listInvitations(db: Db, appUrl: string, organizationId: string, page: { limit: number; cursor?: string }, now = Date.now()) {
  const before = page.cursor ? decodeCursor(page.cursor, invitationCursor) : null;
  const rows = await db
    .select(invitationColumns)
    .from(invitation)
    .innerJoin(organization, eq(organization.id, invitation.organizationId))
    .where(
      and(
        eq(invitation.organizationId, organizationId),
        before ? sql`(${invitation.createdAt}, ${invitation.id}) < (${before[0]}, ${before[1]})` : undefined,
      ),
    )
    .orderBy(desc(invitation.createdAt), desc(invitation.id))
    .limit(page.limit + 1);
  const items = rows.slice(0, page.limit).map((r) => invitationView(r, appUrl, now));
  const last = rows.length > page.limit ? rows[page.limit - 1]! : null;
  return { items, nextCursor: last ? encodeCursor([last.createdAt.getTime(), last.id]) : null };
}

/**
 * What the invited person sees before accepting. Only the addressee may look: anyone else signed in
 * gets 403 (the id is unguessable, so this tells them nothing they did not already hold).
 */
export async function getInvitationFor(db: Db, actor: Actor, appUrl: string, id: string, now = Date.now()): Promise<InvitationView> {
  const row = await findInvitation(db, id);
  assertAddressee(row, actor);
  return invitationView(row, appUrl, now);
}

function assertAddressee(row: InvitationRow, actor: Actor): void {
  if (row.email.toLowerCase() !== actor.email.toLowerCase()) {
    throw new AppError('forbidden', 'This invitation was sent to another e-mail address; sign in with that address to accept it');
  }
}

function assertAcceptable(row: InvitationRow, now: number): void {
  if (row.status === 'accepted') throw new AppError('invalid_state', 'This invitation has already been accepted');
  if (row.status !== 'pending') throw new AppError('invalid_state', 'This invitation was withdrawn');
  if (row.expiresAt.getTime() <= now) throw new AppError('invalid_state', 'This invitation has expired; ask for a new one');
}

/**
 * The addressee accepts: they become a member with the invited role. Accepting is possible once: the
 * invitation's status is set by a guarded expression that the database refuses (NOT NULL) unless it is
 * still pending and unexpired, and the member insert is refused (UNIQUE) for an existing member — both
 * in one batch, so a double click or two tabs cannot create two memberships.
 */
export async function acceptInvitation(db: Db, actor: Actor, id: string, now = Date.now()) {
  const row = await findInvitation(db, id);
  assertAddressee(row, actor);
  assertAcceptable(row, now);
  const memberId = newId('mem');
  const role = (row.role ?? 'member') as MemberRole;
  try {
    await runBatch(db, [
      db
        .update(invitation)
        .set({ status: sql`case when ${invitation.status} = 'pending' and ${invitation.expiresAt} > ${now} then 'accepted' else null end` })
        .where(eq(invitation.id, id)),
      db.insert(member).values({ id: memberId, organizationId: row.organizationId, userId: actor.userId, role, createdAt: new Date(now) }),
      auditEntry(db, {
        actor,
        action: 'invitation.accept',
        entityType: 'invitation',
        entityId: id,
        organizationId: row.organizationId,
        before: { status: row.status },
        after: { status: 'accepted', memberId, userId: actor.userId, role },
        at: now,
      }),
    ]);
  } catch (error) {
    if (isConstraintError(error, 'member.organization_id')) throw new AppError('conflict', `You are already a member of ${row.organizationName}`);
    if (isConstraintError(error)) {
      assertAcceptable(await findInvitation(db, id), now);
      throw new AppError('invalid_state', 'This invitation can no longer be accepted');
    }
    throw error;
  }
  return { organizationId: row.organizationId, memberId, role };
}

/** The owner withdraws a pending invitation; its link stops working. */
export async function cancelInvitation(db: Db, actor: Actor, organizationId: string, id: string, now = Date.now()): Promise<void> {
  const row = await findInvitation(db, id);
  if (row.organizationId !== organizationId) throw new AppError('not_found', `Invitation ${id} not found`);
  if (row.status !== 'pending') throw new AppError('invalid_state', `This invitation is already ${row.status}`);
  await runBatch(db, [
    db.update(invitation).set({ status: 'canceled' }).where(and(eq(invitation.id, id), eq(invitation.status, 'pending'))),
    auditEntry(db, {
      actor,
      action: 'invitation.cancel',
      entityType: 'invitation',
      entityId: id,
      organizationId,
      before: { status: row.status },
      after: { status: 'canceled' },
      at: now,
    }),
  ]);
}
