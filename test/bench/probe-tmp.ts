import path from 'node:path';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';
import { SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core';
import { cellsSql } from '../../src/impact/report';
const work = '/work/wt-impact/.wrangler/bench-impact';
const mf = new Miniflare(convertV4MiniflareOptions({
  scriptPath: path.join(work, 'dist/index.js'), modules: true, compatibilityDate: '2026-10-01', compatibilityFlags: ['nodejs_compat'],
  d1Databases: { DB: 'shanhai-bench' }, r2Buckets: ['PHOTOS'], bindings: { APP_URL: 'http://127.0.0.1', BENCH_MODE: '1' },
  resourcePersistencePath: path.join(work, 'state'), host: '127.0.0.1', port: 0 }));
const url = await mf.ready;
const d1 = await mf.getD1Database('DB');
const dialect = new SQLiteAsyncDialect({ casing: 'snake_case' });
for (const f of [{ from: '2025-11-01', to: '2026-10-31' }, { county: 'huize' }]) {
  const q = dialect.sqlToQuery(cellsSql(f));
  for (let i = 0; i < 3; i++) { const t = performance.now(); const r = await d1.prepare(q.sql).bind(...q.params).all(); console.log(JSON.stringify(f), 'rows', r.results.length, 'total', (performance.now() - t).toFixed(0), 'sql', r.meta.duration, 'read', r.meta.rows_read); }
  const t = performance.now(); const r = await d1.prepare(`SELECT count(*) FROM sales_daily WHERE day >= '2025-11-01'`).all(); console.log('count', (performance.now() - t).toFixed(0), r.meta.duration);
}
for (const p of ['/api/v1/impact?from=2025-11-01&to=2026-10-31', '/api/v1/impact?county=huize']) for (let i = 0; i < 3; i++) { const t = performance.now(); const res = await fetch(new URL(p, url)); const b = await res.text(); console.log(p, (performance.now() - t).toFixed(0), b.length); }
await mf.dispose();
