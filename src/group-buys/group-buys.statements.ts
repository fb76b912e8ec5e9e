import { eq, getTableColumns, sql } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/client';
import type { Statement } from '../db/batch';
import { guard } from '../db/guard';
import { groupBuyItems, groupBuyParticipants, groupBuys, products } from '../db/schema';
import type { GroupBuyRow, ParticipantLine, ParticipantRow } from './group-buys.queries';

/**
 * Statement builders shared by join, cancel, close, payment and pickup.
 *
 * Concurrency model: every batch that changes a group buy or one of its participants bumps that
 * row's `updated_at` to `max(updated_at + 1, now)` — strictly increasing, so it doubles as a row
 * version. A service reads, decides, and sends `[guard(version still as read), ...effects]`; a
 * concurrent change makes the guard fail, the batch rolls back whole, and the service decides again
 * from a fresh read.
 */

export function bumpedVersion(column: typeof groupBuys.updatedAt | typeof groupBuyParticipants.updatedAt, now: number) {
  return sql`max(${column} + 1, ${now})`;
}

/** Fails the batch unless the group is still open, unchanged since `read`. */
export function openGroupUnchanged(db: Db, read: Pick<GroupBuyRow, 'id' | 'updatedAt'>) {
  return guard(
    db,
    'group_buy_changed',
    sql`EXISTS (SELECT 1 FROM group_buys WHERE id = ${read.id} AND status = 'open' AND updated_at = ${read.updatedAt})`,
  );
}

/** Fails the batch unless the group still takes participants at `now` (open, deadline not reached). */
export function groupTakesParticipants(db: Db, groupBuyId: string, now: number) {
  return guard(
    db,
    'group_buy_not_open',
    sql`EXISTS (SELECT 1 FROM group_buys WHERE id = ${groupBuyId} AND status = 'open' AND closes_at > ${now})`,
  );
}

/** Fails the batch unless the participant is unchanged since `read`. */
export function participantUnchanged(db: Db, read: Pick<ParticipantRow, 'id' | 'updatedAt'>) {
  return guard(
    db,
    'participant_changed',
    sql`EXISTS (SELECT 1 FROM group_buy_participants WHERE id = ${read.id} AND updated_at = ${read.updatedAt})`,
  );
}

/** Gives a participant's reserved units back to stock and to the item caps. */
export function releaseStatements(db: Db, lines: Pick<ParticipantLine, 'groupBuyItemId' | 'productId' | 'quantity'>[]): Statement[] {
  return lines.flatMap((line) => [
    db
      .update(products)
      .set({ stock: sql`${products.stock} + ${line.quantity}` })
      .where(eq(products.id, line.productId)),
    db
      .update(groupBuyItems)
      .set({ soldQuantity: sql`${groupBuyItems.soldQuantity} - ${line.quantity}` })
      .where(eq(groupBuyItems.id, line.groupBuyItemId)),
  ]);
}

/** Takes participants out of the group's live counters (cancel, dropped at close). */
export function decrementCounters(db: Db, groupBuyId: string, participants: number, quantity: number, now: number): Statement {
  return db
    .update(groupBuys)
    .set({
      participantsCount: sql`${groupBuys.participantsCount} - ${participants}`,
      quantityTotal: sql`${groupBuys.quantityTotal} - ${quantity}`,
      updatedAt: bumpedVersion(groupBuys.updatedAt, now),
    })
    .where(eq(groupBuys.id, groupBuyId));
}

export function bumpGroup(db: Db, groupBuyId: string, now: number): Statement {
  return db.update(groupBuys).set({ updatedAt: bumpedVersion(groupBuys.updatedAt, now) }).where(eq(groupBuys.id, groupBuyId));
}

/** D1 binds at most 100 parameters per statement: multi-row inserts are split to stay under it. */
const D1_MAX_BOUND_PARAMETERS = 100;

export function insertRows<T extends SQLiteTable>(db: Db, table: T, rows: T['$inferInsert'][]): Statement[] {
  const perRow = Object.keys(getTableColumns(table)).length;
  const chunk = Math.max(1, Math.floor(D1_MAX_BOUND_PARAMETERS / perRow));
  const statements: Statement[] = [];
  for (let i = 0; i < rows.length; i += chunk) statements.push(db.insert(table).values(rows.slice(i, i + chunk)));
  return statements;
}
