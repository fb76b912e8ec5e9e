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
    // The mix covers every kind of history the generator knows.
    expect(Object.keys(generated.counts).sort()).toEqual(['cancelled', 'duplicate-payment', 'failed-then-paid', 'full-refund', 'full-refund-in-two', 'group-failed', 'group-succeeded', 'invoice-paid', 'invoiced-unpaid', 'paid', 'partial-refund', 'participant', 'refund-pending-or-failed', 'unpaid']);
    const stored = await storedSalesDaily(db);
    expect(stored).toEqual(expected);
    expect(await recomputedSalesDaily(db)).toEqual(expected);
  });
});
