import { integer, sqliteTable } from 'drizzle-orm/sqlite-core';

/**
 * One row whose `version` takes a new random value whenever anything a public catalog read shows
 * changes: products (price, stock, status, sold count...), their photos, cooperatives, counties and
 * districts. Triggers set it inside the writing statement, so in the write's own batch (custom
 * migration `catalog_version_triggers`), the same mechanism as `impact_state`. Public reads are
 * cached per (catalog version, impact version): see src/lib/public-cache.ts.
 */
export const catalogState = sqliteTable('catalog_state', {
  id: integer().primaryKey(),
  version: integer().notNull(),
});
