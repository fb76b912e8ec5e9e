import { beforeAll, describe, expect, it } from 'vitest';
import { seedDatabase } from '../helpers/seed';
import { catalogProducts, SalesWriter, testDb, type CatalogProduct } from '../helpers/impact';
import { countyImpact } from '../../src/impact/county-impact';
import { CountyImpactSection } from '../../src/impact/impact.components';
import { impactCsv } from '../../src/impact/report-csv';
import { startOfShanghaiDay } from '../../src/lib/time';

let sold: CatalogProduct;

beforeAll(async () => {
  await seedDatabase();
  const db = testDb();
  const products = await catalogProducts(db);
  sold = products[0]!;
  const writer = new SalesWriter(db);
  const order = writer.order({ lines: [{ product: sold, quantity: 3, unitPriceFen: 2500 }], createdAt: startOfShanghaiDay('2026-03-02') });
  order.payment(startOfShanghaiDay('2026-03-02') + 3_600_000);
  writer.order({ lines: [{ product: sold, quantity: 1, unitPriceFen: 2500 }], createdAt: startOfShanghaiDay('2026-05-10') }).payment(startOfShanghaiDay('2026-05-10') + 3_600_000);
  await writer.flush();
});

const render = async (node: unknown) => String(await (node as { toString(): string | Promise<string> }).toString());

describe('countyImpact and CountyImpactSection', () => {
  it('Should give one county’s figures, all time, by month and category', async () => {
    const impact = (await countyImpact(testDb(), sold.countyId))!;
    expect(impact.countyId).toBe(sold.countyId);
    expect(impact.nameZh).toBeTruthy();
    expect(impact.totals).toMatchObject({ salesFen: 10000, orders: 2, cooperatives: 1 });
    expect(impact.byMonth.map((m) => [m.month, m.salesFen])).toEqual([
      ['2026-03', 7500],
      ['2026-04', 0],
      ['2026-05', 2500],
    ]);
    expect(impact.byCategory.map((c) => c.category)).toEqual([sold.category]);
  });

  it('Should render the county’s headline figures and charts, linking to the filtered report', async () => {
    const impact = (await countyImpact(testDb(), sold.countyId))!;
    const html = await render(CountyImpactSection({ impact, locale: 'en' }));
    expect(html).toContain('¥100.00');
    expect(html).toContain(`aria-labelledby="county-impact-${sold.countyId}-month-title county-impact-${sold.countyId}-month-desc"`);
    expect((html.match(/<g class="point">/g) ?? []).length).toBe(3);
    expect((html.match(/<g class="bar">/g) ?? []).length).toBe(1);
    expect(html).toContain(`href="/impact?county=${sold.countyId}"`);
  });

  it('Should say so for a county without sales, and give null for an unknown county', async () => {
    const db = testDb();
    const quiet = (await db.$client.prepare(`SELECT id FROM counties WHERE id <> ? LIMIT 1`).bind(sold.countyId).first<{ id: string }>())!;
    const impact = (await countyImpact(db, quiet.id))!;
    expect(impact.totals).toEqual({ salesFen: 0, refundsFen: 0, orders: 0, households: 0, cooperatives: 0 });
    const html = await render(CountyImpactSection({ impact, locale: 'zh' }));
    expect(html).toContain('所选范围内暂无已付款的销售。');
    expect(html).not.toContain('<svg');
    expect(await countyImpact(db, 'atlantis')).toBeNull();
  });
});

describe('the impact CSV', () => {
  it('Should quote names holding commas, quotes or line breaks', () => {
    const figures = { salesFen: 1, refundsFen: 0, orders: 1, households: 2, cooperatives: 1 };
    const csv = impactCsv({
      filter: { from: null, to: null, district: null, county: null, category: null },
      totals: figures,
      byCounty: [],
      byDistrict: [],
      byCategory: [{ category: 'sugar-spice', nameZh: '红糖,姜', nameEn: 'Sugar "fine"\nand spice', ...figures }],
      byMonth: [],
    });
    expect(csv.startsWith('\uFEFFdimension,')).toBe(true);
    expect(csv).toContain('category,sugar-spice,"红糖,姜","Sugar ""fine""\nand spice",1,0,1,2,1\r\n');
  });
});
