import type { SQL } from 'drizzle-orm';
import { SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/client';

const dialect = new SQLiteAsyncDialect({ casing: 'snake_case' });

type Rows<T extends readonly unknown[]> = { [K in keyof T]: T[K][] };

/**
 * Runs raw SELECTs as one D1 batch (one round trip) and returns each one's rows. Drizzle's own
 * `db.batch` cannot carry `db.all(sql\`…\`)` with bound parameters (its raw query has no prepared
 * statement to bind), so this compiles the SQL with Drizzle's dialect and batches on the D1 client.
 */
export async function selectBatch<T extends readonly unknown[]>(db: Db, queries: { [K in keyof T]: SQL }): Promise<Rows<T>> {
  const client = db.$client;
  const statements = (queries as readonly SQL[]).map((query) => {
    const { sql, params } = dialect.sqlToQuery(query);
    return client.prepare(sql).bind(...params);
  });
  const results = await client.batch(statements);
  return results.map((r) => r.results) as Rows<T>;
}
