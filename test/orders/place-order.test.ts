import { beforeAll, describe, expect, it } from 'vitest';
import { callJson, demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { CANTEEN, SHOWROOM, makeCooperative, makeProduct, orderBody, pickupAtShowroom, row, rows, stockOf } from '../helpers/orders';

let coopA: string;
let coopB: string;
let ham: string;
let rice: string;
let tea: string;

beforeAll(async () => {
  await seedDatabase();
  coopA = await makeCooperative({ shippingFlatFeeFen: 1000, freeShippingAboveFen: 20000 });
  coopB = await makeCooperative({ shippingFlatFeeFen: 1500, freeShippingAboveFen: null });
  ham = await makeProduct({ cooperativeId: coopA, unitPriceFen: 5000, priceTiers: [{ minQuantity: 10, unitPriceFen: 4500 }], category: 'ham', stock: 50 });
  tea = await makeProduct({ cooperativeId: coopA, unitPriceFen: 3000, category: 'tea', stock: 50 });
  rice = await makeProduct({ cooperativeId: coopB, unitPriceFen: 1200, minOrderQuantity: 5, orderStep: 5, category: 'rice', stock: 100 });
});

describe('POST /api/v1/orders', () => {
  it('Should split an order into one shipment per cooperative with server-computed prices and shipping', async () => {
    const { status, body } = await callJson('/api/v1/orders', {
      method: 'POST',
      json: orderBody([{ productId: ham, quantity: 2 }, { productId: tea, quantity: 1 }, { productId: rice, quantity: 10 }], { paymentMethod: 'pay_at_pickup', delivery: pickupAtShowroom }),
    });
    expect(status).toBe(201);
    expect(body.status).toBe('pending_payment');
    expect(body.lines).toHaveLength(3);
    expect(body.shipments).toHaveLength(2);
    expect(body.subtotalFen).toBe(2 * 5000 + 3000 + 10 * 1200);
    expect(body.shippingFen).toBe(0);
    expect(body.totalFen).toBe(body.subtotalFen);
    expect(body.delivery.pickupName).toContain('丽江');
    expect(body.payment).toMatchObject({ method: 'pay_at_pickup', status: 'pending', amountFen: body.totalFen, checkoutUrl: null });
    expect(body.shipments.every((s: any) => s.released && s.status === 'pending')).toBe(true);
    expect(body.accessToken).toMatch(/^[0-9a-z]{32}$/);
    expect(await stockOf(ham)).toBe(48);
    expect(await stockOf(rice)).toBe(90);
  });

  it('Should charge each cooperative its flat shipping fee unless its part reaches the free threshold', async () => {
    const { status, body } = await callJson('/api/v1/orders', {
      method: 'POST',
      json: orderBody([{ productId: ham, quantity: 10 }, { productId: rice, quantity: 5 }], { paymentMethod: 'pay_at_pickup', delivery: pickupAtShowroom }),
    });
    expect(status).toBe(201);
    // Tier price at 10 units.
    expect(body.lines.find((l: any) => l.productId === ham)).toMatchObject({ unitPriceFen: 4500, lineTotalFen: 45000, priceSource: 'tier' });
    const token = await demoToken('canteenPurchaser');
    const shipped = await callJson('/api/v1/orders', {
      method: 'POST',
      token,
      json: orderBody([{ productId: ham, quantity: 10 }, { productId: rice, quantity: 5 }], { paymentMethod: 'invoice', organizationId: CANTEEN }),
    });
    expect(shipped.status).toBe(201);
    const byCoop = Object.fromEntries(shipped.body.shipments.map((s: any) => [s.cooperativeId, s.shippingFen]));
    expect(byCoop[coopA]).toBe(0); // 45000 ≥ free threshold 20000
    expect(byCoop[coopB]).toBe(1500); // no threshold
    expect(shipped.body.shippingFen).toBe(1500);
    expect(shipped.body.totalFen).toBe(45000 + 6000 + 1500);
  });

  it('Should put an invoice order for a verified organisation with terms straight to invoiced', async () => {
    const token = await demoToken('canteenPurchaser');
    const { status, body } = await callJson('/api/v1/orders', {
      method: 'POST',
      token,
      json: orderBody([{ productId: tea, quantity: 1 }], { paymentMethod: 'invoice', organizationId: CANTEEN }),
    });
    expect(status).toBe(201);
    expect(body.status).toBe('invoiced');
    expect(body.invoiceStatus).toBe('open');
    expect(body.invoiceDueAt - body.createdAt).toBe(30 * 24 * 3600 * 1000);
    expect(body.shipments[0].released).toBe(true);
    const notices = await rows(`SELECT kind FROM notifications WHERE organization_id = ? AND kind = 'shipment.released'`, coopA);
    expect(notices.length).toBeGreaterThan(0);
  });

  it('Should refuse card payment with a clear 422 when Stripe is not configured', async () => {
    const before = await stockOf(tea);
    const { status, body } = await callJson('/api/v1/orders', { method: 'POST', json: orderBody([{ productId: tea, quantity: 1 }], { paymentMethod: 'stripe' }) });
    expect(status).toBe(422);
    expect(body.errors[0].path).toBe('body.paymentMethod');
    expect(body.detail).toMatch(/unavailable/);
    expect(await stockOf(tea)).toBe(before);
  });

  it('Should let the showroom itself order for pickup at its own door', async () => {
    const token = await demoToken('showroomManager');
    const { status } = await callJson('/api/v1/orders', {
      method: 'POST',
      token,
      json: orderBody([{ productId: tea, quantity: 1 }], { paymentMethod: 'pay_at_pickup', organizationId: SHOWROOM, delivery: pickupAtShowroom }),
    });
    expect(status).toBe(201);
    const count = await row<{ n: number }>(`SELECT COUNT(*) AS n FROM orders WHERE organization_id = ?`, SHOWROOM);
    expect(count.n).toBe(1);
  });
});
