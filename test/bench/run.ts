/**
 * `npm run bench`: throughput and latency of the main routes beside a static floor route of the same
 * worker, plus the worker bundle's minified gzip size.
 *
 * It bundles the worker exactly as a deploy would (`wrangler deploy --dry-run --minify`), runs that bundle
 * in workerd through Miniflare's API (no `wrangler dev` proxy, no request logging) with a throwaway local
 * D1 (migrations + seed) and R2, and BENCH_MODE=1 so every response reports its D1 statement count in
 * `x-d1-queries`. Load comes from autocannon on loopback, bounded in time and connections. Results are
 * printed as a table and written to bench-results/bench.json.
 *
 * Adding a route: append to ROUTES below. A GET needs only `name` and `path`; a route that needs state
 * (a signed-in buyer, an open group buy...) gets a `prepare` that runs once after seeding and returns the
 * request to send, e.g.
 *
 *   { name: 'place order', path: '/api/v1/orders', prepare: async ({ baseUrl }) => ({
 *       method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
 *       body: JSON.stringify({...}) }) }
 *
 * Environment: BENCH_DURATION (seconds per route, default 10), BENCH_CONNECTIONS (default 50).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { Miniflare, convertV4MiniflareOptions } from 'miniflare';
import { buildSeedStatements, productId } from '../../seeds/seed';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type BenchRequest = { path: string; method?: Method; headers?: Record<string, string>; body?: string };
type BenchContext = { baseUrl: string; mf: Miniflare };
type BenchRoute = BenchRequest & {
  name: string;
  /** Runs once, after seeding; returns what to send (overrides path/method/headers/body). */
  prepare?: (context: BenchContext) => Promise<Partial<BenchRequest>>;
};

const SAMPLE_PRODUCT = productId('XW-HAM-001');

/** The floor comes first: every other route's throughput is reported as a ratio of it. */
const ROUTES: BenchRoute[] = [
  { name: 'floor /healthz', path: '/healthz' },
  { name: 'products ?limit=50', path: '/api/v1/products?limit=50' },
  { name: 'search 火腿 + category', path: `/api/v1/products?q=${encodeURIComponent('火腿')}&category=ham` },
  { name: 'product page (HTML)', path: `/products/${SAMPLE_PRODUCT}` },
  { name: 'product API', path: `/api/v1/products/${SAMPLE_PRODUCT}` },
];

const ROOT = path.resolve(import.meta.dirname, '../..');
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const WARMUP_S = 2;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Bundles like a deploy and returns the bundle path and the sizes wrangler reports. */
function bundle(outdir: string): { file: string; totalKiB: number; gzipKiB: number; reportedBy: string } {
  const output = execFileSync(
    path.join(ROOT, 'node_modules/.bin/wrangler'),
    ['deploy', '--dry-run', '--minify', '--outdir', outdir],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const file = path.join(outdir, 'index.js');
  const match = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(output);
  if (match) return { file, totalKiB: Number(match[1]), gzipKiB: Number(match[2]), reportedBy: 'wrangler' };
  const code = readFileSync(file);
  return { file, totalKiB: code.length / 1024, gzipKiB: gzipSync(code, { level: 9 }).length / 1024, reportedBy: 'zlib' };
}

function wranglerConfig(): { compatibilityDate: string; compatibilityFlags: string[] } {
  const toml = readFileSync(path.join(ROOT, 'wrangler.toml'), 'utf8');
  const date = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  const flags = /^compatibility_flags\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1];
  if (!date) throw new Error('wrangler.toml has no compatibility_date');
  return { compatibilityDate: date, compatibilityFlags: [...(flags ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1]!) };
}

/** The drizzle-kit migrations in order, split at their statement breakpoints, then the seed. */
async function prepareDatabase(mf: Miniflare): Promise<void> {
  const db = await mf.getD1Database('DB');
  const dir = path.join(ROOT, 'migrations');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) {
    const statements = readFileSync(path.join(dir, file), 'utf8')
      .split('--> statement-breakpoint')
      .map((s) => s.trim())
      .filter(Boolean);
    await db.batch(statements.map((sql) => db.prepare(sql)));
  }
  const seed = await buildSeedStatements();
  for (let i = 0; i < seed.length; i += 50) await db.batch(seed.slice(i, i + 50).map((sql) => db.prepare(sql)));
}

type Measured = { route: string; path: string; reqPerSec: number; p50Ms: number; p99Ms: number; non2xx: number; errors: number; d1Queries: number | null };

async function measure(baseUrl: string, route: BenchRoute, request: BenchRequest): Promise<Measured> {
  const url = `${baseUrl}${request.path}`;
  const init = { method: request.method ?? 'GET', headers: request.headers, body: request.body };
  const probe = await fetch(url, init);
  await probe.arrayBuffer();
  if (probe.status >= 400) throw new Error(`${route.name}: ${request.path} answered ${probe.status}`);
  const d1 = probe.headers.get('x-d1-queries');
  const options = { url, connections: CONNECTIONS, method: init.method, headers: request.headers, body: request.body };
  await autocannon({ ...options, duration: WARMUP_S });
  const result = await autocannon({ ...options, duration: DURATION_S });
  return {
    route: route.name,
    path: request.path,
    reqPerSec: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    d1Queries: d1 === null ? null : Number(d1),
  };
}

