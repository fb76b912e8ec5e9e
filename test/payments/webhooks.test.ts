import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedDatabase } from '../helpers/seed';
import { demoToken } from '../helpers/http';
import {
  deliver,
  fakeStripe,
  jsonOf,
  makeCooperative,
  makeProduct,
  orderBody,
  orderRowCounts,
  row,
  rows,
  setStock,
  signedEvent,
  stockOf,
  withStripe,
} from '../helpers/orders';

let coop: string;
let product: string;
let stripe: ReturnType<typeof fakeStripe>;

beforeAll(async () => {
  await seedDatabase();
  coop = await makeCooperative({ shippingFlatFeeFen: 1000, freeShippingAboveFen: null });
  product = await makeProduct({ cooperativeId: coop, unitPriceFen: 5000, stock: 100, category: 'ham' });
});

beforeEach(() => {
  stripe = fakeStripe();
});
afterEach(() => stripe.restore());

/** Places a Stripe order for `quantity` units and returns it with its Checkout Session. */
async function stripeOrder(quantity = 2) {
  const { status, body } = await jsonOf(await withStripe('/api/v1/orders', { method: 'POST', json: orderBody([{ productId: product, quantity }], { paymentMethod: 'stripe' }) }));
  expect(status).toBe(201);
  const sessionId = (await row<{ s: string }>(`SELECT stripe_checkout_session_id AS s FROM payments WHERE id = ?`, body.payment.id)).s;
  return { order: body, sessionId, session: stripe.sessions.get(sessionId)! };
}

const orderState = (id: string) =>
  row<{ status: string; paymentStatus: string; released: number; refunded: number }>(
    `SELECT o.status, p.status AS paymentStatus, (SELECT MIN(released) FROM shipments WHERE order_id = o.id) AS released, o.refunded_fen AS refunded
     FROM orders o JOIN payments p ON p.order_id = o.id WHERE o.id = ?`,
    id,
  );

const salesOf = async () => (await row<{ sales: number | null; refunds: number | null; orders: number | null }>(`SELECT SUM(sales_fen) AS sales, SUM(refunds_fen) AS refunds, SUM(orders) AS orders FROM sales_daily WHERE cooperative_id = ?`, coop));

