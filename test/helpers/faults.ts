import { env } from 'cloudflare:workers';

/**
 * A D1 binding that makes one batch fail in its middle, for fault-injection tests: the first batch whose SQL
 * matches `when` gets a statement that fails at run time (a query of a table that does not exist) inserted
 * halfway, so D1 really executes the first half and must roll all of it back. Later batches pass untouched,
 * so a retry through the same binding succeeds. Everything else is the real local D1 (sessions included).
 */
export function d1FailingOnce(when: RegExp): { DB: D1Database; injected: () => number } {
  let injected = 0;
  const sqlOf = (statement: D1PreparedStatement) => String((statement as unknown as { statement?: string }).statement ?? '');
  const wrapBatch = (target: D1Database | D1DatabaseSession) => async (statements: D1PreparedStatement[]) => {
    if (injected === 0 && statements.length >= 2 && statements.some((s) => when.test(sqlOf(s)))) {
      injected += 1;
      const middle = Math.ceil(statements.length / 2);
      const failing = target.prepare('SELECT * FROM fault_injected_mid_batch');
      return target.batch([...statements.slice(0, middle), failing, ...statements.slice(middle)]);
    }
    return target.batch(statements);
  };
  const wrap = <T extends D1Database | D1DatabaseSession>(target: T): T =>
    new Proxy(target, {
      get(object, prop) {
        if (prop === 'batch') return wrapBatch(object);
        if (prop === 'withSession') return (constraint?: string) => wrap((object as D1Database).withSession(constraint));
        const value = Reflect.get(object, prop, object);
        return typeof value === 'function' ? value.bind(object) : value;
      },
    });
  return { DB: wrap(env.DB), injected: () => injected };
}

const MONEY_TABLES = ['orders', 'order_lines', 'shipments', 'shipment_items', 'payments', 'refunds', 'idempotency_keys', 'group_buys', 'group_buy_participants', 'group_buy_participant_items', 'settlements', 'settlement_lines', 'sales_daily', 'audit_log', 'notifications'] as const;

/** Row counts of the tables a money-bearing write touches, plus total stock: equal before and after a failed attempt. */
export type MoneyState = Record<(typeof MONEY_TABLES)[number] | 'stock' | 'open_group_buys', number>;

export async function moneyState(): Promise<MoneyState> {
  const present = new Set((await env.DB.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all<{ name: string }>()).results.map((r) => r.name));
  const queries = MONEY_TABLES.filter((t) => present.has(t)).map((t) => [t, `SELECT count(*) AS n FROM ${t}`] as const);
  queries.push(['stock', 'SELECT coalesce(sum(stock), 0) AS n FROM products'] as unknown as (typeof queries)[number]);
  queries.push(['open_group_buys', `SELECT count(*) AS n FROM group_buys WHERE status = 'open'`] as unknown as (typeof queries)[number]);
  const results = await env.DB.batch(queries.map(([, sql]) => env.DB.prepare(sql)));
  return Object.fromEntries(queries.map(([name], i) => [name, (results[i]!.results[0] as { n: number }).n])) as MoneyState;
}
