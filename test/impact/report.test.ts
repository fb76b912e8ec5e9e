import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { call, callJson, demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { districtOfCounty, generateSales, testDb } from '../helpers/impact';
import { ledgerSalesDaily, type LedgerRow } from '../helpers/impact-ledger';
import { impactReport, type ImpactFilter, type ImpactReport } from '../../src/impact/report';
import { monthlyAgreement, recomputedSalesDaily, storedSalesDaily } from '../../src/impact/recompute';

let ledger: LedgerRow[];
let households: Map<string, number>;

beforeAll(async () => {
  await seedDatabase();
  const db = testDb();
  const { history } = await generateSales(db, { seed: 7, orders: 150, groupBuys: 6 });
  ledger = ledgerSalesDaily({ ...history, districtOfCounty: await districtOfCounty(db) });
  const rows = await db.all<{ id: string; households: number }>(sql`SELECT id, households_benefited AS households FROM organization WHERE kind = 'cooperative'`);
  households = new Map(rows.map((r) => [r.id, r.households]));
});

/** The most frequent value of a ledger column, so every filter below selects real sales. */
function busiest(key: 'countyId' | 'districtId' | 'category'): string {
  const counts = new Map<string, number>();
  for (const row of ledger) counts.set(row[key], (counts.get(row[key]) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]![0];
}

/** The report's totals computed straight from the oracle's rows. */
function expectedTotals(filter: ImpactFilter) {
  const rows = ledger.filter(
    (r) =>
      (!filter.from || r.day >= filter.from) &&
      (!filter.to || r.day <= filter.to) &&
      (!filter.district || r.districtId === filter.district) &&
      (!filter.county || r.countyId === filter.county) &&
      (!filter.category || r.category === filter.category),
  );
  const net = new Map<string, number>();
  for (const r of rows) net.set(r.cooperativeId, (net.get(r.cooperativeId) ?? 0) + r.salesFen - r.refundsFen);
  const selling = [...net].filter(([, n]) => n > 0).map(([id]) => id);
  return {
    salesFen: rows.reduce((s, r) => s + r.salesFen - r.refundsFen, 0),
    refundsFen: rows.reduce((s, r) => s + r.refundsFen, 0),
    orders: rows.reduce((s, r) => s + (filter.category ? r.categoryOrders : r.orders), 0),
    cooperatives: selling.length,
    households: selling.reduce((s, id) => s + households.get(id)!, 0),
  };
}

/** Filters resolved once the data exists (it.each names them at collection time). */
const filters: [string, () => ImpactFilter][] = [
  ['no filter', () => ({})],
  ['a date range', () => ({ from: '2026-02-01', to: '2026-03-15' })],
  ['a single day', () => ({ from: ledger[10]!.day, to: ledger[10]!.day })],
  ['whole months', () => ({ from: '2026-02-01', to: '2026-04-30' })],
  ['everything up to a day', () => ({ to: '2026-04-15' })],
  ['everything from a day', () => ({ from: '2026-03-02' })],
  ['a district', () => ({ district: busiest('districtId') })],
  ['a county', () => ({ county: busiest('countyId') })],
  ['a category', () => ({ category: busiest('category') as ImpactFilter['category'] })],
  [
    'a county, a category and dates',
    () => ({ county: busiest('countyId'), category: busiest('category') as ImpactFilter['category'], from: '2026-01-15', to: '2026-05-31' }),
  ],
];

/** RFC 4180: quoted fields may hold commas, quotes (doubled) and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), (i += 1);
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(field), (field = '');
    else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field), rows.push(row), (row = []), (field = ''), (i += 1);
    } else field += ch;
  }
  if (field || row.length) row.push(field), rows.push(row);
  return rows;
}

const query = (filter: ImpactFilter) => new URLSearchParams(filter as Record<string, string>).toString();

describe('GET /api/v1/impact over generated sales', () => {
  it('Should keep sales_daily identical to the rules’ oracle and to the from-scratch recomputation', async () => {
    const db = testDb();
    expect(ledger.length).toBeGreaterThan(100);
    expect(await storedSalesDaily(db)).toEqual(ledger);
    expect(await recomputedSalesDaily(db)).toEqual(ledger);
    const { stored, summed } = await monthlyAgreement(db);
    expect(stored.length).toBeGreaterThan(10);
    expect(stored).toEqual(summed);
  });

  it.each(filters)('Should report the same as the recomputation and the oracle for %s', async (_name, filterOf) => {
    const filter = filterOf();
    const { status, body } = await callJson<ImpactReport>(`/api/v1/impact?${query(filter)}`);
    expect(status).toBe(200);
    expect(body).toEqual(await impactReport(testDb(), filter, 'recompute'));
    expect(body.totals).toEqual(expectedTotals(filter));
    expect(body.totals.salesFen).toBeGreaterThan(0);
    // Every breakdown adds up to the totals' money.
    for (const rows of [body.byCounty, body.byDistrict, body.byCategory, body.byMonth]) {
      expect(rows.reduce((s, r) => s + r.salesFen, 0)).toBe(body.totals.salesFen);
      expect(rows.reduce((s, r) => s + r.refundsFen, 0)).toBe(body.totals.refundsFen);
    }
  });

  it('Should break down by county, district, category and month with names in both languages', async () => {
    const { body } = await callJson<ImpactReport>('/api/v1/impact');
    const county = body.byCounty.find((c) => c.countyId === busiest('countyId'))!;
    expect(county.salesFen).toBe(expectedTotals({ county: county.countyId }).salesFen);
    expect(county.nameZh).toMatch(/[县市区]$/);
    expect(county.nameEn).toMatch(/[A-Za-z]/);
    expect(body.byDistrict.every((d) => d.nameZh && d.nameEn)).toBe(true);
    expect(body.byCategory.find((c) => c.category === 'ham')?.nameZh ?? '火腿腊味').toBe('火腿腊味');
    expect(body.byMonth[0]).toMatchObject({ month: '2026-01', nameZh: '2026年1月', nameEn: 'Jan 2026' });
    // Months run without gaps, so the line chart shows quiet months as zero.
    const months = body.byMonth.map((m) => m.month);
    expect(months).toEqual([...months].sort());
    expect(new Set(months).size).toBe(months.length);
    // Sorted by net sales, largest first.
    expect(body.byCounty.map((c) => c.salesFen)).toEqual([...body.byCounty.map((c) => c.salesFen)].sort((a, b) => b - a));
  });

  it('Should answer the same figures as CSV for Accept: text/csv and for format=csv', async () => {
    const filter = { from: '2026-01-01', to: '2026-06-30', district: busiest('districtId') };
    const json = (await callJson<ImpactReport>(`/api/v1/impact?${query(filter)}`)).body;
    const asked: { path: string; headers: Record<string, string> }[] = [
      { path: `/api/v1/impact?${query(filter)}`, headers: { accept: 'text/csv' } },
      { path: `/api/v1/impact?${query(filter)}&format=csv`, headers: {} },
    ];
    for (const init of asked) {
      const res = await call(init.path, { headers: init.headers });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/csv');
      expect(res.headers.get('content-disposition')).toContain(`district-${filter.district}`);
      const text = (await res.text()).replace(/^\uFEFF/, '');
      const [header, ...rows] = parseCsv(text);
      expect(header).toEqual(['dimension', 'key', 'nameZh', 'nameEn', 'salesFen', 'refundsFen', 'orders', 'households', 'cooperatives']);
      const expected = [
        ['total', '', json.totals],
        ...json.byCounty.map((r) => ['county', r.countyId, r] as const),
        ...json.byDistrict.map((r) => ['district', r.districtId ?? '', r] as const),
        ...json.byCategory.map((r) => ['category', r.category, r] as const),
        ...json.byMonth.map((r) => ['month', r.month, r] as const),
      ] as const;
      expect(rows.length).toBe(expected.length);
      expected.forEach(([dimension, key, figures], i) => {
        const row = rows[i]!;
        expect([row[0], row[1], row[2], row[3]]).toEqual([dimension, key, 'nameZh' in figures ? figures.nameZh : '合计', 'nameEn' in figures ? figures.nameEn : 'Total']);
        expect(row.slice(4).map(Number)).toEqual([figures.salesFen, figures.refundsFen, figures.orders, figures.households, figures.cooperatives]);
      });
    }
  });

  it('Should answer JSON when the client accepts anything', async () => {
    const res = await call('/api/v1/impact', { headers: { accept: '*/*' } });
    expect(res.headers.get('content-type')).toContain('application/json');
  });
});

