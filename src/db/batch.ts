import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from './client';

export type Statement = BatchItem<'sqlite'>;

/**
 * Runs statements as one all-or-nothing D1 batch (D1 has no interactive transactions). A failing
 * statement — e.g. a CHECK constraint guarding stock — rolls back every other one.
 */
export async function runBatch(db: Db, statements: Statement[]) {
  if (statements.length === 0) return [];
  return db.batch(statements as [Statement, ...Statement[]]);
}

/** True when a D1 error is a CHECK or UNIQUE constraint failure (the database refused the change). */
export function isConstraintError(error: unknown, name?: string): boolean {
  const text = String((error as { message?: string })?.message ?? error) + String((error as { cause?: unknown })?.cause ?? '');
  if (!/constraint failed/i.test(text)) return false;
  return name ? text.includes(name) : true;
}

/** D1 binds at most this many parameters per statement ("too many SQL variables" beyond). */
export const D1_MAX_PARAMETERS = 100;

export function chunked<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Rows split so that a multi-row INSERT of each part binds at most D1's 100 parameters (one per
 * column per row): an order of 7 lines would otherwise fail as a single INSERT into order_lines.
 *
 * @example insertChunks(lineRows).map((part) => db.insert(orderLines).values(part))
 */
export function insertChunks<T extends object>(rows: readonly T[]): T[][] {
  if (rows.length === 0) return [];
  const columns = Math.max(1, Object.keys(rows[0]!).length);
  return chunked(rows, Math.max(1, Math.floor(D1_MAX_PARAMETERS / columns)));
}
