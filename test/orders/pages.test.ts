import { beforeAll, describe, expect, it } from 'vitest';
import { call, demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { callWithEnv, CANTEEN, fakeStripe, makeCooperative, makeProduct, orderRowCounts, row, rows, SHOWROOM, STRIPE_ENV } from '../helpers/orders';

let coopA: string;
let coopB: string;
let ham: string;
let rice: string;

beforeAll(async () => {
  await seedDatabase();
  coopA = await makeCooperative({ name: '宣威火腿测试社' });
  coopB = await makeCooperative({ name: '墨江紫米测试社' });
  ham = await makeProduct({ cooperativeId: coopA, unitPriceFen: 5000, priceTiers: [{ minQuantity: 10, unitPriceFen: 4500 }], stock: 100, nameZh: '宣威火腿' });
  rice = await makeProduct({ cooperativeId: coopB, unitPriceFen: 1200, minOrderQuantity: 5, orderStep: 5, stock: 100, nameZh: '墨江紫米' });
});

/** A browser in miniature: keeps cookies, posts forms, does not follow redirects. */
function browser(token?: string) {
  const jar = new Map<string, string>();
  const send = async (path: string, init: RequestInit & { form?: Record<string, string> } = {}) => {
    const headers = new Headers(init.headers);
    if (jar.size) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    let body = init.body ?? undefined;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers.set('content-type', 'application/x-www-form-urlencoded');
    }
    const res = await call(path, { ...init, method: init.method ?? (init.form ? 'POST' : 'GET'), headers, body, redirect: 'manual', token });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair, ...attrs] = cookie.split(';');
      const [name, value] = pair!.split('=');
      if (attrs.some((a) => /max-age=0/i.test(a)) || value === '') jar.delete(name!.trim());
      else jar.set(name!.trim(), value!.trim());
    }
    return res;
  };
  return { send, jar };
}

const form = (path: string, fields: Record<string, string>) => [path, { form: fields }] as const;

