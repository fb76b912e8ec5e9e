/**
 * Measures `GET /api/v1/impact` at issue 9's scale (100,000 orders) and proves, once, that the
 * rollup equals the from-scratch recomputation there. Standalone so it can be folded into
 * `npm run bench` (test/bench/run.ts): it builds the worker as deployed (wrangler dry-run,
 * minified), runs it in workerd through Miniflare's API with a local D1 (no wrangler dev proxy),
 * loads migrations, the seed and test/bench/generate-scale.ts, then drives each route with
 * autocannon on loopback beside the /healthz floor.
 *
 *   npx tsx test/bench/impact.ts              # fresh database
 *   npx tsx test/bench/impact.ts --reuse      # keep the database of the previous run
 *   ORDERS=10000 DURATION=5 npx tsx test/bench/impact.ts
 *
 * Results: printed as a table and written to bench-results/impact.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';
import { SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core';
import { buildSeedStatements, DEMO_PASSWORD } from '../../seeds/seed';
import { salesDailyRowsSql } from '../../src/impact/sales-events';
import { applyScale } from './generate-scale';

type AutocannonResult = {
  requests: { average: number };
  latency: { p50: number; p99: number; average: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
};
const autocannon = createRequire(import.meta.url)('autocannon') as (options: {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
}) => Promise<AutocannonResult>;

const root = path.resolve(import.meta.dirname, '../..');
const work = path.join(root, '.wrangler/bench-impact');
const reuse = process.argv.includes('--reuse');
const orders = Number(process.env.ORDERS ?? 100_000);
const duration = Number(process.env.DURATION ?? 10);
const connections = Number(process.env.CONNECTIONS ?? 10);

function migrationStatements(): string[] {
  const dir = path.join(root, 'migrations');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .flatMap((f) => readFileSync(path.join(dir, f), 'utf8').split('--> statement-breakpoint'))
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A free loopback port, so APP_URL (Better Auth's trusted origin) can name the worker's real origin. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function main() {
  if (!reuse) rmSync(path.join(work, 'state'), { recursive: true, force: true });
  mkdirSync(work, { recursive: true });

  console.log('Building the worker (wrangler deploy --dry-run --minify)…');
  const build = execFileSync('npx', ['wrangler', 'deploy', '--dry-run', '--minify', '--outdir', path.join(work, 'dist')], {
    cwd: root,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    encoding: 'utf8',
  });
  const bundle = /Total Upload: ([^\n]+)/.exec(build)?.[1] ?? 'unknown';

  const port = await freePort();
  // Miniflare 5 takes wrangler-like config; its converter accepts the familiar (v4) options.
  const mf = new Miniflare(convertV4MiniflareOptions({
    scriptPath: path.join(work, 'dist/index.js'),
    modules: true,
    compatibilityDate: '2026-10-01',
    compatibilityFlags: ['nodejs_compat'],
    d1Databases: { DB: 'shanhai-bench' },
    r2Buckets: ['PHOTOS'],
    bindings: { APP_URL: `http://127.0.0.1:${port}`, BENCH_MODE: '1' },
    resourcePersistencePath: path.join(work, 'state'),
    host: '127.0.0.1',
    port,
  }));
  try {
    const url = await mf.ready;
    const d1 = await mf.getD1Database('DB');
    const dialect = new SQLiteAsyncDialect({ casing: 'snake_case' });

    const loaded = await d1
      .prepare(`SELECT count(*) AS n FROM orders WHERE id LIKE 'ord_scale_%'`)
      .first<{ n: number }>()
      .catch(() => null);
    let load: Record<string, unknown> = { reused: true, orders: loaded?.n };
    if (!loaded || loaded.n !== orders) {
      if (loaded) throw new Error(`The kept database holds ${loaded.n} scale orders, not ${orders}: run without --reuse`);
      const t0 = performance.now();
      await d1.batch(migrationStatements().map((s) => d1.prepare(s)));
      const seed = await buildSeedStatements();
      for (let i = 0; i < seed.length; i += 50) await d1.batch(seed.slice(i, i + 50).map((s) => d1.prepare(s)));
      const t1 = performance.now();
      console.log(`Migrated and seeded in ${Math.round(t1 - t0)} ms; generating ${orders} orders…`);
      const scale = await applyScale(d1, { orders });
      load = { migrateAndSeedMs: Math.round(t1 - t0), ...scale };
      console.log(`Generated in ${scale.generateMs} ms, applied in ${scale.applyMs} ms: ${JSON.stringify(scale.rows)}`);
    }

    // Proof at scale: the rollup (written by the rules' independent implementation) equals the SQL recomputation.
    const { sql: recomputeSql, params } = dialect.sqlToQuery(salesDailyRowsSql({ kind: 'all' }));
    const columns = 'day, cooperative_id, county_id, district_id, category, sales_fen, refunds_fen, orders, category_orders, units';
    const t2 = performance.now();
    const onlyInRollup = await d1.prepare(`SELECT count(*) AS n FROM (SELECT ${columns} FROM sales_daily EXCEPT SELECT ${columns} FROM (${recomputeSql}))`).bind(...params).first<{ n: number }>();
    const onlyInRecompute = await d1.prepare(`SELECT count(*) AS n FROM (SELECT ${columns} FROM (${recomputeSql}) EXCEPT SELECT ${columns} FROM sales_daily)`).bind(...params).first<{ n: number }>();
    const recomputeMs = Math.round(performance.now() - t2);
    const rollupRows = (await d1.prepare('SELECT count(*) AS n FROM sales_daily').first<{ n: number }>())!.n;
    const agreement = { rollupRows, onlyInRollup: onlyInRollup!.n, onlyInRecompute: onlyInRecompute!.n, comparedInMs: recomputeMs };
    console.log(`Rollup vs recomputation: ${JSON.stringify(agreement)}`);
    if (agreement.onlyInRollup || agreement.onlyInRecompute) throw new Error('The rollup disagrees with the recomputation');

    // The admin's rebuild at scale (same content, so the measurements below are unaffected).
    const signIn = await fetch(new URL('/api/auth/sign-in/email', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: url.origin },
      body: JSON.stringify({ email: 'admin@shanhai.local', password: DEMO_PASSWORD }),
    });
    const token = signIn.headers.get('set-auth-token');
    if (!token) throw new Error(`Admin sign-in failed: ${signIn.status} ${await signIn.text()}`);
    const t3 = performance.now();
    const rebuild = await fetch(new URL('/api/v1/admin/impact/rebuild', url), { method: 'POST', headers: { authorization: `Bearer ${token}`, origin: url.origin } });
    const rebuildMs = Math.round(performance.now() - t3);
    console.log(`Admin rebuild over ${orders} orders: ${rebuild.status} in ${rebuildMs} ms`);

    const routes: [string, string][] = [
      ['floor /healthz', '/healthz'],
      ['impact, whole year', '/api/v1/impact?from=2025-11-01&to=2026-10-31'],
      ['impact, all time', '/api/v1/impact'],
      ['impact, one district', '/api/v1/impact?from=2025-11-01&to=2026-10-31&district=baoshan'],
      ['impact, one county', '/api/v1/impact?county=huize'],
      ['impact, one category, one quarter', '/api/v1/impact?from=2026-01-01&to=2026-03-31&category=tea'],
      ['impact CSV, whole year', '/api/v1/impact?from=2025-11-01&to=2026-10-31&format=csv'],
      ['/impact page (HTML)', '/impact?from=2025-11-01&to=2026-10-31'],
    ];
    const results = [];
    for (const [name, route] of routes) {
      const target = new URL(route, url).toString();
      const probe = await fetch(target);
      await probe.arrayBuffer();
      const queries = probe.headers.get('x-d1-queries');
      const r = await autocannon({ url: target, connections, duration });
      results.push({ route: name, path: route, status: probe.status, d1Queries: queries === null ? null : Number(queries), reqPerSec: Math.round(r.requests.average), p50Ms: r.latency.p50, p99Ms: r.latency.p99, maxMs: r.latency.max, non2xx: r.non2xx, errors: r.errors + r.timeouts });
    }
    const floor = results[0]!.reqPerSec;
    console.log(`\nGET /api/v1/impact at ${orders.toLocaleString('en-US')} orders (${connections} connections, ${duration} s each; bundle ${bundle})`);
    console.table(results.map((r) => ({ route: r.route, 'req/s': r.reqPerSec, 'vs floor': `${Math.round((r.reqPerSec / floor) * 100)}%`, 'p50 ms': r.p50Ms, 'p99 ms': r.p99Ms, 'D1 queries': r.d1Queries, errors: r.non2xx + r.errors })));

    mkdirSync(path.join(root, 'bench-results'), { recursive: true });
    const out = { at: new Date().toISOString(), orders, connections, durationSeconds: duration, bundle, load, agreement, rebuild: { status: rebuild.status, ms: rebuildMs }, results };
    writeFileSync(path.join(root, 'bench-results/impact.json'), `${JSON.stringify(out, null, 2)}\n`);
    console.log('Written to bench-results/impact.json');
  } finally {
    await mf.dispose();
  }
}

if (!existsSync(path.join(root, 'migrations'))) throw new Error('Run from the repository');
await main();
