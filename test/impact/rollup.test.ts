import { beforeAll, describe, expect, it } from 'vitest';
import { seedDatabase } from '../helpers/seed';
import { districtOfCounty, generateSales, testDb, type GeneratedSales } from '../helpers/impact';
import { ledgerSalesDaily } from '../helpers/impact-ledger';
import { recomputedSalesDaily, storedSalesDaily } from '../../src/impact/recompute';

describe('the sales_daily rollup', () => {
  let generated: GeneratedSales;
  beforeAll(async () => {
    await seedDatabase();
    generated = await generateSales(testDb(), { orders: 120, groupBuys: 4 });
  });

  it('Should hold exactly the rows the rules give for a mixed history', async () => {
    const db = testDb();
    const expected = ledgerSalesDaily({ ...generated.history, districtOfCounty: await districtOfCounty(db) });
    console.log(generated.counts, expected.length);
    const stored = await storedSalesDaily(db);
    expect(stored).toEqual(expected);
    expect(await recomputedSalesDaily(db)).toEqual(expected);
  });
});
