import { beforeAll, describe, expect, it } from 'vitest';
import { Alipay, alipaySigningString } from '../../../src/payments/providers/alipay';
import { fenToYuan, ProviderRefusal, yuanToFen } from '../../../src/payments/providers/provider';
import { ALIPAY, alipayKeys, alipayNotification, fakeAlipay, rsaKeyPair, rsaVerify, type AlipayKeys } from '../../helpers/providers';

let keys: AlipayKeys;

beforeAll(async () => {
  keys = await alipayKeys();
});

function client(fake: ReturnType<typeof fakeAlipay>) {
  return new Alipay({ appId: ALIPAY.appId, privateKey: keys.app.privatePem, alipayPublicKey: keys.alipay.publicPem, gatewayUrl: ALIPAY.gateway, fetch: fake.fetch, retry: { delayMs: 1, timeoutMs: 300 } });
}

const order = (outTradeNo: string, channel: 'page' | 'wap' = 'wap') => ({
  outTradeNo,
  amountFen: 12_805,
  description: '墨江紫米 Mojiang purple rice',
  expiresAt: Date.parse('2026-12-04T02:00:00Z'),
  notifyUrl: 'https://shanhai.example/api/v1/webhooks/alipay',
  returnUrl: 'https://shanhai.example/checkout/return?order=ord_1',
  channel,
});

describe('Alipay requests', () => {
  it('Should sign the 手机网站支付 request over the sorted parameters with RSA2', async () => {
    const fake = fakeAlipay(keys);
    const start = await client(fake).start(order('pay_wap_1'));
    if (start.kind !== 'redirect') throw new Error('expected a redirect');
    expect(start.url.startsWith(`${ALIPAY.gateway}?`)).toBe(true);
    const opened = await fake.open(start.url);
    expect(opened.signatureValid).toBe(true);
    const { sign, ...unsigned } = opened.params;
    expect(await rsaVerify(keys.app.publicPem, alipaySigningString(unsigned), sign!)).toBe(true);
    expect(alipaySigningString(unsigned).startsWith('app_id=2021004100000001&biz_content={')).toBe(true);
    expect(opened.params).toMatchObject({ method: 'alipay.trade.wap.pay', sign_type: 'RSA2', charset: 'utf-8', version: '1.0', notify_url: order('x').notifyUrl });
    expect(opened.biz).toEqual({ out_trade_no: 'pay_wap_1', total_amount: '128.05', subject: '墨江紫米 Mojiang purple rice', product_code: 'QUICK_WAP_WAY', time_expire: '2026-12-04 10:00:00', quit_url: order('x').returnUrl });
  });

  it('Should use 电脑网站支付 on a desktop', async () => {
    const fake = fakeAlipay(keys);
    const start = await client(fake).start(order('pay_page_1', 'page'));
    const opened = await fake.open((start as { url: string }).url);
    expect(opened.params.method).toBe('alipay.trade.page.pay');
    expect(opened.biz.product_code).toBe('FAST_INSTANT_TRADE_PAY');
  });

  it('Should query the trade and verify Alipay’s signature on the answer', async () => {
    const fake = fakeAlipay(keys);
    const alipay = client(fake);
    expect(await alipay.query('pay_q')).toEqual({ state: 'not_found' });
    await fake.open(((await alipay.start(order('pay_q'))) as { url: string }).url);
    expect(await alipay.query('pay_q')).toEqual({ state: 'pending' });
    fake.pay('pay_q');
    expect(await alipay.query('pay_q')).toMatchObject({ state: 'paid', amountFen: 12_805, paidAt: Date.parse('2026-12-04T10:00:00+08:00') });
    expect(fake.requests.every((r) => r.signatureValid)).toBe(true);
  });

  it('Should refuse an answer not signed by Alipay', async () => {
    const fake = fakeAlipay(keys);
    const impostor = new Alipay({ appId: ALIPAY.appId, privateKey: keys.app.privatePem, alipayPublicKey: (await rsaKeyPair()).publicPem, gatewayUrl: ALIPAY.gateway, fetch: fake.fetch });
    await fake.open(((await impostor.start(order('pay_s'))) as { url: string }).url);
    expect(await impostor.query('pay_s').catch((e: unknown) => e)).toMatchObject({ code: 'SIGN_ERROR', refused: false });
  });

  it('Should refund with out_request_no so a retry refunds once, and close unpaid trades', async () => {
    const fake = fakeAlipay(keys);
    const alipay = client(fake);
    await fake.open(((await alipay.start(order('pay_r'))) as { url: string }).url);
    fake.pay('pay_r');
    const request = { outTradeNo: 'pay_r', outRefundNo: 'rfd_a1', amountFen: 805, totalFen: 12_805, reason: '缺货', notifyUrl: '' };
    expect(await alipay.refund(request)).toMatchObject({ state: 'succeeded' });
    expect(await alipay.refund(request)).toMatchObject({ state: 'succeeded' });
    expect([...fake.trades.get('pay_r')!.refunded.values()]).toEqual([805]);
    expect(fake.requests.at(-1)!.biz).toEqual({ out_trade_no: 'pay_r', refund_amount: '8.05', out_request_no: 'rfd_a1', refund_reason: '缺货' });
    await alipay.close('pay_unopened');
    await fake.open(((await alipay.start(order('pay_c'))) as { url: string }).url);
    await alipay.close('pay_c');
    expect(fake.trades.get('pay_c')!.status).toBe('TRADE_CLOSED');
    expect(await alipay.close('pay_r').catch((e: unknown) => e)).toMatchObject({ code: 'ACQ.TRADE_STATUS_ERROR', refused: true });
  });
});

