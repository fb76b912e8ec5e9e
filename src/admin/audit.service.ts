import { and, desc, eq, gte, lt, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import type { Db } from '../db/client';
import { auditLog } from '../db/schema';
import { decodeCursor, encodeCursor } from '../lib/pagination';
import { DAY_MS, startOfShanghaiDay } from '../lib/time';

export type AuditFilter = {
  /** A user id, or part of the actor's name or e-mail. */
  actor?: string;
  /** An action, or its beginning (e.g. `order.` for every order action). */
  action?: string;
  entityType?: string;
  entityId?: string;
  /** Shanghai calendar days, inclusive. */
  from?: string;
  to?: string;
};

export type AuditItem = typeof auditLog.$inferSelect;

const cursorSchema = z.tuple([z.number().int(), z.string()]);

/** LIKE with the user's text taken literally (its % and _ escaped). */
function likeText(column: AnyColumn, text: string, where: 'prefix' | 'anywhere'): SQL {
  const literal = text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
  return sql`${column} LIKE ${where === 'prefix' ? `${literal}%` : `%${literal}%`} ESCAPE '\\'`;
}

/** The audit log, newest first, filtered and cursor-paginated on (createdAt, id). */
export async function listAudit(db: Db, filter: AuditFilter, page: { limit: number; cursor?: string }) {
  const conditions: (SQL | undefined)[] = [];
  if (filter.actor) {
    conditions.push(or(eq(auditLog.actorUserId, filter.actor), likeText(auditLog.actorLabel, filter.actor, 'anywhere')));
  }
  if (filter.action) conditions.push(likeText(auditLog.action, filter.action, 'prefix'));
  if (filter.entityType) conditions.push(eq(auditLog.entityType, filter.entityType));
  if (filter.entityId) conditions.push(eq(auditLog.entityId, filter.entityId));
  if (filter.from) conditions.push(gte(auditLog.createdAt, startOfShanghaiDay(filter.from)));
  if (filter.to) conditions.push(lt(auditLog.createdAt, startOfShanghaiDay(filter.to) + DAY_MS));
  if (page.cursor) {
    const [createdAt, id] = decodeCursor(page.cursor, cursorSchema);
    conditions.push(or(lt(auditLog.createdAt, createdAt), and(eq(auditLog.createdAt, createdAt), lt(auditLog.id, id))));
  }
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(page.limit + 1);
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > page.limit && last ? encodeCursor([last.createdAt, last.id]) : null };
}
