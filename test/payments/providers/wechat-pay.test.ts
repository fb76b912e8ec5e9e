import { beforeAll, describe, expect, it } from 'vitest';
import { ProviderError, ProviderRefusal } from '../../../src/payments/providers/provider';
import { decryptWechatResource, WechatPay } from '../../../src/payments/providers/wechat-pay';
import { fakeWechatPay, rsaKeyPair, rsaVerify, WECHAT, wechatKeys, wechatNotification, type WechatKeys } from '../../helpers/providers';

let keys: WechatKeys;

beforeAll(async () => {
  keys = await wechatKeys();
});

function client(fake: ReturnType<typeof fakeWechatPay>, now?: () => number) {
  return new WechatPay({
    mchid: WECHAT.mchid,
    appid: WECHAT.appid,
    serialNo: WECHAT.serialNo,
    privateKey: keys.merchant.privatePem,
    platformPublicKey: keys.platform.publicPem,
    platformPublicKeyId: WECHAT.platformPublicKeyId,
    apiV3Key: keys.apiV3Key,
    baseUrl: 'https://api.mch.weixin.qq.com',
    fetch: fake.fetch,
    // Quick retries in tests; the worker waits 0.3 s then 0.6 s and gives each attempt 10 s.
    retry: { delayMs: 1, timeoutMs: 300 },
    ...(now ? { now } : {}),
  });
}

const order = (outTradeNo: string, channel: 'native' | 'h5' | 'jsapi' = 'native') => ({
  outTradeNo,
  amountFen: 12_800,
  description: '宣威火腿 Xuanwei ham',
  expiresAt: Date.parse('2026-12-04T02:00:00Z'),
  notifyUrl: 'https://shanhai.example/api/v1/webhooks/wechat-pay',
  returnUrl: 'https://shanhai.example/checkout/return?order=ord_1',
  channel,
  clientIp: '203.0.113.9',
  openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
});

