import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

/**
 * Guarded state transitions for D1 batches.
 *
 * D1 has no interactive transactions, and an UPDATE whose WHERE matches nothing is not an error, so
 * "move the order from pending_payment to paid, then count the sale" could count a sale for an order
 * that a concurrent webhook or cron run had already cancelled. Instead each transition sets the
 * NOT NULL status column to NULL when the row is not in an allowed state: SQLite refuses that, and the
 * whole batch — stock, roll-ups, audit rows — rolls back. The caller re-reads and decides again.
 *
 * @example db.update(orders).set({ status: transition(orders.status, ['pending_payment'], 'paid') })
 */
export function transition(column: AnyColumn, from: readonly string[], to: string): SQL {
  return sql`CASE WHEN ${column} IN (${sql.join(
    from.map((state) => sql`${state}`),
    sql`, `,
  )}) THEN ${to} ELSE NULL END`;
}

/** Keeps `column` as it is when in `keep`, moves it to `to` when in `from`, refuses (NULL) otherwise. */
export function transitionOrKeep(column: AnyColumn, from: readonly string[], to: string, keep: readonly string[]): SQL {
  return sql`CASE WHEN ${column} IN (${sql.join(
    from.map((state) => sql`${state}`),
    sql`, `,
  )}) THEN ${to} WHEN ${column} IN (${sql.join(
    keep.map((state) => sql`${state}`),
    sql`, `,
  )}) THEN ${column} ELSE NULL END`;
}

/** Which `table.column` refused a guarded transition, or null when the error is something else. */
export function guardFailure(error: unknown): string | null {
  const text = String((error as { message?: string })?.message ?? error) + String((error as { cause?: unknown })?.cause ?? '');
  const match = /NOT NULL constraint failed: (\w+\.\w+)/.exec(text);
  return match ? match[1]! : null;
}

/** Runs `attempt` again (up to `times`) while it loses a guarded transition to a concurrent writer. */
export async function retryOnGuardFailure<T>(attempt: () => Promise<T>, times = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (i >= times || !guardFailure(error)) throw error;
    }
  }
}