describe('POST /api/v1/webhooks/stripe', () => {
  it('Should mark the order paid, release its shipment and count the sale on checkout.session.completed', async () => {
    const { order, sessionId } = await stripeOrder(2);
    const sales = await salesOf();
    const sold = await row<{ n: number }>(`SELECT sold_count AS n FROM products WHERE id = ?`, product);
    const res = await deliver(await signedEvent('checkout.session.completed', stripe.pay(sessionId, 'pi_test_paid')));
    expect(res).toEqual({ status: 200, body: { received: true, result: 'applied' } });
    expect(await orderState(order.id)).toMatchObject({ status: 'paid', paymentStatus: 'succeeded', released: 1 });
    expect(await row(`SELECT stripe_payment_intent_id AS pi FROM payments WHERE id = ?`, order.payment.id)).toEqual({ pi: 'pi_test_paid' });
    expect((await salesOf()).sales).toBe((sales.sales ?? 0) + 10000);
    expect(await row(`SELECT sold_count AS n FROM products WHERE id = ?`, product)).toEqual({ n: sold.n + 2 });
    expect(await rows(`SELECT kind FROM notifications WHERE organization_id = ? AND kind = 'shipment.released'`, coop)).not.toHaveLength(0);
  });

  it('Should record the method the buyer paid with and show it on the order', async () => {
    const { order, sessionId } = await stripeOrder(1);
    const res = await deliver(await signedEvent('checkout.session.completed', stripe.pay(sessionId, 'pi_test_alipay', 'alipay')));
    expect(res.body.result).toBe('applied');
    expect(await row(`SELECT stripe_payment_method_type AS type FROM payments WHERE id = ?`, order.payment.id)).toEqual({ type: 'alipay' });
    const lookup = stripe.requests.find((r) => r.method === 'GET' && r.path === '/v1/payment_intents/pi_test_alipay');
    expect(lookup?.params.getAll('expand[0]').concat(lookup.params.getAll('expand[]'))).toContain('payment_method');
    const view = await jsonOf(await withStripe(`/api/v1/orders/${order.id}?token=${order.accessToken}`));
    expect(view.body.payment).toMatchObject({ status: 'succeeded', paidWith: 'alipay' });
    const page = await withStripe(`/orders/${order.id}?token=${order.accessToken}`);
    expect(await page.text()).toContain('支付宝 · ');
  });

  it('Should record the payment even when Stripe cannot say which method paid', async () => {
    const { order, sessionId } = await stripeOrder(1);
    const session = stripe.pay(sessionId, 'pi_test_unknown_method');
    stripe.on('GET', /^\/v1\/payment_intents\//, () => ({ status: 404, body: { error: { type: 'invalid_request_error', message: 'No such payment_intent' } } }));
    const res = await deliver(await signedEvent('checkout.session.completed', session));
    expect(res.body.result).toBe('applied');
    expect(await orderState(order.id)).toMatchObject({ status: 'paid', paymentStatus: 'succeeded' });
    expect(await row(`SELECT stripe_payment_method_type AS type FROM payments WHERE id = ?`, order.payment.id)).toEqual({ type: null });
  });

  it('Should answer 400 to a bad signature and change nothing', async () => {
    const { order, sessionId } = await stripeOrder(1);
    const event = await signedEvent('checkout.session.completed', stripe.pay(sessionId), { secret: 'whsec_someone_else' });
    const counts = await orderRowCounts();
    const res = await deliver(event);
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/signature/i);
    expect(await orderRowCounts()).toEqual(counts);
    expect((await orderState(order.id)).status).toBe('pending_payment');

    const tampered = await signedEvent('checkout.session.completed', stripe.pay(sessionId));
    const forged = await deliver({ payload: tampered.payload.replace('"livemode":false', '"livemode":true'), signature: tampered.signature });
    expect(forged.status).toBe(400);
    const unsigned = await deliver({ payload: tampered.payload, signature: '' });
    expect(unsigned.status).toBe(400);
    expect(await orderRowCounts()).toEqual(counts);
  });

  it('Should apply a redelivered event once and answer the duplicate 200', async () => {
    const { order, sessionId } = await stripeOrder(1);
    const event = await signedEvent('checkout.session.completed', stripe.pay(sessionId));
    const first = await deliver(event);
    const sales = await salesOf();
    const counts = await orderRowCounts();
    const again = await deliver(event);
    const concurrent = await Promise.all([deliver(event), deliver(event)]);
    expect(first.body.result).toBe('applied');
    expect(again).toEqual({ status: 200, body: { received: true, result: 'duplicate' } });
    expect(concurrent.map((r) => r.body.result)).toEqual(['duplicate', 'duplicate']);
    expect(await salesOf()).toEqual(sales);
    expect(await orderRowCounts()).toEqual(counts);
    expect((await orderState(order.id)).status).toBe('paid');
  });

  it('Should never cancel a paid order when checkout.session.expired arrives after completed', async () => {
    const { order, sessionId, session } = await stripeOrder(3);
    const stock = await stockOf(product);
    await deliver(await signedEvent('checkout.session.completed', stripe.pay(sessionId)));
    const res = await deliver(await signedEvent('checkout.session.expired', { ...session, status: 'expired', payment_status: 'unpaid' }));
    expect(res.body.result).toBe('no_change');
    expect(await orderState(order.id)).toMatchObject({ status: 'paid', paymentStatus: 'succeeded' });
    expect(await stockOf(product)).toBe(stock);
  });

  it('Should cancel and release stock on expiry, then restore the order when a late completed event proves payment', async () => {
    const { order, sessionId, session } = await stripeOrder(4);
    const reserved = await stockOf(product);
    const expired = await deliver(await signedEvent('checkout.session.expired', { ...session, status: 'expired' }));
    expect(expired.body.result).toBe('applied');
    expect(await orderState(order.id)).toMatchObject({ status: 'cancelled', paymentStatus: 'cancelled' });
    expect(await stockOf(product)).toBe(reserved + 4);

    const paid = stripe.pay(sessionId);
    const late = await deliver(await signedEvent('checkout.session.completed', paid));
    expect(late.body.result).toBe('revived');
    // The late event was checked against Stripe before anything was restored.
    expect(stripe.requests.some((r) => r.method === 'GET' && r.path === `/v1/checkout/sessions/${sessionId}`)).toBe(true);
    expect(await orderState(order.id)).toMatchObject({ status: 'paid', paymentStatus: 'succeeded', released: 1 });
    expect(await stockOf(product)).toBe(reserved);
  });

  it('Should refund in full through Stripe when a late payment arrives after the stock was sold', async () => {
    const { order, sessionId, session } = await stripeOrder(2);
    await deliver(await signedEvent('checkout.session.expired', { ...session, status: 'expired' }));
    await setStock(product, 1);
    const res = await deliver(await signedEvent('checkout.session.completed', stripe.pay(sessionId, 'pi_test_late')));
    expect(res.body.result).toBe('refunded');
    const refundCall = stripe.requests.find((r) => r.path === '/v1/refunds')!;
    expect(refundCall.params.get('payment_intent')).toBe('pi_test_late');
    expect(Number(refundCall.params.get('amount'))).toBe(order.totalFen);
    const refund = await row<{ id: string; status: string; key: string }>(`SELECT id, status, idempotency_key AS key FROM refunds WHERE order_id = ?`, order.id);
    expect(refundCall.headers.get('idempotency-key')).toBe(refund.key);
    expect(refund.key).toBe(`refund:${refund.id}`);
    expect(refund.status).toBe('succeeded');
    expect(await orderState(order.id)).toMatchObject({ status: 'cancelled', paymentStatus: 'succeeded' });
    expect(await row(`SELECT refunded_fen AS r FROM payments WHERE order_id = ?`, order.id)).toEqual({ r: order.totalFen });
    expect(await stockOf(product)).toBe(1);
    await setStock(product, 100);
  });

  it('Should wait on an unpaid completed session and cancel when its asynchronous payment fails', async () => {
    const { order, sessionId, session } = await stripeOrder(2);
    const reserved = await stockOf(product);
    const pending = await deliver(await signedEvent('checkout.session.completed', { ...session, status: 'complete', payment_status: 'unpaid', payment_intent: 'pi_async' }));
    expect(pending.body.result).toBe('awaiting_payment');
    expect(await row(`SELECT status, payment_due_at AS due FROM orders WHERE id = ?`, order.id)).toEqual({ status: 'pending_payment', due: null });
    const failed = await deliver(await signedEvent('checkout.session.async_payment_failed', { ...session, status: 'complete', payment_status: 'unpaid', payment_intent: 'pi_async' }));
    expect(failed.body.result).toBe('applied');
    expect(await orderState(order.id)).toMatchObject({ status: 'cancelled', paymentStatus: 'failed' });
    expect(await stockOf(product)).toBe(reserved + 2);
    expect(sessionId).toBe(session.id);
  });

  it('Should mark the order paid when an asynchronous payment succeeds', async () => {
    const { order, session } = await stripeOrder(1);
    await deliver(await signedEvent('checkout.session.completed', { ...session, status: 'complete', payment_status: 'unpaid' }));
    const res = await deliver(await signedEvent('checkout.session.async_payment_succeeded', { ...session, status: 'complete', payment_status: 'paid', payment_intent: 'pi_async_ok' }));
    expect(res.body.result).toBe('applied');
    expect(await orderState(order.id)).toMatchObject({ status: 'paid', paymentStatus: 'succeeded' });
  });

  it('Should refund once through Stripe when the refund was made but its answer was lost', async () => {
    const { order, sessionId } = await stripeOrder(1);
    await deliver(await signedEvent('checkout.session.completed', stripe.pay(sessionId, 'pi_test_lost_refund')));
    let made = 0;
    stripe.on('POST', /^\/v1\/refunds$/, (req) => {
      made += 1;
      return { body: { id: `re_lost_${made}`, object: 'refund', amount: Number(req.params.get('amount')), currency: 'cny', status: 'succeeded', payment_intent: 'pi_test_lost_refund', metadata: { refundId: req.params.get('metadata[refundId]') } } };
    });
    stripe.loseResponses(1); // Stripe refunds; the answer is lost; the SDK asks again with the same key
    const admin = await demoToken('admin');
    const created = await jsonOf(await withStripe(`/api/v1/admin/orders/${order.id}/refunds`, { method: 'POST', token: admin, json: { reason: '退货' } }));
    expect(created.body).toMatchObject({ status: 'succeeded', amountFen: order.totalFen });
    const calls = stripe.requests.filter((r) => r.path === '/v1/refunds' && r.method === 'POST');
    expect(calls.map((r) => r.headers.get('idempotency-key'))).toEqual([`refund:${created.body.id}`, `refund:${created.body.id}`]);
    expect(made).toBe(1);
    expect(await row(`SELECT stripe_refund_id AS sid, status FROM refunds WHERE id = ?`, created.body.id)).toEqual({ sid: 're_lost_1', status: 'succeeded' });
  });

  it('Should settle an admin refund through Stripe when refund.updated reports it succeeded', async () => {
    const { order, sessionId } = await stripeOrder(2);
    await deliver(await signedEvent('checkout.session.completed', stripe.pay(sessionId, 'pi_test_refund')));
    // Stripe answers the refund as pending (e.g. WeChat Pay settles later).
    stripe.on('POST', /^\/v1\/refunds$/, (req) => ({
      body: { id: 're_pending_1', object: 'refund', amount: Number(req.params.get('amount')), currency: 'cny', status: 'pending', payment_intent: 'pi_test_refund', metadata: { refundId: req.params.get('metadata[refundId]') } },
    }));
    const admin = await demoToken('admin');
    const key = crypto.randomUUID();
    const created = await jsonOf(await withStripe(`/api/v1/admin/orders/${order.id}/refunds`, { method: 'POST', token: admin, json: { amountFen: 3000, reason: '一件破损' }, headers: { 'idempotency-key': key } }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ amountFen: 3000, status: 'pending' });
    const call = stripe.requests.find((r) => r.path === '/v1/refunds' && r.params.get('metadata[refundId]') === created.body.id)!;
    expect(call.params.get('payment_intent')).toBe('pi_test_refund');
    expect(call.params.get('amount')).toBe('3000');
    expect(call.headers.get('idempotency-key')).toBe(`refund:${created.body.id}`);
    const sales = await salesOf();

    const settled = await deliver(await signedEvent('refund.updated', { id: 're_pending_1', object: 'refund', amount: 3000, currency: 'cny', status: 'succeeded', payment_intent: 'pi_test_refund', metadata: { refundId: created.body.id } }));
    expect(settled.body.result).toBe('applied');
    expect(await row(`SELECT status, stripe_refund_id AS sid FROM refunds WHERE id = ?`, created.body.id)).toEqual({ status: 'succeeded', sid: 're_pending_1' });
    expect(await orderState(order.id)).toMatchObject({ status: 'paid', refunded: 3000 });
    expect((await salesOf()).refunds).toBe((sales.refunds ?? 0) + Math.floor((3000 * 10000) / order.totalFen));

    // charge.refunded for the same refund changes nothing more.
    stripe.on('GET', /^\/v1\/refunds$/, () => ({ body: { object: 'list', data: [{ id: 're_pending_1', object: 'refund', amount: 3000, status: 'succeeded', payment_intent: 'pi_test_refund', metadata: { refundId: created.body.id } }], has_more: false, url: '/v1/refunds' } }));
    const charge = await deliver(await signedEvent('charge.refunded', { id: 'ch_1', object: 'charge', payment_intent: 'pi_test_refund', amount_refunded: 3000 }));
    expect(charge.body.result).toBe('no_change');
    expect(await orderState(order.id)).toMatchObject({ refunded: 3000 });
  });

  it('Should give the reservation back when Stripe reports a refund failed', async () => {
    const { order, sessionId } = await stripeOrder(1);
    await deliver(await signedEvent('checkout.session.completed', stripe.pay(sessionId, 'pi_test_fail')));
    stripe.on('POST', /^\/v1\/refunds$/, (req) => ({
      body: { id: 're_will_fail', object: 'refund', amount: Number(req.params.get('amount')), status: 'pending', payment_intent: 'pi_test_fail', metadata: { refundId: req.params.get('metadata[refundId]') } },
    }));
    const admin = await demoToken('admin');
    const created = await jsonOf(await withStripe(`/api/v1/admin/orders/${order.id}/refunds`, { method: 'POST', token: admin, json: { reason: '客户取消' } }));
    expect(created.body.amountFen).toBe(order.totalFen);
    expect(await row(`SELECT refunded_fen AS r FROM payments WHERE order_id = ?`, order.id)).toEqual({ r: order.totalFen });
    const res = await deliver(await signedEvent('refund.failed', { id: 're_will_fail', object: 'refund', amount: order.totalFen, status: 'failed', payment_intent: 'pi_test_fail', metadata: { refundId: created.body.id } }));
    expect(res.body.result).toBe('applied');
    expect(await row(`SELECT refunded_fen AS r FROM payments WHERE order_id = ?`, order.id)).toEqual({ r: 0 });
    expect(await orderState(order.id)).toMatchObject({ status: 'paid', refunded: 0 });
  });

  it('Should record a refund made in the Stripe Dashboard from charge.refunded', async () => {
    const { order, sessionId } = await stripeOrder(1);
    await deliver(await signedEvent('checkout.session.completed', stripe.pay(sessionId, 'pi_test_dashboard')));
    stripe.on('GET', /^\/v1\/refunds$/, (req) =>
      req.params.get('payment_intent') === 'pi_test_dashboard'
        ? { body: { object: 'list', data: [{ id: 're_dash', object: 'refund', amount: order.totalFen, status: 'succeeded', payment_intent: 'pi_test_dashboard', metadata: {} }], has_more: false, url: '/v1/refunds' } }
        : undefined,
    );
    const res = await deliver(await signedEvent('charge.refunded', { id: 'ch_dash', object: 'charge', payment_intent: 'pi_test_dashboard', amount_refunded: order.totalFen }));
    expect(res.body.result).toBe('applied');
    expect(await orderState(order.id)).toMatchObject({ status: 'refunded', refunded: order.totalFen });
    expect(await row(`SELECT status, reason FROM refunds WHERE stripe_refund_id = 're_dash'`)).toEqual({ status: 'succeeded', reason: 'Refunded in the Stripe Dashboard' });
  });

  it('Should ignore event types it does not handle', async () => {
    const counts = await orderRowCounts();
    const res = await deliver(await signedEvent('customer.created', { id: 'cus_1', object: 'customer' }));
    expect(res.body.result).toBe('ignored');
    expect(await orderRowCounts()).toEqual(counts);
  });
});
