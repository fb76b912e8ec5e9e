import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { expireUnpaidOrders } from '../../src/orders/expiry.job';
import { queryUnnotifiedPayments } from '../../src/payments';
import { demoToken } from '../helpers/http';
import { callWithEnv, jsonOf, makeCooperative, makeProduct, orderBody, row, rows, setStock, stockOf } from '../helpers/orders';
import {
  DESKTOP_UA,
  PHONE_UA,
  wechatTransaction,
  alipayEnv,
  alipayKeys,
  alipayNotification,
  fakeAlipay,
  fakeWechatPay,
  installProviderFetch,
  rsaKeyPair,
  WECHAT,
  wechatEnv,
  wechatKeys,
  wechatNotification,
  type AlipayKeys,
  type WechatKeys,
} from '../helpers/providers';
import { seedDatabase } from '../helpers/seed';

const DESKTOP = DESKTOP_UA;
const PHONE = PHONE_UA;

let wechatKeyset: WechatKeys;
let alipayKeyset: AlipayKeys;
let providerEnv: Record<string, string>;
let coop: string;
let product: string;
let admin: string;
let wechat: ReturnType<typeof fakeWechatPay>;
let alipay: ReturnType<typeof fakeAlipay>;
let restore: () => void;

beforeAll(async () => {
  await seedDatabase();
  [wechatKeyset, alipayKeyset] = await Promise.all([wechatKeys(), alipayKeys()]);
  providerEnv = { ...wechatEnv(wechatKeyset), ...alipayEnv(alipayKeyset) };
  coop = await makeCooperative({ shippingFlatFeeFen: 1000, freeShippingAboveFen: null });
  product = await makeProduct({ cooperativeId: coop, unitPriceFen: 5000, stock: 1000, category: 'ham' });
  admin = await demoToken('admin');
});

beforeEach(() => {
  wechat = fakeWechatPay(wechatKeyset);
  alipay = fakeAlipay(alipayKeyset);
  restore = installProviderFetch({ wechat, alipay });
});
afterEach(() => restore());

const call = (path: string, init: Parameters<typeof callWithEnv>[2] = {}) => callWithEnv(providerEnv, path, init);
const db = () => createDb(env.DB);
const jobEnv = () => ({ ...env, ...providerEnv }) as unknown as Parameters<typeof expireUnpaidOrders.run>[1];

/** Places an order paid by `method` and opens its pay page as `userAgent` would. */
async function providerOrder(method: 'wechat_pay' | 'alipay', quantity = 2, userAgent = DESKTOP) {
  const { status, body } = await jsonOf(await call('/api/v1/orders', { method: 'POST', json: orderBody([{ productId: product, quantity }], { paymentMethod: method }) }));
  expect(status).toBe(201);
  const url = new URL(body.payment.checkoutUrl);
  const page = await call(`${url.pathname}${url.search}`, { headers: { 'user-agent': userAgent } });
  return { order: body, page, payPath: `${url.pathname}${url.search}`, paymentId: body.payment.id as string };
}

const state = (orderId: string) =>
  row<{ status: string; paymentStatus: string; released: number; refunded: number; tradeNo: string | null; channel: string | null }>(
    `SELECT o.status, p.status AS paymentStatus, (SELECT MIN(released) FROM shipments WHERE order_id = o.id) AS released, o.refunded_fen AS refunded,
            p.provider_trade_no AS tradeNo, p.pay_channel AS channel
     FROM orders o JOIN payments p ON p.order_id = o.id WHERE o.id = ?`,
    orderId,
  );

const sales = async () => (await row<{ sales: number | null }>(`SELECT SUM(sales_fen) AS sales FROM sales_daily WHERE cooperative_id = ?`, coop)).sales ?? 0;
const notificationCount = async () => (await row<{ n: number }>(`SELECT COUNT(*) AS n FROM provider_notifications`)).n;

const transaction = wechatTransaction;

async function notifyWechat(note: { body: string; headers: Record<string, string> }) {
  return jsonOf(await call('/api/v1/webhooks/wechat-pay', { method: 'POST', body: note.body, headers: note.headers }));
}