describe('WeChat Pay v3 requests', () => {
  it('Should sign a Native prepay over method, path, timestamp, nonce and body with the merchant key', async () => {
    const fake = fakeWechatPay(keys);
    const start = await client(fake).start(order('pay_native_1'));
    expect(start).toEqual({ kind: 'qr', codeUrl: 'weixin://wxpay/bizpayurl?pr=pay_native_1' });
    const [sent] = fake.requests;
    expect(sent!.signatureValid).toBe(true);
    const fields = Object.fromEntries([...sent!.authorization.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    expect(sent!.authorization.startsWith('WECHATPAY2-SHA256-RSA2048 ')).toBe(true);
    expect(fields).toMatchObject({ mchid: WECHAT.mchid, serial_no: WECHAT.serialNo });
    const body = JSON.stringify(sent!.body);
    expect(sent!.canonical).toBe(`POST\n/v3/pay/transactions/native\n${fields.timestamp}\n${fields.nonce_str}\n${body}\n`);
    expect(await rsaVerify(keys.merchant.publicPem, sent!.canonical, fields.signature!)).toBe(true);
    expect(sent!.body).toEqual({
      appid: WECHAT.appid,
      mchid: WECHAT.mchid,
      description: '宣威火腿 Xuanwei ham',
      out_trade_no: 'pay_native_1',
      time_expire: '2026-12-04T10:00:00+08:00',
      notify_url: 'https://shanhai.example/api/v1/webhooks/wechat-pay',
      amount: { total: 12_800, currency: 'CNY' },
    });
  });

  it('Should send the buyer IP for H5 and return WeChat’s page with our return address', async () => {
    const fake = fakeWechatPay(keys);
    const start = await client(fake).start(order('pay_h5_1', 'h5'));
    expect(start.kind).toBe('redirect');
    expect((start as { url: string }).url).toContain('redirect_url=https%3A%2F%2Fshanhai.example%2Fcheckout%2Freturn');
    expect(fake.requests[0]!.body.scene_info).toEqual({ payer_client_ip: '203.0.113.9', h5_info: { type: 'Wap' } });
  });

  it('Should sign the JSAPI parameters handed to WeixinJSBridge', async () => {
    const fake = fakeWechatPay(keys);
    const start = await client(fake).start(order('pay_jsapi_1', 'jsapi'));
    expect(fake.requests[0]!.body.payer).toEqual({ openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' });
    if (start.kind !== 'jsapi') throw new Error('expected JSAPI parameters');
    const p = start.params;
    expect(p).toMatchObject({ appId: WECHAT.appid, package: 'prepay_id=wxpay_jsapi_1', signType: 'RSA' });
    expect(await rsaVerify(keys.merchant.publicPem, `${p.appId}\n${p.timeStamp}\n${p.nonceStr}\n${p.package}\n`, p.paySign!)).toBe(true);
  });

  it('Should refuse an answer whose signature does not verify, as an unknown outcome', async () => {
    const fake = fakeWechatPay(keys);
    fake.control.tamperAnswers = true;
    const error = await client(fake).start(order('pay_tampered')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'SIGN_ERROR', refused: false });
  });

  it('Should report a 4xx as a refusal at once, and a 5xx that lasts three attempts as an unknown outcome', async () => {
    const fake = fakeWechatPay(keys);
    fake.control.failNext = { status: 400, code: 'PARAM_ERROR', message: '参数错误' };
    expect(await client(fake).start(order('pay_400')).catch((e: unknown) => e)).toMatchObject({ code: 'PARAM_ERROR', refused: true });
    expect(fake.requests).toHaveLength(1);
    fake.control.failNext = { status: 500, code: 'SYSTEM_ERROR', message: '系统错误', times: 3 };
    expect(await client(fake).start(order('pay_500')).catch((e: unknown) => e)).toMatchObject({ code: 'SYSTEM_ERROR', refused: false });
    expect(fake.requests).toHaveLength(4);
  });

  it('Should ask again with the same out_trade_no after a 5xx and a timeout, and WeChat Pay opens one trade', async () => {
    const fake = fakeWechatPay(keys);
    fake.faults.afterActing = 1;
    fake.faults.hangAfterActing = 1;
    const started = await client(fake).start(order('pay_flaky'));
    expect(started).toEqual({ kind: 'qr', codeUrl: 'weixin://wxpay/bizpayurl?pr=pay_flaky' });
    expect(fake.requests).toHaveLength(3);
    expect(fake.requests.map((r) => r.body.out_trade_no)).toEqual(['pay_flaky', 'pay_flaky', 'pay_flaky']);
    expect(fake.requests.every((r) => r.signatureValid)).toBe(true);
    // Signed afresh each time (WeChat refuses a replayed nonce).
    expect(new Set(fake.requests.map((r) => r.authorization)).size).toBe(3);
    expect(fake.trades.size).toBe(1);
  });

  it('Should repeat a refund whose answer was lost with the same out_refund_no, refunding once', async () => {
    const fake = fakeWechatPay(keys);
    const wechat = client(fake);
    await wechat.start(order('pay_r_flaky'));
    fake.pay('pay_r_flaky');
    fake.faults.hangAfterActing = 1;
    fake.faults.afterActing = 1;
    const outcome = await wechat.refund({ outTradeNo: 'pay_r_flaky', outRefundNo: 'rfd_flaky', amountFen: 2_800, totalFen: 12_800, reason: '缺货', notifyUrl: 'https://shanhai.example/api/v1/webhooks/wechat-pay' });
    expect(outcome.state).toBe('succeeded');
    const refundCalls = fake.requests.filter((r) => r.path === '/v3/refund/domestic/refunds');
    expect(refundCalls.map((r) => r.body.out_refund_no)).toEqual(['rfd_flaky', 'rfd_flaky', 'rfd_flaky']);
    expect([...fake.trades.get('pay_r_flaky')!.refunds.values()]).toEqual([2_800]);
  });

  it('Should query by out_trade_no: not found, pending, then paid with the amount WeChat took', async () => {
    const fake = fakeWechatPay(keys);
    const wechat = client(fake);
    expect(await wechat.query('pay_q_1')).toEqual({ state: 'not_found' });
    await wechat.start(order('pay_q_1'));
    expect(await wechat.query('pay_q_1')).toEqual({ state: 'pending' });
    fake.pay('pay_q_1');
    expect(await wechat.query('pay_q_1')).toMatchObject({ state: 'paid', amountFen: 12_800, paidAt: Date.parse('2026-12-04T10:00:00+08:00') });
    expect(fake.requests.at(-1)!.path).toBe(`/v3/pay/transactions/out-trade-no/pay_q_1?mchid=${WECHAT.mchid}`);
    expect(fake.requests.every((r) => r.signatureValid)).toBe(true);
  });

  it('Should close an unpaid order, and be told when it was paid meanwhile', async () => {
    const fake = fakeWechatPay(keys);
    const wechat = client(fake);
    await wechat.close('pay_never_opened');
    await wechat.start(order('pay_c_1'));
    await wechat.close('pay_c_1');
    expect(fake.trades.get('pay_c_1')!.state).toBe('CLOSED');
    await wechat.start(order('pay_c_2'));
    fake.pay('pay_c_2');
    expect(await wechat.close('pay_c_2').catch((e: unknown) => e)).toMatchObject({ code: 'ORDERPAID', refused: true });
  });

  it('Should refund with our refund number, so the same refund asked twice is made once', async () => {
    const fake = fakeWechatPay(keys);
    const wechat = client(fake);
    await wechat.start(order('pay_r_1'));
    fake.pay('pay_r_1');
    const request = { outTradeNo: 'pay_r_1', outRefundNo: 'rfd_1', amountFen: 2_800, totalFen: 12_800, reason: '缺货', notifyUrl: 'https://shanhai.example/api/v1/webhooks/wechat-pay' };
    const first = await wechat.refund(request);
    const again = await wechat.refund(request);
    expect(first).toEqual({ state: 'succeeded', providerRefundId: again.providerRefundId });
    expect([...fake.trades.get('pay_r_1')!.refunds.values()]).toEqual([2_800]);
    expect(fake.requests.at(-1)!.body).toEqual({ out_trade_no: 'pay_r_1', out_refund_no: 'rfd_1', reason: '缺货', notify_url: request.notifyUrl, amount: { refund: 2_800, total: 12_800, currency: 'CNY' } });
  });

  it('Should download and check the trade bill, reading trades and refunds from it', async () => {
    const fake = fakeWechatPay(keys);
    fake.control.bill = [
      '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注',
      '`2026-12-03 10:00:00,`wx8888888888888888,`1900000109,`0,`,`4200002026120300001,`pay_a,`oUp,`NATIVE,`SUCCESS,`OTHERS,`CNY,`128.00,`0.00,`0,`0,`0.00,`0.00,`,`,`宣威火腿,`,`0.77000,`0.60%,`128.00,`0.00,`',
      '`2026-12-03 11:00:00,`wx8888888888888888,`1900000109,`0,`,`4200002026120300001,`pay_a,`oUp,`NATIVE,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`50300001,`rfd_a,`28.00,`0.00,`ORIGINAL,`SUCCESS,`宣威火腿,`,`-0.17000,`0.60%,`0.00,`28.00,`',
      '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额',
      '`2,`128.00,`28.00,`0.00,`0.60000,`128.00,`28.00',
    ].join('\r\n');
    const lines = await client(fake).statement('2026-12-03');
    expect(lines).toEqual([
      { outTradeNo: 'pay_a', tradeNo: '4200002026120300001', amountFen: 12_800, state: 'paid', outRefundNo: null },
      { outTradeNo: 'pay_a', tradeNo: '4200002026120300001', amountFen: 2_800, state: 'refund', outRefundNo: 'rfd_a' },
    ]);
    expect(fake.requests.map((r) => r.path)).toEqual(['/v3/bill/tradebill?bill_date=2026-12-03&bill_type=ALL', '/v3/billdownload/file?token=bill2026-12-03']);
    expect(fake.requests.every((r) => r.signatureValid)).toBe(true);
  });
});

describe('WeChat Pay v3 notifications', () => {
  const paid = (overrides: Record<string, unknown> = {}) => ({
    appid: WECHAT.appid,
    mchid: WECHAT.mchid,
    out_trade_no: 'pay_n_1',
    transaction_id: '4200002026120400001',
    trade_type: 'NATIVE',
    trade_state: 'SUCCESS',
    success_time: '2026-12-04T10:00:00+08:00',
    amount: { total: 12_800, payer_total: 12_800, currency: 'CNY', payer_currency: 'CNY' },
    ...overrides,
  });

  it('Should verify the signature and decrypt the resource into the payment it reports', async () => {
    const note = await wechatNotification(keys, 'TRANSACTION.SUCCESS', paid(), { id: 'evt-1' });
    const result = await client(fakeWechatPay(keys)).verifyNotification(new Headers(note.headers), note.body);
    expect(result).toEqual({ kind: 'paid', id: 'evt-1', outTradeNo: 'pay_n_1', tradeNo: '4200002026120400001', amountFen: 12_800, paidAt: Date.parse('2026-12-04T10:00:00+08:00') });
  });

  it('Should refuse a notification signed by another key', async () => {
    const stranger = await rsaKeyPair();
    const note = await wechatNotification(keys, 'TRANSACTION.SUCCESS', paid(), { signWith: stranger.privatePem });
    const error = await client(fakeWechatPay(keys)).verifyNotification(new Headers(note.headers), note.body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderRefusal);
    expect(error).toMatchObject({ rule: 'bad_signature' });
  });

  it('Should refuse a body changed after signing', async () => {
    const note = await wechatNotification(keys, 'TRANSACTION.SUCCESS', paid());
    const error = await client(fakeWechatPay(keys)).verifyNotification(new Headers(note.headers), note.body.replace('"TRANSACTION.SUCCESS"', '"TRANSACTION.SUCCESS" ')).catch((e: unknown) => e);
    expect(error).toMatchObject({ rule: 'bad_signature' });
  });

  it('Should refuse a notification whose timestamp is more than five minutes old', async () => {
    const note = await wechatNotification(keys, 'TRANSACTION.SUCCESS', paid(), { timestamp: Math.floor(Date.now() / 1000) - 301 });
    const error = await client(fakeWechatPay(keys)).verifyNotification(new Headers(note.headers), note.body).catch((e: unknown) => e);
    expect(error).toMatchObject({ rule: 'stale_timestamp' });
  });

  it('Should refuse a resource encrypted with another APIv3 key', async () => {
    const note = await wechatNotification(keys, 'TRANSACTION.SUCCESS', paid(), { apiV3Key: 'Z'.repeat(32) });
    expect(await client(fakeWechatPay(keys)).verifyNotification(new Headers(note.headers), note.body).catch((e: unknown) => e)).toMatchObject({ rule: 'bad_signature' });
  });

  it('Should refuse a payment for another merchant', async () => {
    const note = await wechatNotification(keys, 'TRANSACTION.SUCCESS', paid({ mchid: '1900000999' }));
    expect(await client(fakeWechatPay(keys)).verifyNotification(new Headers(note.headers), note.body).catch((e: unknown) => e)).toMatchObject({ rule: 'wrong_merchant' });
  });

  it('Should read a refund notification by our refund number', async () => {
    const note = await wechatNotification(keys, 'REFUND.SUCCESS', { mchid: WECHAT.mchid, out_trade_no: 'pay_n_1', out_refund_no: 'rfd_9', refund_id: '50300009', refund_status: 'SUCCESS' }, { id: 'evt-r' });
    expect(await client(fakeWechatPay(keys)).verifyNotification(new Headers(note.headers), note.body)).toEqual({ kind: 'refund', id: 'evt-r', outRefundNo: 'rfd_9', state: 'succeeded', providerRefundId: '50300009' });
  });

  it('Should decrypt AEAD_AES_256_GCM with the associated data and refuse other algorithms', async () => {
    await expect(decryptWechatResource(keys.apiV3Key, { algorithm: 'AES_128_CBC', ciphertext: '', nonce: '' })).rejects.toMatchObject({ rule: 'malformed' });
  });
});
