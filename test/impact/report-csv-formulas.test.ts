import { beforeAll, describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { call } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { generateSales, testDb } from '../helpers/impact';
import { parseCsv } from '../../src/lib/csv';

/** A county whose name a spreadsheet would run: the impact CSV must hand it over as text. */
const FORMULA_NAME = '=HYPERLINK("http://evil.example","点我")';

beforeAll(async () => {
  await seedDatabase();
  await generateSales(testDb(), { seed: 11, orders: 30, groupBuys: 0 });
});

describe('Impact report CSV and spreadsheet formulas', () => {
  it('Should neutralise a cell that starts with = so a spreadsheet shows it as text', async () => {
    const county = await env.DB.prepare(
      'SELECT c.id FROM counties c JOIN sales_daily s ON s.county_id = c.id GROUP BY c.id ORDER BY SUM(s.sales_fen) DESC LIMIT 1',
    ).first<{ id: string }>();
    expect(county).not.toBeNull();
    await env.DB.prepare('UPDATE counties SET name_zh = ?, name_en = ? WHERE id = ?').bind(FORMULA_NAME, '+cmd|calc', county!.id).run();

    const res = await call(`/api/v1/impact?county=${county!.id}&format=csv`);
    expect(res.status).toBe(200);
    const rows = parseCsv(await res.text());
    const countyRow = rows.find((r) => r[0] === 'county' && r[1] === county!.id);
    expect(countyRow?.[2]).toBe(`'${FORMULA_NAME}`);
    expect(countyRow?.[3]).toBe("'+cmd|calc");
    // No cell of the file starts with a formula character any more.
    expect(rows.flat().filter((cell) => /^[=+@\t\r]/.test(cell) || /^-\D/.test(cell))).toEqual([]);
  });
});
