import path from 'node:path';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';
import { SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core';
import { reportSql } from '../../src/impact/report';
const work = '/work/wt-impact/.wrangler/bench-impact';
const mf = new Miniflare(convertV4MiniflareOptions({
  scriptPath: path.join(work, 'dist/index.js'), modules: true, compatibilityDate: '2026-10-01', compatibilityFlags: ['nodejs_compat'],
  d1Databases: { DB: 'shanhai-bench' }, r2Buckets: ['PHOTOS'], bindings: { APP_URL: 'http://127.0.0.1', BENCH_MODE: '1' },
  resourcePersistencePath: path.join(work, 'state'), host: '127.0.0.1', port: 0 }));
const url = await mf.ready;
const d1 = await mf.getD1Database('DB');
const dialect = new SQLiteAsyncDialect({ casing: 'snake_case' });
console.log(await d1.prepare('select count(*) n from sales_monthly').first());
for (const f of [{ from: '2025-11-01', to: '2026-10-31' }, {}, { county: 'huize' }]) {
  const q = dialect.sqlToQuery(reportSql(f));
  const ds = [];
  for (let i = 0; i < 8; i++) { const r = await d1.prepare(q.sql).bind(...q.params).all(); ds.push(r.meta.duration); if (i === 0) console.log('rows', r.results.length, 'read', r.meta.rows_read); }
  console.log(JSON.stringify(f), 'sql ms', ds.join(' '));
  const plan = await d1.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).bind(...q.params).all();
  if (!f.county) console.log(plan.results.map((r: any) => r.detail).join(' | '));
}
for (const p of ['/api/v1/impact?from=2025-11-01&to=2026-10-31', '/healthz']) { const ts = []; for (let i = 0; i < 10; i++) { const t = performance.now(); const res = await fetch(new URL(p, url)); await res.text(); ts.push((performance.now() - t).toFixed(1)); } console.log(p, ts.join(' ')); }
await mf.dispose();