/** 1-minute load average and core count: a shared machine's other work lowers every number here. */
function machine(): { cores: number; loadAverage1m: number } {
  return { cores: cpus().length, loadAverage1m: Number(loadavg()[0]!.toFixed(2)) };
}

function printTable(rows: Array<Measured & { ratio: number }>, size: ReturnType<typeof bundle>, load: { before: ReturnType<typeof machine>; after: ReturnType<typeof machine> }): void {
  const header = ['route', 'req/s', 'p50 ms', 'p99 ms', 'vs floor', 'D1 q/req', 'non-2xx'];
  const lines = rows.map((r) => [r.route, String(r.reqPerSec), String(r.p50Ms), String(r.p99Ms), r.ratio.toFixed(2), r.d1Queries === null ? '-' : String(r.d1Queries), String(r.non2xx + r.errors)]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => [...l[i]!].length + (l[i]!.match(/\p{Script=Han}/gu)?.length ?? 0))));
  const pad = (text: string, i: number) => {
    const width = [...text].length + (text.match(/\p{Script=Han}/gu)?.length ?? 0);
    return i === 0 ? text + ' '.repeat(widths[i]! - width) : ' '.repeat(widths[i]! - width) + text;
  };
  console.log(`\n| ${header.map(pad).join(' | ')} |`);
  console.log(`|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `-${'-'.repeat(w)}:`)).join('|')}|`);
  for (const line of lines) console.log(`| ${line.map(pad).join(' | ')} |`);
  console.log(`\nWorker bundle (minified): ${size.totalKiB.toFixed(2)} KiB, gzip ${size.gzipKiB.toFixed(2)} KiB (${size.reportedBy}).`);
  console.log(`Load: autocannon, ${CONNECTIONS} connections, ${DURATION_S} s per route after ${WARMUP_S} s warm-up, loopback, workerd via Miniflare.`);
  console.log(`Machine: ${load.before.cores} cores, 1-min load average ${load.before.loadAverage1m} before, ${load.after.loadAverage1m} after.`);
}

async function main(): Promise<void> {
  // Local D1 commits every statement to SQLite on disk; on a real disk the fsyncs, not our code, set
  // the ceiling (measured here: ~110 vs ~360 req/s for `SELECT 1`). Production D1 is remote, so keep the
  // throwaway database in memory-backed /dev/shm when there is one.
  const scratch = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const work = mkdtempSync(path.join(scratch, 'shanhai-bench-'));
  let mf: Miniflare | undefined;
  try {
    console.log('Bundling the worker (wrangler deploy --dry-run --minify)...');
    const size = bundle(path.join(ROOT, 'dist'));
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    // Miniflare 5 still accepts the flat v4 option shape through its converter.
    mf = new Miniflare(
      convertV4MiniflareOptions({
        modules: true,
        scriptPath: size.file,
        ...wranglerConfig(),
        host: '127.0.0.1',
        port,
        d1Databases: { DB: 'bench-db' },
        r2Buckets: { PHOTOS: 'bench-photos' },
        bindings: { APP_URL: baseUrl, BENCH_MODE: '1' },
        resourcePersistencePath: work,
        logRequests: false,
        telemetry: { enabled: false },
      }),
    );
    await mf.ready;
    console.log('Applying migrations and seed to a fresh local D1...');
    await prepareDatabase(mf);

    const before = machine();
    const measured: Measured[] = [];
    for (const route of ROUTES) {
      const request = { path: route.path, method: route.method, headers: route.headers, body: route.body, ...(route.prepare ? await route.prepare({ baseUrl, mf }) : {}) };
      process.stdout.write(`  ${route.name} ...`);
      const result = await measure(baseUrl, route, request);
      measured.push(result);
      process.stdout.write(` ${result.reqPerSec} req/s\n`);
    }
    const floor = measured[0]!.reqPerSec;
    const rows = measured.map((m) => ({ ...m, ratio: floor ? m.reqPerSec / floor : 0 }));
    const load = { before, after: machine() };
    printTable(rows, size, load);

    mkdirSync(path.join(ROOT, 'bench-results'), { recursive: true });
    const report = {
      at: new Date().toISOString(),
      load: { tool: 'autocannon', connections: CONNECTIONS, durationSeconds: DURATION_S, warmupSeconds: WARMUP_S },
      runtime: 'workerd via Miniflare (bundled worker, local D1 and R2, BENCH_MODE=1)',
      bundle: { minifiedKiB: size.totalKiB, gzipKiB: size.gzipKiB, reportedBy: size.reportedBy },
      machine: load,
      routes: rows,
    };
    writeFileSync(path.join(ROOT, 'bench-results/bench.json'), JSON.stringify(report, null, 2) + '\n');
    console.log('Wrote bench-results/bench.json');
    const failing = rows.filter((r) => r.non2xx + r.errors > 0);
    if (failing.length) {
      console.error(`Routes with errors under load: ${failing.map((r) => r.route).join(', ')}`);
      process.exitCode = 1;
    }
  } finally {
    await mf?.dispose();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
