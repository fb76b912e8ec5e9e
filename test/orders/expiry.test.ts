import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { runScheduledJobs } from '../../src/jobs/scheduled';
import { expireUnpaidOrders } from '../../src/orders/expiry.job';
import { seedDatabase } from '../helpers/seed';
import { deliver, fakeStripe, jsonOf, makeCooperative, makeProduct, orderBody, row, signedEvent, STRIPE_ENV, stockOf, withStripe } from '../helpers/orders';

let product: string;
let stripe: ReturnType<typeof fakeStripe>;
const stripeEnv = () => ({ ...env, ...STRIPE_ENV });
const db = () => createDb(env.DB);

beforeAll(async () => {
  await seedDatabase();
  product = await makeProduct({ cooperativeId: await makeCooperative(), stock: 50 });
});
beforeEach(() => {
  stripe = fakeStripe();
});
afterEach(() => stripe.restore());

async function unpaidOrder(quantity: number) {
  const { status, body } = await jsonOf(await withStripe('/api/v1/orders', { method: 'POST', json: orderBody([{ productId: product, quantity }], { paymentMethod: 'stripe' }) }));
  expect(status).toBe(201);
  return body;
}

const statusOf = async (id: string) => (await row<{ status: string }>(`SELECT status FROM orders WHERE id = ?`, id)).status;

describe('the expiry job', () => {
  it('Should leave orders alone before their payment deadline', async () => {
    const order = await unpaidOrder(1);
    expect(await expireUnpaidOrders.run(db(), stripeEnv(), order.paymentDueAt - 1)).toBe(0);
    expect(await statusOf(order.id)).toBe('pending_payment');
    // The buyer gives up instead: the Session is expired at Stripe and the order cancelled.
    const cancelled = await jsonOf(await withStripe(`/api/v1/orders/${order.id}/cancel?token=${order.accessToken}`, { method: 'POST' }));
    expect(cancelled.body.status).toBe('cancelled');
    expect(stripe.requests.some((r) => r.path.endsWith('/expire'))).toBe(true);
  });

  it('Should cancel an unpaid order past its deadline, expire its Checkout Session and release the stock once, however often it runs', async () => {
    const order = await unpaidOrder(3);
    const reserved = await stockOf(product);
    const later = order.paymentDueAt + 60_000;
    expect(await expireUnpaidOrders.run(db(), stripeEnv(), later)).toBe(1);
    expect(await expireUnpaidOrders.run(db(), stripeEnv(), later)).toBe(0);
    expect(await statusOf(order.id)).toBe('cancelled');
    expect(await row(`SELECT status, cancel_reason AS reason FROM orders WHERE id = ?`, order.id)).toEqual({ status: 'cancelled', reason: 'payment_window_expired' });
    expect(await row(`SELECT status FROM payments WHERE order_id = ?`, order.id)).toEqual({ status: 'cancelled' });
    expect(await stockOf(product)).toBe(reserved + 3);
    const session = await row<{ s: string }>(`SELECT stripe_checkout_session_id AS s FROM payments WHERE order_id = ?`, order.id);
    expect(stripe.requests.filter((r) => r.method === 'POST' && r.path === `/v1/checkout/sessions/${session.s}/expire`)).toHaveLength(1);
  });

  it('Should release stock once when two runs overlap', async () => {
    const orders = [await unpaidOrder(2), await unpaidOrder(2)];
    const reserved = await stockOf(product);
    const later = Math.max(...orders.map((o) => o.paymentDueAt)) + 1;
    const [a, b] = await Promise.all([expireUnpaidOrders.run(db(), stripeEnv(), later), expireUnpaidOrders.run(db(), stripeEnv(), later)]);
    expect(a + b).toBe(2);
    expect(await stockOf(product)).toBe(reserved + 4);
    for (const o of orders) expect(await statusOf(o.id)).toBe('cancelled');
  });

  it('Should record the payment instead of cancelling when the buyer paid at the last second', async () => {
    const order = await unpaidOrder(1);
    const reserved = await stockOf(product);
    const session = await row<{ s: string }>(`SELECT stripe_checkout_session_id AS s FROM payments WHERE order_id = ?`, order.id);
    stripe.pay(session.s);
    expect(await expireUnpaidOrders.run(db(), stripeEnv(), order.paymentDueAt + 1)).toBe(1);
    expect(await statusOf(order.id)).toBe('paid');
    expect(await stockOf(product)).toBe(reserved);
    // The completed webhook that follows is a no-op.
    const res = await deliver(await signedEvent('checkout.session.completed', stripe.sessions.get(session.s)));
    expect(res.body.result).toBe('already_applied');
  });

  it('Should count a sale once when the job and the completed webhook race', async () => {
    const order = await unpaidOrder(1);
    const reserved = await stockOf(product);
    const session = await row<{ s: string }>(`SELECT stripe_checkout_session_id AS s FROM payments WHERE order_id = ?`, order.id);
    const paid = stripe.pay(session.s);
    const event = await signedEvent('checkout.session.completed', paid);
    const before = await row<{ n: number }>(`SELECT COALESCE(SUM(orders), 0) AS n FROM sales_daily`);
    await Promise.all([expireUnpaidOrders.run(db(), stripeEnv(), order.paymentDueAt + 1), deliver(event)]);
    expect(await statusOf(order.id)).toBe('paid');
    expect(await stockOf(product)).toBe(reserved);
    expect(await row(`SELECT COALESCE(SUM(orders), 0) AS n FROM sales_daily`)).toEqual({ n: before.n + 1 });
  });

  it('Should be registered with the scheduled handler', async () => {
    const order = await unpaidOrder(1);
    const results = await runScheduledJobs(stripeEnv(), order.paymentDueAt + 1);
    expect(results['orders.expire-unpaid']).toBe(1);
    expect(await statusOf(order.id)).toBe('cancelled');
  });
});
