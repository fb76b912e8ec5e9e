import { sql } from 'drizzle-orm';
import { check, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Batch assertions. D1 has no interactive transactions and a conditional UPDATE that matches no row
 * is not an error, so a batch that must apply only when the data is still as its author read it
 * starts with `INSERT INTO batch_guards SELECT <reason> WHERE NOT (<condition>)` (see
 * src/db/guard.ts). While the condition holds nothing is inserted; when it fails the CHECK below
 * refuses the row and D1 rolls the whole batch back. The table is always empty.
 */
export const batchGuards = sqliteTable('batch_guards', { reason: text().notNull() }, () => [
  check('batch_guard_failed', sql`0`),
]);
