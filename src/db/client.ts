import { drizzle } from 'drizzle-orm/d1';
import * as schema from './schema';

export type Db = ReturnType<typeof createDb>;

/** A binding, or one D1 session of it (src/db/session.ts): drizzle only prepares statements and runs batches. */
export type D1Client = D1Database | D1DatabaseSession;

/**
 * A Drizzle instance over one D1 session, built on every request. Without `schema` Drizzle skips
 * extracting the relational config of every table (about a tenth of a cached catalog read's CPU);
 * the query builder (select/insert/update/delete/batch) needs no schema, and the relational
 * `db.query.*` API is not used.
 */
export function createDb(d1: D1Client) {
  return drizzle(d1 as D1Database, { casing: 'snake_case' });
}

/**
 * Wraps a D1 binding so every statement it prepares is counted; used in bench mode to expose
 * D1 queries per request (`x-d1-queries`). A batch counts each of its statements.
 */
export function countingD1<T extends D1Client>(d1: T, counter: { queries: number }): T {
  return new Proxy(d1, {
    get(target, prop, receiver) {
      if (prop === 'prepare') {
        return (query: string) => {
          counter.queries += 1;
          return target.prepare(query);
        };
      }
      if (prop === 'exec' && 'exec' in target) {
        return (query: string) => {
          counter.queries += 1;
          return target.exec(query);
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export { schema };
