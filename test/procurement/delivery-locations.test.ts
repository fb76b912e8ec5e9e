import { beforeAll, describe, expect, it } from 'vitest';
import { callJson, demoToken } from '../helpers/http';
import { CANTEEN, contact, makeCooperative, makeProduct, orderBody, row, shipAddress, SHOWROOM } from '../helpers/orders';
import { CANTEEN_KITCHEN, canteenInvoiceOrder } from '../helpers/procurement';
import { seedDatabase } from '../helpers/seed';

/** Checkout to one of the organisation's saved delivery locations: `delivery: { method: 'ship', deliveryLocationId }`. */

let product: string;
let purchaser: string;
let showroomLocation: string;

beforeAll(async () => {
  await seedDatabase();
  purchaser = await demoToken('canteenPurchaser');
  const coop = await makeCooperative();
  product = await makeProduct({ cooperativeId: coop, unitPriceFen: 2_000, stock: 100 });
  const created = await callJson(`/api/v1/organizations/${SHOWROOM}/delivery-locations`, {
    method: 'POST',
    token: await demoToken('showroomManager'),
    json: { label: '展销馆仓库', recipient: '赵经理', phone: '021-65550000', districtId: 'yangpu', street: '杨浦区控江路 1000 号' },
  });
  showroomLocation = created.body.id;
});

const place = (body: unknown, token = purchaser) => callJson('/api/v1/orders', { method: 'POST', token, json: body });

describe('ordering to a saved delivery location', () => {
  it('Should ship to the location’s recipient, phone and address, and remember which location it was', async () => {
    const { status, body } = await place(canteenInvoiceOrder([{ productId: product, quantity: 1 }]));
    expect(status).toBe(201);
    expect(body.delivery).toMatchObject({ method: 'ship', recipient: '王师傅', phone: '13800000001', districtId: 'baoshan', deliveryLocationId: CANTEEN_KITCHEN });
    expect(body.delivery.street).toContain('密山路 5 号');
    expect(body.delivery.street).toContain('工作日 7:00–10:00'); // receiving hours reach the cooperative's shipment
    const shipment = await row<{ street: string; recipient: string }>(`SELECT ship_street AS street, recipient FROM shipments WHERE order_id = ?`, body.id);
    expect(shipment).toEqual({ street: body.delivery.street, recipient: '王师傅' });
  });

  it('Should refuse another organisation’s location, and a location when ordering personally, with the same 422', async () => {
    const foreign = await place(canteenInvoiceOrder([{ productId: product, quantity: 1 }], { delivery: { method: 'ship', deliveryLocationId: showroomLocation } }));
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors[0].path).toBe('body.delivery.deliveryLocationId');
    const personal = await place(orderBody([{ productId: product, quantity: 1 }], { delivery: { method: 'ship', deliveryLocationId: CANTEEN_KITCHEN } }));
    expect(personal.status).toBe(422);
    expect(personal.body.detail).toBe(foreign.body.detail);
    const unknown = await place(canteenInvoiceOrder([{ productId: product, quantity: 1 }], { delivery: { method: 'ship', deliveryLocationId: 'loc_nope' } }));
    expect(unknown.status).toBe(422);
  });

  it('Should ask for exactly one of an address and a location', async () => {
    const both = await place(canteenInvoiceOrder([{ productId: product, quantity: 1 }], { delivery: { method: 'ship', deliveryLocationId: CANTEEN_KITCHEN, address: shipAddress } }));
    expect(both.status).toBe(400);
    expect(both.body.errors[0].path).toBe('body.delivery.address');
    const neither = await place({ items: [{ productId: product, quantity: 1 }], delivery: { method: 'ship' }, contact, organizationId: CANTEEN, paymentMethod: 'invoice' });
    expect(neither.status).toBe(400);
  });
});
