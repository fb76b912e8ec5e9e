import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import type { Statement } from './batch';
import { notifications, orders } from './schema';
import { newId } from '../lib/ids';

/**
 * A notification to an order's buyer (the signed-in buyer, and the contact phone for SMS), as a statement
 * for the event's own batch. `onlyIf` makes it conditional on the event really having happened in that
 * batch (a guarded transition that changed nothing must not announce anything). `id`, when the event can
 * happen only once (a shipment ships once), makes a repeat insert nothing even when two requests land in the
 * same millisecond, which a time-stamped `onlyIf` alone cannot tell apart.
 */
export function orderBuyerNotice(
  db: Db,
  notice: { id?: string; orderId: string; kind: string; titleZh: string; titleEn: string; payload: Record<string, unknown>; at: number },
  onlyIf?: SQL,
): Statement {
  const value = <T,>(v: T, name: string) => sql<T>`${v}`.as(name);
  return db.insert(notifications).select((qb) =>
    qb
      .select({
        // INSERT … SELECT: every column of the table, in its order.
        id: value(notice.id ?? newId('ntf'), 'id'),
        organizationId: sql<null>`NULL`.as('organization_id'),
        // Raw names: inside INSERT … SELECT drizzle would not apply snake_case to these columns.
        userId: sql<string | null>`"orders"."buyer_user_id"`.as('user_id'),
        phone: sql<string>`"orders"."contact_phone"`.as('phone'),
        kind: value(notice.kind, 'kind'),
        titleZh: value(notice.titleZh, 'title_zh'),
        titleEn: value(notice.titleEn, 'title_en'),
        payload: value(JSON.stringify(notice.payload), 'payload'),
        readAt: sql<null>`NULL`.as('read_at'),
        createdAt: value(notice.at, 'created_at'),
        enqueuedAt: sql<null>`NULL`.as('enqueued_at'),
        deliveredAt: sql<null>`NULL`.as('delivered_at'),
      })
      .from(orders)
      .where(onlyIf ? and(eq(orders.id, notice.orderId), onlyIf) : eq(orders.id, notice.orderId)),
  ).onConflictDoNothing();
}
