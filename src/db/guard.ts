import { sql, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import { isConstraintError } from './batch';
import { batchGuards } from './schema';

/**
 * A statement that makes its D1 batch fail unless `condition` holds when the batch runs: the
 * compare-and-swap that D1's missing transactions otherwise lack. Put it first, read the state,
 * then build the batch as `[guard(db, 'why', sql`state is still what I read`), ...effects]`; if
 * someone changed the data in between, nothing applies and `isGuardFailure(error)` is true (re-read
 * and decide again).
 *
 * @example guard(db, 'group_buy_open', sql`EXISTS (SELECT 1 FROM group_buys WHERE id = ${id} AND status = 'open')`)
 */
export function guard(db: Db, reason: string, condition: SQL) {
  // An insert builder rather than db.run(sql): drizzle's D1 batch cannot bind parameters of raw statements.
  return db.insert(batchGuards).select(sql`SELECT ${reason} WHERE NOT (${condition})`);
}

export function isGuardFailure(error: unknown): boolean {
  return isConstraintError(error, 'batch_guard_failed');
}