describe('WeChat Pay orders', () => {
  it('Should show a Native QR code on a desktop, from a prepay signed for this payment', async () => {
    const { order, page, paymentId } = await providerOrder('wechat_pay', 2);
    expect(order.payment.checkoutUrl).toContain(`/pay/${paymentId}?token=`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`data-code-url="weixin://wxpay/bizpayurl?pr=${paymentId}"`);
    expect(html).toContain('<svg');
    const prepay = wechat.requests.find((r) => r.path === '/v3/pay/transactions/native')!;
    expect(prepay.signatureValid).toBe(true);
    expect(prepay.body).toMatchObject({ out_trade_no: paymentId, amount: { total: 11_000, currency: 'CNY' }, notify_url: 'http://localhost:8787/api/v1/webhooks/wechat-pay' });
    expect((await state(order.id)).channel).toBe('native');
  });

  it('Should send a phone browser to WeChat’s H5 page', async () => {
    const { page, paymentId } = await providerOrder('wechat_pay', 1, PHONE);
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toContain(`https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx${paymentId}`);
    expect(wechat.requests.find((r) => r.path === '/v3/pay/transactions/h5')?.body.scene_info.h5_info).toEqual({ type: 'Wap' });
  });

  it('Should mark the order paid once from a verified notification, and ignore its redelivery', async () => {
    const { order, paymentId } = await providerOrder('wechat_pay', 2);
    const before = await sales();
    wechat.pay(paymentId);
    const note = await wechatNotification(wechatKeyset, 'TRANSACTION.SUCCESS', transaction(paymentId, 11_000), { id: `evt-${paymentId}` });
    expect((await notifyWechat(note)).status).toBe(204);
    expect(await state(order.id)).toMatchObject({ status: 'paid', paymentStatus: 'succeeded', released: 1, tradeNo: `42000020261204${paymentId.slice(-6)}` });
    expect(await sales()).toBe(before + order.subtotalFen);
    expect((await notifyWechat(note)).status).toBe(204);
    // A second notification for the same payment (WeChat may send one per retry) changes nothing either.
    expect((await notifyWechat(await wechatNotification(wechatKeyset, 'TRANSACTION.SUCCESS', transaction(paymentId, 11_000)))).status).toBe(204);
    expect(await sales()).toBe(before + order.subtotalFen);
    const view = await jsonOf(await call(`/api/v1/orders/${order.id}?token=${order.accessToken}`));
    expect(view.body.payment).toMatchObject({ status: 'succeeded', method: 'wechat_pay', paidWith: 'wechat_pay' });
    expect(await (await call(`/orders/${order.id}?token=${order.accessToken}`)).text()).toContain('微信支付');
  });

  it('Should refuse a notification signed by another key, and write nothing', async () => {
    const { order, paymentId } = await providerOrder('wechat_pay', 1);
    const count = await notificationCount();
    const stranger = await rsaKeyPair();
    const res = await notifyWechat(await wechatNotification(wechatKeyset, 'TRANSACTION.SUCCESS', transaction(paymentId, 6000), { signWith: stranger.privatePem }));
    expect(res.status).toBe(400);
    expect(res.body.errors[0].rule).toBe('bad_signature');
    expect(await notificationCount()).toBe(count);
    expect(await state(order.id)).toMatchObject({ status: 'pending_payment', paymentStatus: 'pending' });
  });

  it('Should refuse a notification with a stale timestamp, and write nothing', async () => {
    const { order, paymentId } = await providerOrder('wechat_pay', 1);
    const count = await notificationCount();
    const res = await notifyWechat(await wechatNotification(wechatKeyset, 'TRANSACTION.SUCCESS', transaction(paymentId, 6000), { timestamp: Math.floor(Date.now() / 1000) - 600 }));
    expect(res.status).toBe(400);
    expect(res.body.errors[0].rule).toBe('stale_timestamp');
    expect(await notificationCount()).toBe(count);
    expect((await state(order.id)).status).toBe('pending_payment');
  });

  it('Should refuse a notification for another amount, and write nothing', async () => {
    const { order, paymentId } = await providerOrder('wechat_pay', 1);
    const count = await notificationCount();
    const res = await notifyWechat(await wechatNotification(wechatKeyset, 'TRANSACTION.SUCCESS', transaction(paymentId, 1)));
    expect(res.status).toBe(422);
    expect(res.body.errors[0].rule).toBe('wrong_amount');
    expect(await notificationCount()).toBe(count);
    expect((await state(order.id)).status).toBe('pending_payment');
  });

  it('Should refuse a notification for an order we do not have, and write nothing', async () => {
    const count = await notificationCount();
    const res = await notifyWechat(await wechatNotification(wechatKeyset, 'TRANSACTION.SUCCESS', transaction('pay_notours000000000000', 100)));
    expect(res.status).toBe(422);
    expect(res.body.errors[0].rule).toBe('unknown_order');
    expect(await notificationCount()).toBe(count);
  });

  it('Should record the payment when the buyer comes back, by asking WeChat Pay', async () => {
    const { order, paymentId, payPath } = await providerOrder('wechat_pay', 1);
    wechat.pay(paymentId);
    const back = await call(payPath.replace('?', '/return?'));
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe(`/orders/${order.id}?token=${order.accessToken}`);
    expect(await state(order.id)).toMatchObject({ status: 'paid', paymentStatus: 'succeeded' });
    expect(wechat.requests.at(-1)!.path).toBe(`/v3/pay/transactions/out-trade-no/${paymentId}?mchid=${WECHAT.mchid}`);
    // The notification arriving afterwards finds it applied.
    expect((await notifyWechat(await wechatNotification(wechatKeyset, 'TRANSACTION.SUCCESS', transaction(paymentId, 6000)))).status).toBe(204);
    expect((await rows(`SELECT id FROM refunds WHERE payment_id = ?`, paymentId)).length).toBe(0);
  });

  it('Should record money whose notification never came from the query job', async () => {
    const { order, paymentId } = await providerOrder('wechat_pay', 1);
    wechat.pay(paymentId);
    const opened = (await row<{ at: number }>(`SELECT updated_at AS at FROM payments WHERE id = ?`, paymentId)).at;
    expect(await queryUnnotifiedPayments.run(db(), jobEnv(), opened + 60_000)).toBe(0);
    expect(await queryUnnotifiedPayments.run(db(), jobEnv(), opened + 3 * 60_000)).toBeGreaterThanOrEqual(1);
    expect((await state(order.id)).status).toBe('paid');
  });

  it('Should close the unpaid WeChat trade when the reservation expires, and return the stock', async () => {
    const own = await makeProduct({ cooperativeId: coop, unitPriceFen: 2000, stock: 10, category: 'tea' });
    const { body: order } = await jsonOf(await call('/api/v1/orders', { method: 'POST', json: orderBody([{ productId: own, quantity: 3 }], { paymentMethod: 'wechat_pay' }) }));
    const paymentId = order.payment.id;
    await call(new URL(order.payment.checkoutUrl).pathname + new URL(order.payment.checkoutUrl).search, { headers: { 'user-agent': DESKTOP } });
    expect(await stockOf(own)).toBe(7);
    expect(await expireUnpaidOrders.run(db(), jobEnv(), order.paymentDueAt + 1)).toBeGreaterThanOrEqual(1);
    expect(wechat.trades.get(paymentId)!.state).toBe('CLOSED');
    expect(wechat.requests.some((r) => r.path === `/v3/pay/transactions/out-trade-no/${paymentId}/close` && r.body.mchid === WECHAT.mchid && r.signatureValid)).toBe(true);
    expect(await state(order.id)).toMatchObject({ status: 'cancelled', paymentStatus: 'cancelled' });
    expect(await stockOf(own)).toBe(10);
  });

  it('Should record a payment made just before expiry instead of cancelling the order', async () => {
    const { order, paymentId } = await providerOrder('wechat_pay', 1);
    wechat.pay(paymentId);
    await expireUnpaidOrders.run(db(), jobEnv(), order.paymentDueAt + 1);
    expect(await state(order.id)).toMatchObject({ status: 'paid', paymentStatus: 'succeeded' });
  });

  it('Should revive an expired order when its money arrives late and the stock is still there', async () => {
    const { order, paymentId } = await providerOrder('wechat_pay', 1);
    wechat.control.failNext = { status: 500, code: 'SYSTEM_ERROR', message: '系统错误' };
    wechat.trades.get(paymentId)!.state = 'NOTPAY';
    // WeChat is down when the window closes: the order is cancelled all the same.
    const realHandle = wechat.handle;
    restore();
    restore = installProviderFetch({ wechat: { ...wechat, handle: async () => new Response('upstream down', { status: 503 }) }, alipay });
    await expireUnpaidOrders.run(db(), jobEnv(), order.paymentDueAt + 1);
    expect((await state(order.id)).status).toBe('cancelled');
    restore();
    restore = installProviderFetch({ wechat: { ...wechat, handle: realHandle }, alipay });
    wechat.control.failNext = null;
    wechat.pay(paymentId);
    expect((await notifyWechat(await wechatNotification(wechatKeyset, 'TRANSACTION.SUCCESS', transaction(paymentId, 6000)))).status).toBe(204);
    expect(await state(order.id)).toMatchObject({ status: 'paid', paymentStatus: 'succeeded' });
  });

  it('Should refund late money through WeChat Pay once when the stock is gone', async () => {
    const lonely = await makeProduct({ cooperativeId: coop, unitPriceFen: 3000, stock: 1, category: 'ham' });
    const { body: order } = await jsonOf(await call('/api/v1/orders', { method: 'POST', json: orderBody([{ productId: lonely, quantity: 1 }], { paymentMethod: 'wechat_pay' }) }));
    const paymentId = order.payment.id;
    await call(new URL(order.payment.checkoutUrl).pathname + new URL(order.payment.checkoutUrl).search, { headers: { 'user-agent': DESKTOP } });
    restore();
    restore = installProviderFetch({ wechat: { ...wechat, handle: async () => new Response('upstream down', { status: 503 }) }, alipay });
    await expireUnpaidOrders.run(db(), jobEnv(), order.paymentDueAt + 1);
    restore();
    restore = installProviderFetch({ wechat, alipay });
    await setStock(lonely, 0);
    wechat.pay(paymentId);
    const note = await wechatNotification(wechatKeyset, 'TRANSACTION.SUCCESS', transaction(paymentId, 4000));
    expect((await notifyWechat(note)).status).toBe(204);
    expect((await notifyWechat(note)).status).toBe(204);
    const refunds = await rows<{ id: string; status: string; amount: number }>(`SELECT id, status, amount_fen AS amount FROM refunds WHERE payment_id = ?`, paymentId);
    expect(refunds).toEqual([{ id: expect.any(String), status: 'succeeded', amount: 4000 }]);
    expect([...wechat.refunds.keys()]).toContain(refunds[0]!.id);
    expect(wechat.refunds.get(refunds[0]!.id)).toMatchObject({ outTradeNo: paymentId, amount: 4000 });
    expect(await state(order.id)).toMatchObject({ status: 'cancelled', refunded: 4000 });
  });

  it('Should refund partly then fully through WeChat Pay, a retried request refunding once', async () => {
    const { order, paymentId } = await providerOrder('wechat_pay', 2);
    wechat.pay(paymentId);
    await notifyWechat(await wechatNotification(wechatKeyset, 'TRANSACTION.SUCCESS', transaction(paymentId, 11_000)));
    const refund = async (key: string, json: unknown) => jsonOf(await call(`/api/v1/admin/orders/${order.id}/refunds`, { method: 'POST', token: admin, json, headers: { 'idempotency-key': key } }));
    const first = await refund(`part-${paymentId}`, { amountFen: 1000, reason: '缺一件' });
    const again = await refund(`part-${paymentId}`, { amountFen: 1000, reason: '缺一件' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'succeeded', amountFen: 1000 });
    expect(again.body.id).toBe(first.body.id);
    expect(wechat.refunds.size).toBe(1);
    expect(wechat.refunds.get(first.body.id)).toMatchObject({ outTradeNo: paymentId, amount: 1000 });
    const sent = wechat.requests.find((r) => r.path === '/v3/refund/domestic/refunds')!;
    expect(sent.body).toMatchObject({ out_trade_no: paymentId, out_refund_no: first.body.id, amount: { refund: 1000, total: 11_000, currency: 'CNY' } });
    expect(sent.signatureValid).toBe(true);
    const rest = await refund(`rest-${paymentId}`, { reason: '取消' });
    expect(rest.body).toMatchObject({ status: 'succeeded', amountFen: 10_000 });
    expect(await state(order.id)).toMatchObject({ status: 'refunded', refunded: 11_000 });
    // WeChat's refund notification afterwards settles nothing twice.
    const note = await wechatNotification(wechatKeyset, 'REFUND.SUCCESS', { mchid: WECHAT.mchid, out_trade_no: paymentId, out_refund_no: rest.body.id, refund_id: '1', refund_status: 'SUCCESS' });
    expect((await notifyWechat(note)).status).toBe(204);
    expect(await state(order.id)).toMatchObject({ status: 'refunded', refunded: 11_000 });
  });

  it('Should show the QR code when the prepay answer was lost once, from one trade', async () => {
    wechat.faults.afterActing = 1;
    const { page, paymentId } = await providerOrder('wechat_pay', 1);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`data-code-url="weixin://wxpay/bizpayurl?pr=${paymentId}"`);
    const prepays = wechat.requests.filter((r) => r.path === '/v3/pay/transactions/native');
    expect(prepays.map((r) => r.body.out_trade_no)).toEqual([paymentId, paymentId]);
    expect(wechat.trades.size).toBe(1);
  });

  it('Should refund once when WeChat Pay made the refund but its answer was lost', async () => {
    const { order, paymentId } = await providerOrder('wechat_pay', 1);
    wechat.pay(paymentId);
    await notifyWechat(await wechatNotification(wechatKeyset, 'TRANSACTION.SUCCESS', transaction(paymentId, 6000)));
    wechat.faults.afterActing = 1;
    const res = await jsonOf(await call(`/api/v1/admin/orders/${order.id}/refunds`, { method: 'POST', token: admin, json: { reason: '退货' } }));
    expect(res.body).toMatchObject({ status: 'succeeded', amountFen: 6000 });
    const asked = wechat.requests.filter((r) => r.path === '/v3/refund/domestic/refunds');
    expect(asked.map((r) => r.body.out_refund_no)).toEqual([res.body.id, res.body.id]);
    expect([...wechat.trades.get(paymentId)!.refunds.values()]).toEqual([6000]);
    expect(await rows(`SELECT status, amount_fen AS amount FROM refunds WHERE payment_id = ?`, paymentId)).toEqual([{ status: 'succeeded', amount: 6000 }]);
    expect(await state(order.id)).toMatchObject({ status: 'refunded', refunded: 6000 });
  });

  it('Should leave the order pending and say so when a WeChat refund is refused', async () => {
    const { order, paymentId } = await providerOrder('wechat_pay', 1);
    wechat.pay(paymentId);
    await notifyWechat(await wechatNotification(wechatKeyset, 'TRANSACTION.SUCCESS', transaction(paymentId, 6000)));
    wechat.control.failNext = { status: 403, code: 'NOT_ENOUGH', message: '余额不足' };
    const res = await jsonOf(await call(`/api/v1/admin/orders/${order.id}/refunds`, { method: 'POST', token: admin, json: { reason: '退货' } }));
    expect(res.status).toBe(502);
    expect(await rows(`SELECT status FROM refunds WHERE payment_id = ?`, paymentId)).toEqual([{ status: 'failed' }]);
    expect(await state(order.id)).toMatchObject({ status: 'paid', refunded: 0 });
    expect((await row<{ r: number }>(`SELECT refunded_fen AS r FROM payments WHERE id = ?`, paymentId)).r).toBe(0);
  });
});

