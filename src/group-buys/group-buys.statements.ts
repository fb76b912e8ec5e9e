import { eq, getTableColumns, sql } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/client';
import type { Statement } from '../db/batch';
import { guardFailure } from '../db/guards';
import { groupBuyItems, groupBuyParticipants, groupBuys, payments, products } from '../db/schema';
import type { GroupBuyRow, ParticipantLine, ParticipantRow } from './group-buys.queries';

/**
 * Statement builders shared by join, cancel, close, payment and pickup.
 *
 * Concurrency model: every batch that changes a group buy or one of its participants bumps that
 * row's `updated_at` to `max(updated_at + 1, now)` — strictly increasing, so it doubles as a row
 * version. A service reads, decides, and sends `[guard: version still as read, ...effects]`; a
 * concurrent change makes the guard fail, the batch rolls back whole, and the service decides again
 * from a fresh read.
 */

export function bumpedVersion(column: typeof groupBuys.updatedAt | typeof groupBuyParticipants.updatedAt, now: number) {
  return sql`max(${column} + 1, ${now})`;
}

/*
 * Guards use the payments domain's technique (src/orders/guards.ts): an UPDATE that keeps a row's
 * NOT NULL status as it is while the row is as expected, and sets it to NULL otherwise — which
 * SQLite refuses, rolling the whole batch back. Each guard is the first statement of its batch.
 */

/** Fails the batch unless the group is still open, unchanged since `read`. */
export function openGroupUnchanged(db: Db, read: Pick<GroupBuyRow, 'id' | 'updatedAt'>) {
  return db
    .update(groupBuys)
    .set({ status: sql`CASE WHEN ${groupBuys.status} = 'open' AND ${groupBuys.updatedAt} = ${read.updatedAt} THEN ${groupBuys.status} ELSE NULL END` })
    .where(eq(groupBuys.id, read.id));
}

/** Fails the batch unless the group still takes participants at `now` (open, deadline not reached). */
export function groupTakesParticipants(db: Db, groupBuyId: string, now: number) {
  return db
    .update(groupBuys)
    .set({ status: sql`CASE WHEN ${groupBuys.status} = 'open' AND ${groupBuys.closesAt} > ${now} THEN ${groupBuys.status} ELSE NULL END` })
    .where(eq(groupBuys.id, groupBuyId));
}

/** Fails the batch unless the participant is unchanged since `read`. */
export function participantUnchanged(db: Db, read: Pick<ParticipantRow, 'id' | 'updatedAt'>) {
  return db
    .update(groupBuyParticipants)
    .set({ status: sql`CASE WHEN ${groupBuyParticipants.updatedAt} = ${read.updatedAt} THEN ${groupBuyParticipants.status} ELSE NULL END` })
    .where(eq(groupBuyParticipants.id, read.id));
}

/** Fails the batch unless the payment is still in the status read. */
export function paymentUnchanged(db: Db, paymentId: string, status: string) {
  return db
    .update(payments)
    .set({ status: sql`CASE WHEN ${payments.status} = ${status} THEN ${payments.status} ELSE NULL END` })
    .where(eq(payments.id, paymentId));
}

const GUARDED = ['group_buys.status', 'group_buy_participants.status', 'payments.status', 'refunds.status'];

/** True when a batch failed on one of these guards (or a payments-domain transition): re-read and decide again. */
export function isGuardFailure(error: unknown): boolean {
  return GUARDED.includes(guardFailure(error) ?? '');
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
