import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seedDatabase } from '../helpers/seed';
import { fakeStripe, jsonOf, makeCooperative, makeProduct, orderBody, orderRowCounts, row, stockOf, withStripe } from '../helpers/orders';

let coopA: string;
let coopB: string;
let ham: string;
let rice: string;
let stripe: ReturnType<typeof fakeStripe>;

beforeAll(async () => {
  await seedDatabase();
  coopA = await makeCooperative({ shippingFlatFeeFen: 1000, freeShippingAboveFen: 50000, name: '宣威火腿合作社' });
  coopB = await makeCooperative({ shippingFlatFeeFen: 800, freeShippingAboveFen: null, name: '墨江紫米合作社' });
  ham = await makeProduct({ cooperativeId: coopA, unitPriceFen: 12800, stock: 30, nameZh: '宣威火腿' });
  rice = await makeProduct({ cooperativeId: coopB, unitPriceFen: 3990, stock: 30, nameZh: '墨江紫米' });
});

afterEach(() => stripe?.restore());

const stripeOrder = () => orderBody([{ productId: ham, quantity: 2 }, { productId: rice, quantity: 3 }], { paymentMethod: 'stripe', contact: { name: '李女士', phone: '13800000001', email: 'li@example.cn' } });

describe('paying by card, Alipay or WeChat Pay through Stripe Checkout', () => {
  it('Should open a CNY Checkout Session with our idempotency key, the three methods and the order’s amounts', async () => {
    stripe = fakeStripe();
    const startedAt = Date.now();
    const { status, body } = await jsonOf(await withStripe('/api/v1/orders', { method: 'POST', json: stripeOrder() }));
    expect(status).toBe(201);
    expect(stripe.requests).toHaveLength(1);
    const req = stripe.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v1/checkout/sessions');
    expect(req.headers.get('idempotency-key')).toBe(`checkout:${body.payment.id}`);
    const p = req.params;
    expect(p.get('mode')).toBe('payment');
    expect(p.get('currency')).toBe('cny');
    expect([p.get('allowed_payment_method_types[0]'), p.get('allowed_payment_method_types[1]'), p.get('allowed_payment_method_types[2]')]).toEqual(['card', 'alipay', 'wechat_pay']);
    expect(p.get('payment_method_options[wechat_pay][client]')).toBe('web');
    expect(p.get('metadata[orderId]')).toBe(body.id);
    expect(p.get('metadata[paymentId]')).toBe(body.payment.id);
    expect(p.get('payment_intent_data[metadata][orderId]')).toBe(body.id);
    expect(p.get('client_reference_id')).toBe(body.id);
    expect(p.get('customer_email')).toBe('li@example.cn');
    // Line items in fen: 2 × 12800 ham, 3 × 3990 rice, and each cooperative's shipping.
    const items: { amount: number; quantity: number; currency: string }[] = [];
    for (let i = 0; p.has(`line_items[${i}][quantity]`); i++) {
      items.push({ quantity: Number(p.get(`line_items[${i}][quantity]`)), amount: Number(p.get(`line_items[${i}][price_data][unit_amount]`)), currency: p.get(`line_items[${i}][price_data][currency]`)! });
    }
    expect(items).toEqual([
      { quantity: 2, amount: 12800, currency: 'cny' },
      { quantity: 3, amount: 3990, currency: 'cny' },
      { quantity: 1, amount: 1000, currency: 'cny' },
      { quantity: 1, amount: 800, currency: 'cny' },
    ]);
    expect(items.reduce((s, i) => s + i.amount * i.quantity, 0)).toBe(body.totalFen);
    expect(body.totalFen).toBe(2 * 12800 + 3 * 3990 + 1000 + 800);
    // 30 minutes (plus Stripe's margin) from now, and the order's deadline is the same instant.
    const expiresAt = Number(p.get('expires_at'));
    expect(expiresAt * 1000).toBe(body.paymentDueAt);
    expect(expiresAt - Math.floor(startedAt / 1000)).toBeGreaterThanOrEqual(30 * 60);
    expect(expiresAt - Math.floor(startedAt / 1000)).toBeLessThanOrEqual(35 * 60);
    expect(p.get('success_url')).toMatch(new RegExp(`^http://localhost:8787/checkout/return\\?order=${body.id}&token=${body.accessToken}&session_id=\\{CHECKOUT_SESSION_ID\\}$`));
    expect(p.get('cancel_url')).toBe(`http://localhost:8787/orders/${body.id}?token=${body.accessToken}`);

    expect(body.status).toBe('pending_payment');
    expect(body.payment.checkoutUrl).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);
    // Cooperatives see the order only once it is paid.
    expect(body.shipments.every((s: any) => s.released === false)).toBe(true);
    const stored = await row<{ session: string }>(`SELECT stripe_checkout_session_id AS session FROM payments WHERE id = ?`, body.payment.id);
    expect(stored.session).toMatch(/^cs_test_/);
  });

  it('Should keep the order when Stripe is unreachable and open the same Session when the client retries with its key', async () => {
    stripe = fakeStripe();
    let outage = true;
    stripe.on('POST', /^\/v1\/checkout\/sessions$/, () => (outage ? { status: 500, body: { error: { type: 'api_error', message: 'Stripe is down' } } } : undefined));
    const key = crypto.randomUUID();
    const hamBefore = await stockOf(ham);
    const first = await jsonOf(await withStripe('/api/v1/orders', { method: 'POST', json: stripeOrder(), headers: { 'idempotency-key': key } }));
    expect(first.status).toBe(502);
    expect(first.body.orderId).toMatch(/^ord_/);
    expect(first.body.orderUrl).toContain(`/orders/${first.body.orderId}?token=`);
    expect(await stockOf(ham)).toBe(hamBefore - 2);
    const counts = await orderRowCounts();

    outage = false;
    const retry = await jsonOf(await withStripe('/api/v1/orders', { method: 'POST', json: stripeOrder(), headers: { 'idempotency-key': key } }));
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.orderId);
    expect(retry.body.payment.checkoutUrl).toMatch(/^https:\/\/checkout\.stripe\.com\//);
    expect(await orderRowCounts()).toEqual(counts);
    const creates = stripe.requests.filter((r) => r.path === '/v1/checkout/sessions');
    // The SDK retried the 500s itself; every attempt carried the same key of ours.
    expect(new Set(creates.map((r) => r.headers.get('idempotency-key')))).toEqual(new Set([`checkout:${retry.body.payment.id}`]));
    expect(await stockOf(ham)).toBe(hamBefore - 2);
  });

  it('Should get the same Session back when Stripe created it but its answer was lost', async () => {
    stripe = fakeStripe();
    stripe.loseResponses(3); // the first attempt and the SDK's two retries
    const key = crypto.randomUUID();
    const first = await jsonOf(await withStripe('/api/v1/orders', { method: 'POST', json: stripeOrder(), headers: { 'idempotency-key': key } }));
    expect(first.status).toBe(502);
    const retry = await jsonOf(await withStripe('/api/v1/orders', { method: 'POST', json: stripeOrder(), headers: { 'idempotency-key': key } }));
    // Stripe accepted the retry as the same request (identical parameters under the same key).
    expect(retry.status).toBe(201);
    expect(stripe.sessions.size).toBe(1);
    expect(retry.body.payment.checkoutUrl).toBe(stripe.sessions.values().next().value!.url);
  });
});
