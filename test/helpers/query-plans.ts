import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import worker from '../../src/index';
import { BASE, type JsonInit } from './http';

/**
 * The SQL a request really runs, and how SQLite plans it. The worker is called with its D1 binding
 * wrapped so every statement it prepares (through Drizzle, Better Auth or raw D1, alone or in a batch)
 * is recorded with its bound values; each is then put through `EXPLAIN QUERY PLAN`. Nothing is copied
 * by hand, so a service that changes its SQL is checked as it now is.
 */

export type Recorded = { sql: string; params: unknown[] };

const RAW = Symbol('raw statement');

/** A D1 binding (or a session of it) that records what is prepared and bound on it, then runs it unchanged. */
function recordingD1<T extends D1Database | D1DatabaseSession>(d1: T, log: Recorded[]): T {
  const wrap = (statement: D1PreparedStatement, entry: Recorded): D1PreparedStatement =>
    new Proxy(statement, {
      get(target, prop) {
        if (prop === RAW) return target;
        if (prop === 'bind') {
          return (...params: unknown[]) => {
            entry.params = params;
            return wrap(target.bind(...params), entry);
          };
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  return new Proxy(d1, {
    get(target, prop) {
      if (prop === 'prepare') {
        return (sql: string) => {
          const entry: Recorded = { sql, params: [] };
          log.push(entry);
          return wrap(target.prepare(sql), entry);
        };
      }
      // The app runs every request in a D1 session (src/db/session.ts): record on the session too.
      if (prop === 'withSession') return (constraint?: string) => recordingD1((target as D1Database).withSession(constraint), log);
      if (prop === 'batch') {
        // Statements reach batch() as the recording proxies; hand D1 the real ones underneath.
        return (statements: D1PreparedStatement[]) => target.batch(statements.map((s) => (s as unknown as { [RAW]?: D1PreparedStatement })[RAW] ?? s));
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Calls the worker like a client and returns the response and every statement the request ran. */
export async function statementsOf(path: string, init: JsonInit = {}): Promise<{ status: number; body: string; statements: Recorded[] }> {
  const log: Recorded[] = [];
  const headers = new Headers(init.headers);
  if (init.json !== undefined) headers.set('content-type', 'application/json');
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  if (init.method && init.method !== 'GET') headers.set('origin', BASE);
  const request = new Request(`${BASE}${path}`, { method: init.method, headers, body: init.json !== undefined ? JSON.stringify(init.json) : init.body });
  const ctx = createExecutionContext();
  const res = await worker.fetch(request, { ...env, DB: recordingD1(env.DB, log) }, ctx);
  const body = await res.text();
  await waitOnExecutionContext(ctx);
  return { status: res.status, body, statements: log };
}

/** SQLite's plan for one recorded statement, one line per step (`SEARCH products USING INDEX ...`). */
export async function planOf(statement: Recorded): Promise<string[]> {
  const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`)
    .bind(...statement.params)
    .all<{ detail: string }>();
  return plan.results.map((row) => row.detail);
}

/** Plan lines that read all of one of `tables` (a covering index included): what a hot path must never do. */
export function fullScans(plan: string[], tables: readonly string[]): string[] {
  return plan.filter((line) => tables.some((table) => new RegExp(`^SCAN ${table}\\b(?!_)`).test(line)));
}