describe('GET /api/v1/impact with bad filters', () => {
  it.each([
    ['from=2026-13-01', 'query.from'],
    ['from=2026-02-30', 'query.from'],
    ['from=yesterday', 'query.from'],
    ['to=2026-1-5', 'query.to'],
    ['from=2026-05-01&to=2026-04-30', 'query.to'],
    ['district=nowhere', 'query.district'],
    ['district=Bad%20Id', 'query.district'],
    ['county=atlantis', 'query.county'],
    ['category=jewellery', 'query.category'],
    ['format=xml', 'query.format'],
  ])('Should refuse %s with a 400 naming %s', async (qs, path) => {
    const { status, body, res } = await callJson(`/api/v1/impact?${qs}`);
    expect(status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });
});

describe('POST /api/v1/admin/impact/rebuild', () => {
  it('Should refuse a guest with 401 and a signed-in non-admin with 403', async () => {
    expect((await call('/api/v1/admin/impact/rebuild', { method: 'POST' })).status).toBe(401);
    for (const key of ['buyer', 'canteenPurchaser'] as const) {
      expect((await call('/api/v1/admin/impact/rebuild', { method: 'POST', token: await demoToken(key) })).status).toBe(403);
    }
  });

  it('Should rebuild a damaged rollup from scratch for an admin, and audit it', async () => {
    const db = testDb();
    await db.run(sql`UPDATE sales_daily SET sales_fen = sales_fen + 100 WHERE rowid IN (SELECT rowid FROM sales_daily LIMIT 3)`);
    await db.run(sql`DELETE FROM sales_daily WHERE rowid IN (SELECT rowid FROM sales_daily LIMIT 2 OFFSET 10)`);
    expect(await storedSalesDaily(db)).not.toEqual(ledger);

    const { status, body } = await callJson('/api/v1/admin/impact/rebuild', { method: 'POST', token: await demoToken('admin') });
    expect(status).toBe(200);
    expect(body.after.rows).toBe(ledger.length);
    expect(body.before.rows).toBe(ledger.length - 2);
    expect(await storedSalesDaily(db)).toEqual(ledger);
    const monthly = await monthlyAgreement(db);
    expect(monthly.stored).toEqual(monthly.summed);

    const [audit] = await db.all<{ action: string; actorUserId: string; after: string }>(
      sql`SELECT action, actor_user_id AS actorUserId, after FROM audit_log WHERE action = 'impact.rebuild'`,
    );
    expect(audit).toMatchObject({ action: 'impact.rebuild', actorUserId: 'usr_demo_admin' });
    expect(JSON.parse(audit!.after)).toMatchObject({ rows: ledger.length, salesFen: body.after.salesFen });
  });
});

describe('the /impact page', () => {
  it('Should render the headline figures and one accessible SVG chart per breakdown, with data tables', async () => {
    const res = await call('/impact');
    expect(res.status).toBe(200);
    const html = await res.text();
    const { body } = await callJson<ImpactReport>('/api/v1/impact');
    expect(html).toContain('帮扶成效');
    expect(html).toContain(`data-figure="households">${body.totals.households.toLocaleString('en-US')}<`);
    for (const id of ['impact-county', 'impact-district', 'impact-category', 'impact-month']) {
      expect(html).toContain(`aria-labelledby="${id}-title ${id}-desc"`);
      expect(html).toMatch(new RegExp(`<title id="${id}-title">[^<]+</title><desc id="${id}-desc">[^<]+</desc>`));
    }
    expect((html.match(/<g class="bar">/g) ?? []).length).toBe(body.byCounty.length + body.byDistrict.length + body.byCategory.length);
    expect((html.match(/<g class="point">/g) ?? []).length).toBe(body.byMonth.length);
    expect((html.match(/<details class="data-table">/g) ?? []).length).toBe(4);
    expect(html).toContain('href="/api/v1/impact?format=csv"');
  });

  it('Should keep the filters in the form and the CSV link, in English with ?lang=en', async () => {
    const county = busiest('countyId');
    const res = await call(`/impact?from=2026-02-01&to=&county=${county}&category=&lang=en`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Sales by paired Shanghai district');
    expect(html).toContain(`<option value="${county}" selected="">`);
    expect(html).toContain(`value="2026-02-01"`);
    expect(html).toContain(`href="/api/v1/impact?from=2026-02-01&amp;county=${county}&amp;format=csv"`);
  });

  it('Should explain bad filters with a 400 page instead of charts', async () => {
    const res = await call('/impact?from=2026-02-31&county=atlantis');
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain('from');
    expect(html).not.toContain('<g class="bar">');
  });
});