describe('Alipay orders', () => {
  async function notifyAlipay(body: string) {
    const res = await call('/api/v1/webhooks/alipay', { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } });
    return { status: res.status, text: await res.text() };
  }

  it('Should send a phone to 手机网站支付 and a desktop to 电脑网站支付, signed', async () => {
    const phone = await providerOrder('alipay', 1, PHONE);
    expect(phone.page.status).toBe(302);
    const opened = await alipay.open(phone.page.headers.get('location')!);
    expect(opened.signatureValid).toBe(true);
    expect(opened.params).toMatchObject({ method: 'alipay.trade.wap.pay', notify_url: 'http://localhost:8787/api/v1/webhooks/alipay' });
    expect(opened.biz).toMatchObject({ out_trade_no: phone.paymentId, total_amount: '60.00', product_code: 'QUICK_WAP_WAY' });
    expect(opened.params.return_url).toContain(`/pay/${phone.paymentId}/return?token=`);
    const desk = await providerOrder('alipay', 1, DESKTOP);
    expect((await alipay.open(desk.page.headers.get('location')!)).params.method).toBe('alipay.trade.page.pay');
  });

  it('Should answer success only once the payment is recorded, and once only', async () => {
    const { order, paymentId, page } = await providerOrder('alipay', 2, PHONE);
    await alipay.open(page.headers.get('location')!);
    const trade = alipay.pay(paymentId);
    const before = await sales();
    const body = await alipayNotification(alipayKeyset, { out_trade_no: paymentId, trade_no: trade.tradeNo, trade_status: 'TRADE_SUCCESS', total_amount: '110.00' });
    expect(await notifyAlipay(body)).toEqual({ status: 200, text: 'success' });
    expect(await notifyAlipay(body)).toEqual({ status: 200, text: 'success' });
    expect(await state(order.id)).toMatchObject({ status: 'paid', paymentStatus: 'succeeded', tradeNo: trade.tradeNo, channel: 'wap' });
    expect(await sales()).toBe(before + order.subtotalFen);
  });

  it('Should refuse a notify with a bad signature or amount and write nothing', async () => {
    const { order, paymentId } = await providerOrder('alipay', 1, PHONE);
    const count = await notificationCount();
    const forged = await alipayNotification(alipayKeyset, { out_trade_no: paymentId, trade_status: 'TRADE_SUCCESS', total_amount: '60.00' }, { signWith: (await rsaKeyPair()).privatePem });
    const refused = await notifyAlipay(forged);
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.text).errors[0].rule).toBe('bad_signature');
    const cheap = await notifyAlipay(await alipayNotification(alipayKeyset, { out_trade_no: paymentId, trade_status: 'TRADE_SUCCESS', total_amount: '0.01' }));
    expect(cheap.status).toBe(422);
    expect(JSON.parse(cheap.text).errors[0].rule).toBe('wrong_amount');
    expect(await notificationCount()).toBe(count);
    expect((await state(order.id)).status).toBe('pending_payment');
  });

  it('Should refund through Alipay with our refund id as out_request_no', async () => {
    const { order, paymentId, page } = await providerOrder('alipay', 1, PHONE);
    await alipay.open(page.headers.get('location')!);
    alipay.pay(paymentId);
    await call(`/pay/${paymentId}/return?token=${order.accessToken}`);
    expect((await state(order.id)).status).toBe('paid');
    const res = await jsonOf(await call(`/api/v1/admin/orders/${order.id}/refunds`, { method: 'POST', token: admin, json: { amountFen: 500, reason: '包装破损' } }));
    expect(res.body).toMatchObject({ status: 'succeeded', amountFen: 500 });
    const sent = alipay.requests.find((r) => r.method === 'alipay.trade.refund')!;
    expect(sent.signatureValid).toBe(true);
    expect(sent.biz).toMatchObject({ out_trade_no: paymentId, refund_amount: '5.00', out_request_no: res.body.id });
    expect([...alipay.trades.get(paymentId)!.refunded.entries()]).toEqual([[res.body.id, 500]]);
  });
});

describe('Without provider keys', () => {
  it('Should refuse WeChat Pay and Alipay orders and say on the checkout page that they are off', async () => {
    for (const method of ['wechat_pay', 'alipay']) {
      const res = await jsonOf(await callWithEnv({}, '/api/v1/orders', { method: 'POST', json: orderBody([{ productId: product, quantity: 1 }], { paymentMethod: method }) }));
      expect(res.status).toBe(422);
      expect(res.body.errors[0].path).toBe('body.paymentMethod');
    }
    expect(await callWithEnv({}, '/api/v1/webhooks/wechat-pay', { method: 'POST', body: '{}' }).then((r) => r.status)).toBe(404);
  });
});