describe('the cart', () => {
  it('Should keep a guest cart behind an HttpOnly cookie and price it with tiers and minimums', async () => {
    const b = browser();
    const added = await b.send(...form('/cart/items', { productId: ham, quantity: '2' }));
    expect(added.status).toBe(303);
    expect(added.headers.get('location')).toBe('/cart?added=1');
    expect(added.headers.getSetCookie().join()).toMatch(/shanhai_cart=cart_\w+;.*HttpOnly/i);
    // Below the minimum of 5: rounded up and said so.
    const adjusted = await b.send(...form('/cart/items', { productId: rice, quantity: '3' }));
    expect(adjusted.headers.get('location')).toBe('/cart?added=1&adjusted=1');
    const page = await (await b.send('/cart')).text();
    expect(page).toContain('宣威火腿');
    expect(page).toContain('墨江紫米');
    expect(page).toContain('¥160.00'); // 2 × 50 + 5 × 12
    expect(page).toContain('min="5"');
    expect(page).toContain('step="5"');
    // Up to the tier: the unit price drops.
    await b.send(...form(`/cart/items/${ham}`, { quantity: '10' }));
    const tiered = await (await b.send('/cart')).text();
    expect(tiered).toContain('¥450.00');
    // Off the step: rounded to the nearest orderable quantity.
    await b.send(...form(`/cart/items/${rice}`, { quantity: '12' }));
    expect(await row(`SELECT quantity FROM cart_items WHERE product_id = ?`, rice)).toEqual({ quantity: 10 });
    await b.send(...form(`/cart/items/${ham}/remove`, {}));
    expect(await (await b.send('/cart')).text()).not.toContain('宣威火腿');
  });

  it('Should refuse a form posted from another site', async () => {
    const res = await call('/cart/items', { method: 'POST', body: `productId=${ham}&quantity=1`, headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
    expect(res.status).toBe(403);
  });

  it('Should merge the guest cart into the buyer’s cart on the first request after signing in', async () => {
    const token = await demoToken('buyer');
    const signedIn = browser(token);
    await signedIn.send(...form('/cart/items', { productId: rice, quantity: '5' }));
    const guest = browser();
    await guest.send(...form('/cart/items', { productId: rice, quantity: '5' }));
    await guest.send(...form('/cart/items', { productId: ham, quantity: '1' }));
    const guestCart = guest.jar.get('shanhai_cart')!;
    // Same browser, now signed in: its guest cookie and the session arrive together.
    const merged = await call('/cart', { headers: { cookie: `shanhai_cart=${guestCart}` }, token });
    expect(merged.headers.getSetCookie().join()).toMatch(/shanhai_cart=;.*Max-Age=0/i);
    const items = await rows<{ productId: string; quantity: number }>(
      `SELECT product_id AS productId, quantity FROM cart_items JOIN carts ON carts.id = cart_items.cart_id WHERE carts.user_id = 'usr_demo_buyer' ORDER BY product_id`,
    );
    expect(items).toEqual([{ productId: ham, quantity: 1 }, { productId: rice, quantity: 10 }].sort((a, b) => a.productId.localeCompare(b.productId)));
    expect(await row(`SELECT COUNT(*) AS n FROM carts WHERE id = ?`, guestCart)).toEqual({ n: 0 });
  });
});

describe('checkout', () => {
  it('Should say card, Alipay and WeChat Pay are unavailable without Stripe, and offer them with it', async () => {
    const b = browser();
    await b.send(...form('/cart/items', { productId: ham, quantity: '1' }));
    const page = await (await b.send('/checkout')).text();
    expect(page).toContain('本站尚未配置在线支付');
    expect(page).toMatch(/value="stripe" disabled/);
    expect(page).not.toContain('value="invoice"');
    expect(page).toContain(SHOWROOM);
    const withStripe = await callWithEnv(STRIPE_ENV, '/checkout', { headers: { cookie: `shanhai_cart=${b.jar.get('shanhai_cart')}` } });
    const html = await withStripe.text();
    expect(html).not.toContain('本站尚未配置在线支付');
    expect(html).toMatch(/value="stripe" checked/);
  });

  it('Should offer invoice terms to a purchaser of a verified organisation with terms', async () => {
    const b = browser(await demoToken('canteenPurchaser'));
    await b.send(...form('/cart/items', { productId: ham, quantity: '1' }));
    const page = await (await b.send('/checkout')).text();
    expect(page).toContain('value="invoice"');
    expect(page).toContain(`value="${CANTEEN}"`);
  });

  it('Should place a pickup order for two cooperatives, empty the cart and show the order with two shipments', async () => {
    const b = browser();
    await b.send(...form('/cart/items', { productId: ham, quantity: '2' }));
    await b.send(...form('/cart/items', { productId: rice, quantity: '5' }));
    const checkout = await (await b.send('/checkout')).text();
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(checkout)![1]!;
    const fields = { idempotencyKey: key, deliveryMethod: 'pickup', pickupOrganizationId: SHOWROOM, contactName: '张先生', contactPhone: '139 0000 1111', paymentMethod: 'pay_at_pickup' };
    const placed = await b.send(...form('/checkout', fields));
    expect(placed.status).toBe(303);
    const location = placed.headers.get('location')!;
    expect(location).toMatch(/^\/orders\/ord_\w+\?token=\w+&placed=1$/);
    // A double submit of the same form places nothing new.
    const counts = await orderRowCounts();
    await b.send(...form('/checkout', fields));
    expect(await orderRowCounts()).toEqual(counts);
    expect(await rows(`SELECT * FROM cart_items WHERE cart_id = ?`, b.jar.get('shanhai_cart'))).toHaveLength(0);
    const page = await (await b.send(location)).text();
    expect(page).toContain('宣威火腿测试社');
    expect(page).toContain('墨江紫米测试社');
    expect(page.match(/data-shipment-id=/g)).toHaveLength(2);
    expect(page).toContain('到店付款');
    const orderId = /\/orders\/(ord_\w+)/.exec(location)![1];
    expect((await b.send(`/orders/${orderId}`)).status).toBe(404);
  });

  it('Should show what is wrong with the form and write nothing', async () => {
    const b = browser();
    await b.send(...form('/cart/items', { productId: ham, quantity: '1' }));
    const counts = await orderRowCounts();
    const res = await b.send(...form('/checkout', { deliveryMethod: 'ship', recipient: '王', phone: '12345', districtId: 'yangpu', street: '控江路 1000 号', contactName: '王', contactPhone: '13800000002', paymentMethod: 'pay_at_pickup' }));
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('id="err-body.delivery.address.phone"');
    expect(await orderRowCounts()).toEqual(counts);
    const wrongMethod = await b.send(...form('/checkout', { deliveryMethod: 'ship', recipient: '王', phone: '13800000002', districtId: 'yangpu', street: '控江路 1000 号', contactName: '王', contactPhone: '13800000002', paymentMethod: 'pay_at_pickup' }));
    expect(wrongMethod.status).toBe(422);
    expect(await wrongMethod.text()).toContain('id="err-body.paymentMethod"');
    expect(await orderRowCounts()).toEqual(counts);
  });

  it('Should send a Stripe order to the Checkout page and record the payment on return when the Session is paid', async () => {
    const stripe = fakeStripe();
    try {
      const b = browser();
      await b.send(...form('/cart/items', { productId: ham, quantity: '1' }));
      const cookie = `shanhai_cart=${b.jar.get('shanhai_cart')}`;
      const body = new URLSearchParams({ deliveryMethod: 'pickup', pickupOrganizationId: SHOWROOM, contactName: '赵', contactPhone: '13800000003', paymentMethod: 'stripe' });
      const res = await callWithEnv(STRIPE_ENV, '/checkout', { method: 'POST', body: body.toString(), headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);
      const session = [...stripe.sessions.values()][0]!;
      const returnUrl = String(stripe.requests[0]!.params.get('success_url')).replace('{CHECKOUT_SESSION_ID}', String(session.id)).replace('http://localhost:8787', '');
      const waiting = await (await callWithEnv(STRIPE_ENV, returnUrl)).text();
      expect(waiting).toContain('正在确认付款');
      stripe.pay(String(session.id));
      const paid = await (await callWithEnv(STRIPE_ENV, returnUrl)).text();
      expect(paid).toContain('已收到付款');
      const orderId = String((session.metadata as Record<string, string>).orderId);
      expect(await row(`SELECT status FROM orders WHERE id = ?`, orderId)).toEqual({ status: 'paid' });
    } finally {
      stripe.restore();
    }
  });
});

describe('order pages', () => {
  it('Should let the guest cancel from the order page', async () => {
    const b = browser();
    await b.send(...form('/cart/items', { productId: ham, quantity: '1' }));
    const placed = await b.send(...form('/checkout', { deliveryMethod: 'pickup', pickupOrganizationId: SHOWROOM, contactName: '钱', contactPhone: '13800000004', paymentMethod: 'pay_at_pickup' }));
    const location = placed.headers.get('location')!;
    const [, id, token] = /\/orders\/(ord_\w+)\?token=(\w+)/.exec(location)!;
    const cancelled = await b.send(...form(`/orders/${id}/cancel`, { token: token! }));
    expect(cancelled.headers.get('location')).toBe(`/orders/${id}?token=${token}&cancelled=1`);
    expect(await (await b.send(cancelled.headers.get('location')!)).text()).toContain('订单已取消');
    const again = await b.send(...form(`/orders/${id}/cancel`, { token: token! }));
    expect(decodeURIComponent(again.headers.get('location')!)).toContain('already cancelled');
  });

  it('Should list my orders for a signed-in buyer and send guests to sign in', async () => {
    expect((await browser().send('/orders')).headers.get('location')).toBe('/sign-in?next=%2Forders');
    const b = browser(await demoToken('buyer'));
    await b.send(...form('/cart/items', { productId: ham, quantity: '1' }));
    const placed = await b.send(...form('/checkout', { deliveryMethod: 'pickup', pickupOrganizationId: SHOWROOM, contactName: '孙', contactPhone: '13800000005', paymentMethod: 'pay_at_pickup' }));
    const id = /\/orders\/(ord_\w+)/.exec(placed.headers.get('location')!)![1]!;
    const list = await (await b.send('/orders')).text();
    expect(list).toContain(id);
    expect((await b.send(`/orders/${id}`)).status).toBe(200);
  });
});

describe('/admin/payments', () => {
  it('Should let an admin confirm a pay-at-pickup payment and refund it, and keep others out', async () => {
    const guest = browser();
    await guest.send(...form('/cart/items', { productId: ham, quantity: '2' }));
    const placed = await guest.send(...form('/checkout', { deliveryMethod: 'pickup', pickupOrganizationId: SHOWROOM, contactName: '周', contactPhone: '13800000006', paymentMethod: 'pay_at_pickup' }));
    const orderId = /\/orders\/(ord_\w+)/.exec(placed.headers.get('location')!)![1]!;
    const paymentId = (await row<{ id: string }>(`SELECT id FROM payments WHERE order_id = ?`, orderId)).id;

    expect((await browser().send('/admin/payments')).status).toBe(303);
    expect((await browser(await demoToken('buyer')).send('/admin/payments')).status).toBe(403);
    const admin = browser(await demoToken('admin'));
    const page = await (await admin.send('/admin/payments')).text();
    expect(page).toContain(`data-payment-id="${paymentId}"`);
    const confirmed = await admin.send(...form(`/admin/payments/${paymentId}/confirm`, { bankReference: '现金 #7' }));
    expect(confirmed.headers.get('location')).toBe('/admin/payments?notice=confirmed');
    expect(await row(`SELECT status FROM orders WHERE id = ?`, orderId)).toEqual({ status: 'paid' });
    const refunded = await admin.send(...form(`/admin/orders/${orderId}/refunds`, { amountYuan: '12.50', reason: '包装破损' }));
    expect(refunded.headers.get('location')).toBe('/admin/payments?notice=refunded');
    expect(await row(`SELECT amount_fen AS a, status FROM refunds WHERE order_id = ?`, orderId)).toEqual({ a: 1250, status: 'succeeded' });
    const bad = await admin.send(...form(`/admin/orders/${orderId}/refunds`, { amountYuan: '12.5.0', reason: 'x' }));
    expect(bad.headers.get('location')).toContain('error=');
  });
});
