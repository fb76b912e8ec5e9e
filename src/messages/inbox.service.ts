/**
 * The in-app inbox ("消息"): a person's own notifications, and each organisation's (rows addressed to the
 * organisation rather than to one member; any member reading one marks it read for all). Codes and reset
 * links (`auth.*`) never appear in an inbox.
 */
import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, notLike, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { messageDeliveries, messagePreferences, notifications } from '../db/schema';
import type { Actor } from '../env';
import { AppError } from '../lib/errors';

export type InboxScope = { kind: 'user'; userId: string } | { kind: 'organization'; organizationId: string };

/** The actor's own inbox, or an organisation's when the actor is a member (admins read any). */
export function scopeFor(actor: Actor, organizationId: string | undefined): InboxScope {
  if (!organizationId) return { kind: 'user', userId: actor.userId };
  if (!actor.isAdmin && !actor.memberships.some((m) => m.organizationId === organizationId)) throw new AppError('not_found', 'No such inbox');
  return { kind: 'organization', organizationId };
}

function scopeWhere(scope: InboxScope): SQL {
  const visible = notLike(notifications.kind, 'auth.%');
  return scope.kind === 'user'
    ? and(eq(notifications.userId, scope.userId), visible)!
    : and(eq(notifications.organizationId, scope.organizationId), isNull(notifications.userId), visible)!;
}

export async function listInbox(db: Db, scope: InboxScope, limit = 50) {
  return db
    .select({ id: notifications.id, kind: notifications.kind, titleZh: notifications.titleZh, titleEn: notifications.titleEn, payload: notifications.payload, readAt: notifications.readAt, createdAt: notifications.createdAt })
    .from(notifications)
    .where(scopeWhere(scope))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(limit);
}

/** Unread messages for the header: the person's own plus those of every organisation they belong to. */
export async function unreadCount(db: Db, actor: Actor): Promise<number> {
  const orgIds = actor.memberships.map((m) => m.organizationId);
  const mine = eq(notifications.userId, actor.userId);
  const where = orgIds.length ? or(mine, and(inArray(notifications.organizationId, orgIds), isNull(notifications.userId))) : mine;
  const row = await db
    .select({ n: sql<number>`count(*)` })
    .from(notifications)
    .where(and(where, isNull(notifications.readAt), notLike(notifications.kind, 'auth.%')))
    .get();
  return row?.n ?? 0;
}

/** Marks one message (or, without an id, the whole inbox) read; returns how many changed. */
export async function markRead(db: Db, scope: InboxScope, id: string | undefined, now = Date.now()): Promise<number> {
  const where = and(scopeWhere(scope), isNull(notifications.readAt), id ? eq(notifications.id, id) : undefined);
  const result = await db.update(notifications).set({ readAt: now }).where(where);
  return result.meta.changes;
}

/** The local outbox (no provider credentials): what would have been sent, newest first. */
export async function localOutbox(db: Db, limit = 100) {
  return db
    .select({ id: messageDeliveries.id, notificationId: messageDeliveries.notificationId, channel: messageDeliveries.channel, recipient: messageDeliveries.recipient, status: messageDeliveries.status, content: messageDeliveries.content, createdAt: messageDeliveries.createdAt, kind: notifications.kind })
    .from(messageDeliveries)
    .innerJoin(notifications, eq(notifications.id, messageDeliveries.notificationId))
    .where(eq(messageDeliveries.provider, 'local'))
    .orderBy(desc(messageDeliveries.createdAt), desc(messageDeliveries.id))
    .limit(limit);
}

/** Dev-only: text messages not yet delivered because SMS quiet hours (21:00–08:00 Shanghai) hold them until `dueAt`. */
export async function heldSms(db: Db, now: number, limit = 100) {
  return db
    .select({ id: notifications.id, kind: notifications.kind, phone: notifications.phone, dueAt: notifications.enqueuedAt })
    .from(notifications)
    .where(and(isNull(notifications.deliveredAt), isNotNull(notifications.phone), gt(notifications.enqueuedAt, now)))
    .orderBy(asc(notifications.enqueuedAt), asc(notifications.id))
    .limit(limit);
}

export type MessagePreferences = { marketing: boolean };

/** A person's choices; without a saved row, marketing messages are on. */
export async function preferencesOf(db: Db, userId: string): Promise<MessagePreferences> {
  const row = await db.select({ marketing: messagePreferences.marketing }).from(messagePreferences).where(eq(messagePreferences.userId, userId)).get();
  return { marketing: row?.marketing ?? true };
}

/** Saves a person's choices (one row per person, upserted). Transactional messages ignore them. */
export async function savePreferences(db: Db, userId: string, preferences: MessagePreferences, now = Date.now()): Promise<MessagePreferences> {
  await db
    .insert(messagePreferences)
    .values({ userId, marketing: preferences.marketing, updatedAt: now })
    .onConflictDoUpdate({ target: messagePreferences.userId, set: { marketing: preferences.marketing, updatedAt: now } });
  return preferences;
}