describe('Alipay when the network fails', () => {
  it('Should repeat a refund after a 502 and a timeout with the same out_request_no, refunding once', async () => {
    const fake = fakeAlipay(keys);
    const alipay = client(fake);
    await fake.open(((await alipay.start(order('pay_flaky'))) as { url: string }).url);
    fake.pay('pay_flaky');
    fake.faults.afterActing = 1;
    fake.faults.hangAfterActing = 1;
    const outcome = await alipay.refund({ outTradeNo: 'pay_flaky', outRefundNo: 'rfd_flaky', amountFen: 805, totalFen: 12_805, reason: '缺货', notifyUrl: '' });
    expect(outcome).toMatchObject({ state: 'succeeded' });
    const refunds = fake.requests.filter((r) => r.method === 'alipay.trade.refund');
    expect(refunds.map((r) => r.biz.out_request_no)).toEqual(['rfd_flaky', 'rfd_flaky', 'rfd_flaky']);
    expect(refunds.every((r) => r.signatureValid)).toBe(true);
    expect([...fake.trades.get('pay_flaky')!.refunded.values()]).toEqual([805]);
  });

  it('Should give up after three unknown outcomes, and not repeat a refusal', async () => {
    const fake = fakeAlipay(keys);
    const alipay = client(fake);
    fake.faults.hangAfterActing = 3;
    expect(await alipay.query('pay_nowhere').catch((e: unknown) => e)).toMatchObject({ code: 'TIMEOUT', refused: false });
    expect(fake.requests).toHaveLength(3);
    fake.control.failNext = { code: '40004', msg: 'Business Failed', sub_code: 'ACQ.TRADE_HAS_FINISHED', sub_msg: '交易已完结' };
    expect(await alipay.close('pay_nowhere').catch((e: unknown) => e)).toMatchObject({ code: 'ACQ.TRADE_HAS_FINISHED', refused: true });
    expect(fake.requests).toHaveLength(4);
  });
});

describe('Alipay notifications', () => {
  it('Should verify the notify and read the payment from it', async () => {
    const body = await alipayNotification(keys, { notify_id: 'n1', out_trade_no: 'pay_n', trade_no: '2026120422001', trade_status: 'TRADE_SUCCESS', total_amount: '128.05' });
    expect(await client(fakeAlipay(keys)).verifyNotification(new Headers(), body)).toEqual({ kind: 'paid', id: 'n1', outTradeNo: 'pay_n', tradeNo: '2026120422001', amountFen: 12_805, paidAt: Date.parse('2026-12-04T10:00:00+08:00') });
  });

  it('Should refuse a notify signed by another key, or altered after signing', async () => {
    const stranger = await rsaKeyPair();
    const forged = await alipayNotification(keys, { out_trade_no: 'pay_n', trade_status: 'TRADE_SUCCESS', total_amount: '128.05' }, { signWith: stranger.privatePem });
    expect(await client(fakeAlipay(keys)).verifyNotification(new Headers(), forged).catch((e: unknown) => e)).toBeInstanceOf(ProviderRefusal);
    const genuine = await alipayNotification(keys, { out_trade_no: 'pay_n', trade_status: 'TRADE_SUCCESS', total_amount: '128.05' });
    expect(await client(fakeAlipay(keys)).verifyNotification(new Headers(), genuine.replace('total_amount=128.05', 'total_amount=1.05')).catch((e: unknown) => e)).toMatchObject({ rule: 'bad_signature' });
  });

  it('Should refuse a notify for another Alipay application', async () => {
    const body = await alipayNotification(keys, { app_id: '2021000000000000', out_trade_no: 'pay_n', trade_status: 'TRADE_SUCCESS', total_amount: '1.00' });
    expect(await client(fakeAlipay(keys)).verifyNotification(new Headers(), body).catch((e: unknown) => e)).toMatchObject({ rule: 'wrong_merchant' });
  });

  it('Should read a refund notified on the trade by our out_request_no', async () => {
    const body = await alipayNotification(keys, { notify_id: 'n2', out_trade_no: 'pay_n', trade_status: 'TRADE_SUCCESS', total_amount: '128.05', refund_fee: '8.05', out_biz_no: 'rfd_a1' });
    expect(await client(fakeAlipay(keys)).verifyNotification(new Headers(), body)).toMatchObject({ kind: 'refund', outRefundNo: 'rfd_a1', state: 'succeeded' });
  });
});

describe('Yuan and fen', () => {
  it('Should convert both ways without floating point', () => {
    expect(fenToYuan(12_805)).toBe('128.05');
    expect(fenToYuan(5)).toBe('0.05');
    expect(yuanToFen('128.05')).toBe(12_805);
    expect(yuanToFen('0.1')).toBe(10);
    expect(yuanToFen('12')).toBe(1200);
    expect(yuanToFen('-1.00')).toBeNull();
    expect(yuanToFen('1.005')).toBeNull();
  });
});
