import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { call, demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { catalogProducts, SalesWriter, testDb } from '../helpers/impact';
import { runBatch } from '../../src/db/batch';
import { groupBuys, orders, payments, shipments } from '../../src/db/schema';
import { adminDashboard } from '../../src/admin/dashboard.service';
import { DAY_MS, shanghaiDay, startOfShanghaiDay } from '../../src/lib/time';

const now = Date.now();
const today = startOfShanghaiDay(shanghaiDay(now));
const HOUR = 3_600_000;

let ids: Record<string, string>;

beforeAll(async () => {
  await seedDatabase();
  const db = testDb();
  const [product] = await catalogProducts(db);
  const writer = new SalesWriter(db);
  const order = (createdAt: number) => writer.order({ lines: [{ product: product!, quantity: 1, unitPriceFen: 1000 }], createdAt });
  const todayA = order(Math.max(today, now - 60_000));
  const todayB = order(Math.max(today, now - 120_000));
  const yesterday = order(today - HOUR);
  const overdue = order(today - 40 * DAY_MS);
  const stillOpen = order(today - 10 * DAY_MS);
  await writer.flush();

  const payment = (id: string, orderId: string, method: 'invoice' | 'pay_at_pickup' | 'stripe', status: 'pending' | 'succeeded') =>
    db.insert(payments).values({ id, orderId, method, status, amountFen: 1000, createdAt: now - HOUR, updatedAt: now - HOUR });
  const groupBuy = (id: string, closesAt: number, status: 'open' | 'succeeded') =>
    db.insert(groupBuys).values({
      id,
      shortCode: id.slice(-8),
      organizerOrganizationId: 'org_lijiang_showroom_yangpu',
      createdByUserId: 'usr_demo_showroomManager',
      title: `团购 ${id}`,
      pickupOrganizationId: 'org_lijiang_showroom_yangpu',
      closesAt,
      status,
      createdAt: now - DAY_MS,
      updatedAt: now - DAY_MS,
    });
  const shipment = (id: string, status: 'pending' | 'accepted' | 'shipped' | 'delivered', released: boolean, createdAt: number, shippedAt: number | null = null) =>
    db.insert(shipments).values({
      id,
      orderId: stillOpen.orderId,
      cooperativeId: product!.cooperativeId,
      status,
      released,
      deliveryMethod: 'ship',
      subtotalFen: 1000,
      createdAt,
      updatedAt: createdAt,
      shippedAt,
    });
  await runBatch(db, [
    db.update(orders).set({ paymentMethod: 'invoice', invoiceStatus: 'overdue', invoiceDueAt: today - 10 * DAY_MS, organizationId: 'org_baoshan_canteen' }).where(eq(orders.id, overdue.orderId)),
    db.update(orders).set({ paymentMethod: 'invoice', invoiceStatus: 'open', invoiceDueAt: today + 20 * DAY_MS }).where(eq(orders.id, stillOpen.orderId)),
    payment('pay_dash_invoice', overdue.orderId, 'invoice', 'pending'),
    payment('pay_dash_pickup', todayA.orderId, 'pay_at_pickup', 'pending'),
    payment('pay_dash_stripe', todayB.orderId, 'stripe', 'pending'),
    payment('pay_dash_confirmed', stillOpen.orderId, 'invoice', 'succeeded'),
    groupBuy('gb_dash_today_open', today + HOUR, 'open'),
    groupBuy('gb_dash_tomorrow', today + DAY_MS + HOUR, 'open'),
    groupBuy('gb_dash_today_done', today + 2 * HOUR, 'succeeded'),
    shipment('shp_dash_unshipped_3d', 'pending', true, now - 3 * DAY_MS),
    shipment('shp_dash_accepted_3d', 'accepted', true, now - 3 * DAY_MS),
    shipment('shp_dash_unshipped_1d', 'pending', true, now - DAY_MS),
    shipment('shp_dash_unreleased_3d', 'pending', false, now - 3 * DAY_MS),
    shipment('shp_dash_shipped_8d', 'shipped', true, now - 10 * DAY_MS, now - 8 * DAY_MS),
    shipment('shp_dash_shipped_2d', 'shipped', true, now - 4 * DAY_MS, now - 2 * DAY_MS),
    shipment('shp_dash_delivered', 'delivered', true, now - 20 * DAY_MS, now - 18 * DAY_MS),
  ]);
  ids = { todayA: todayA.orderId, todayB: todayB.orderId, yesterday: yesterday.orderId, overdue: overdue.orderId };
});

describe('the admin dashboard', () => {
  it('Should gather what needs attention today, by the stated rules', async () => {
    const d = await adminDashboard(testDb(), now);
    expect(d.todaysOrders.items.map((o) => o.id).sort()).toEqual([ids.todayA, ids.todayB].sort());
    expect(d.todaysOrders.totalFen).toBe(2000);
    expect(d.paymentsAwaiting.items.map((p) => p.id).sort()).toEqual(['pay_dash_invoice', 'pay_dash_pickup']);
    expect(d.overdueInvoices.items).toEqual([expect.objectContaining({ id: ids.overdue, organizationName: '宝山区机关食堂' })]);
    expect(d.groupBuysClosingToday.items.map((g) => g.id)).toEqual(['gb_dash_today_open']);
    expect(d.lateShipments.items.map((s) => s.id).sort()).toEqual(['shp_dash_accepted_3d', 'shp_dash_shipped_8d', 'shp_dash_unshipped_3d']);
  });

  it('Should show each section’s count and entries on /admin', async () => {
    const res = await call('/admin', { token: await demoToken('admin') });
    expect(res.status).toBe(200);
    const html = await res.text();
    const countOf = (section: string) => new RegExp(`data-section="${section}"[\\s\\S]*?data-count="(\\d+)"`).exec(html)?.[1];
    expect(countOf('todays-orders')).toBe('2');
    expect(countOf('payments-awaiting')).toBe('2');
    expect(countOf('overdue-invoices')).toBe('1');
    expect(countOf('closing-today')).toBe('1');
    expect(countOf('late-shipments')).toBe('3');
    expect(html).toContain('团购 gb_dash_today_open');
    expect(html).toContain('shp_dash_shipped_8d');
    expect(html).not.toContain('shp_dash_unreleased_3d');
    expect(html).toContain('href="/admin/payments"');
  });
});
