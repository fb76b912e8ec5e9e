import { beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { callJson, demoToken, publishDirectWrites } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { catalogProducts, SalesWriter, testDb, type CatalogProduct } from '../helpers/impact';
import { organization } from '../../src/db/schema';
import type { ImpactReport } from '../../src/impact/report';
import { startOfShanghaiDay } from '../../src/lib/time';

/** The report caches its figures per data version: every change must show on the very next read. */
let product: CatalogProduct;
const url = '/api/v1/impact?from=2026-06-01&to=2026-06-30';
const read = async () => (await callJson<ImpactReport>(url)).body;

beforeAll(async () => {
  await seedDatabase();
  product = (await catalogProducts(testDb()))[0]!;
});

async function sell(quantity: number) {
  const writer = new SalesWriter(testDb());
  const at = startOfShanghaiDay('2026-06-10');
  writer.order({ lines: [{ product, quantity, unitPriceFen: 1000 }], createdAt: at }).payment(at + 60_000);
  await writer.flush();
  // Straight to D1, as an order paid elsewhere: announced as the app's own writes and the cron announce theirs.
  await publishDirectWrites();
}

describe('the impact report after changes', () => {
  it('Should show a new sale on the next read', async () => {
    expect((await read()).totals.salesFen).toBe(0);
    await sell(3);
    expect((await read()).totals.salesFen).toBe(3000);
    await sell(2);
    expect((await read()).totals.salesFen).toBe(5000);
  });

  it('Should show a cooperative’s new household count on the next read', async () => {
    const before = await read();
    await testDb().update(organization).set({ householdsBenefited: 12345 }).where(eq(organization.id, product.cooperativeId));
    await publishDirectWrites();
    const after = await read();
    expect(after.totals.households).toBe(12345);
    expect(after.totals.households).not.toBe(before.totals.households);
  });

  it('Should show a renamed county and a moved county on the next read', async () => {
    const admin = await demoToken('admin');
    await callJson(`/api/v1/admin/counties/${product.countyId}`, { method: 'PATCH', token: admin, json: { nameEn: 'Renamed County' } });
    const renamed = await read();
    expect(renamed.byCounty[0]).toMatchObject({ countyId: product.countyId, nameEn: 'Renamed County' });
    const target = renamed.byCounty[0]!.districtId === 'jinshan' ? 'yangpu' : 'jinshan';
    await callJson(`/api/v1/admin/counties/${product.countyId}`, { method: 'PATCH', token: admin, json: { districtId: target } });
    expect((await read()).byDistrict.map((d) => d.districtId)).toEqual([target]);
  });

  it('Should change the data version with every write to the rollup', async () => {
    const version = async () => (await testDb().all<{ version: number }>(sql`SELECT version FROM impact_state`))[0]!.version;
    const first = await version();
    await sell(1);
    expect(await version()).not.toBe(first);
  });
});
