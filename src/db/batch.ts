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
