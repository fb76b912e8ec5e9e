import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { alipayOf, wechatPayOf } from '../../src/payments/providers/registry';
import { parseAlipayTradeBill } from '../../src/payments/providers/alipay';
import { beijingDate, compareStatement, reconcileDay, reconcileStatements } from '../../src/payments/reconciliation';
import { demoToken } from '../helpers/http';
import { callWithEnv, jsonOf, makeCooperative, makeProduct, orderBody, rows } from '../helpers/orders';
import { alipayBillZip, alipayEnv, alipayKeys, fakeAlipay, fakeWechatPay, installProviderFetch, WECHAT, wechatEnv, wechatKeys, wechatNotification, type AlipayKeys, type WechatKeys } from '../helpers/providers';
import { seedDatabase } from '../helpers/seed';

let keys: WechatKeys;
let product: string;
let wechat: ReturnType<typeof fakeWechatPay>;
let restore: () => void;

beforeAll(async () => {
  await seedDatabase();
  keys = await wechatKeys();
  const coop = await makeCooperative({ shippingFlatFeeFen: 0, freeShippingAboveFen: null });
  product = await makeProduct({ cooperativeId: coop, unitPriceFen: 12_800, stock: 100, category: 'ham' });
});
beforeEach(() => {
  wechat = fakeWechatPay(keys);
  restore = installProviderFetch({ wechat });
});
afterEach(() => restore());

const HEADER = '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
const line = (tradeNo: string, outTradeNo: string, state: string, yuan: string) =>
  `\`2026-12-04 10:00:00,\`${WECHAT.appid},\`${WECHAT.mchid},\`0,\`,\`${tradeNo},\`${outTradeNo},\`oUp,\`NATIVE,\`${state},\`OTHERS,\`CNY,\`${yuan},\`0.00,\`0,\`0,\`0.00,\`0.00,\`,\`,\`火腿,\`,\`0.77,\`0.60%,\`${yuan},\`0.00,\``;

describe('Reconciliation against the WeChat Pay trade bill', () => {
  it('Should list payments that differ in amount, state or presence, once per statement', async () => {
    const e = { ...env, ...wechatEnv(keys) };
    const place = async () => {
      const { body } = await jsonOf(await callWithEnv(wechatEnv(keys), '/api/v1/orders', { method: 'POST', json: orderBody([{ productId: product, quantity: 1 }], { paymentMethod: 'wechat_pay' }) }));
      const url = new URL(body.payment.checkoutUrl);
      await callWithEnv(wechatEnv(keys), `${url.pathname}${url.search}`, { headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64)' } });
      return body.payment.id as string;
    };
    const [matching, unpaidHere, paidNotListed] = [await place(), await place(), await place()];
    for (const id of [matching, paidNotListed]) {
      wechat.pay(id);
      const note = await wechatNotification(keys, 'TRANSACTION.SUCCESS', { ...wechat.transactionOf(wechat.trades.get(id)!) });
      expect((await callWithEnv(wechatEnv(keys), '/api/v1/webhooks/wechat-pay', { method: 'POST', body: note.body, headers: note.headers })).status).toBe(204);
    }
    const today = beijingDate(Date.now());
    wechat.control.bill = [
      HEADER,
      line(wechat.trades.get(matching)!.transactionId, matching, 'SUCCESS', '128.00'),
      line('4200000000000000009', unpaidHere, 'SUCCESS', '128.00'),
      line('4200000000000000010', 'pay_someoneelse00000000', 'SUCCESS', '1.00'),
      '总交易单数,应结订单总金额',
      '`3,`257.00',
    ].join('\r\n');
    const provider = wechatPayOf(e)!;
    expect(await reconcileDay(createDb(env.DB), provider as Parameters<typeof reconcileDay>[1], today, Date.now())).toBe(3);
    expect(await reconcileDay(createDb(env.DB), provider as Parameters<typeof reconcileDay>[1], today, Date.now())).toBeNull();
    const found = await rows<{ kind: string; reference: string }>(`SELECT kind, reference FROM reconciliation_differences WHERE statement_date = ? ORDER BY reference`, today);
    expect(found).toEqual(
      [
        { kind: 'status', reference: unpaidHere },
        { kind: 'missing_there', reference: paidNotListed },
        { kind: 'missing_here', reference: 'pay_someoneelse00000000' },
      ].sort((a, b) => a.reference.localeCompare(b.reference)),
    );
    const page = await callWithEnv({}, '/admin/payments/reconciliation', { token: await demoToken('admin') });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('pay_someoneelse00000000');
    expect(html).toContain('渠道有、本站无');
    expect((await callWithEnv({}, '/admin/payments/reconciliation', { token: await demoToken('buyer') })).status).toBe(403);
  });

  it('Should wait for the morning before reading yesterday’s statement', async () => {
    const e = { ...env, ...wechatEnv(keys) } as unknown as Parameters<typeof reconcileStatements.run>[1];
    expect(await reconcileStatements.run(createDb(env.DB), e, Date.parse('2026-11-21T08:00:00+08:00'))).toBe(0);
    expect(wechat.requests).toHaveLength(0);
    wechat.control.bill = `${HEADER}\r\n总交易单数\r\n\`0`;
    await reconcileStatements.run(createDb(env.DB), e, Date.parse('2026-11-21T10:30:00+08:00'));
    expect(wechat.requests[0]!.path).toBe('/v3/bill/tradebill?bill_date=2026-11-20&bill_type=ALL');
  });

  it('Should compare amounts and refunds', () => {
    const diffs = compareStatement(
      [
        { outTradeNo: 'pay_a', tradeNo: '1', amountFen: 100, state: 'paid', outRefundNo: null },
        { outTradeNo: 'pay_a', tradeNo: '1', amountFen: 30, state: 'refund', outRefundNo: 'rfd_x' },
      ],
      { payments: [{ id: 'pay_a', amountFen: 120, status: 'succeeded', paidInDay: true }], refunds: [{ id: 'rfd_y', amountFen: 5, status: 'succeeded', settledInDay: true }] },
    );
    expect(diffs.map((d) => [d.kind, d.reference])).toEqual([
      ['amount', 'pay_a'],
      ['missing_here', 'rfd_x'],
      ['missing_there', 'rfd_y'],
    ]);
  });
});

describe('Reconciliation against the Alipay trade bill', () => {
  let alipayKeyset: AlipayKeys;
  let alipay: ReturnType<typeof fakeAlipay>;
  beforeAll(async () => {
    alipayKeyset = await alipayKeys();
  });
  beforeEach(() => {
    restore();
    alipay = fakeAlipay(alipayKeyset);
    restore = installProviderFetch({ wechat, alipay });
  });

  it('Should read the 业务明细 file of the zip (GBK) and list what differs, trades and refunds alike', async () => {
    const env_ = alipayEnv(alipayKeyset);
    const place = async () => {
      const { body } = await jsonOf(await callWithEnv(env_, '/api/v1/orders', { method: 'POST', json: orderBody([{ productId: product, quantity: 1 }], { paymentMethod: 'alipay' }) }));
      const url = new URL(body.payment.checkoutUrl);
      const page = await callWithEnv(env_, `${url.pathname}${url.search}`, { headers: { 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Mobile/15E148' } });
      await alipay.open(page.headers.get('location')!);
      alipay.pay(body.payment.id);
      await callWithEnv(env_, `/pay/${body.payment.id}/return?token=${body.accessToken}`);
      return { orderId: body.id as string, paymentId: body.payment.id as string };
    };
    const [listed, notListed] = [await place(), await place()];
    const refund = await jsonOf(await callWithEnv(env_, `/api/v1/admin/orders/${listed.orderId}/refunds`, { method: 'POST', token: await demoToken('admin'), json: { amountFen: 800, reason: '包装破损' } }));
    expect(refund.body.status).toBe('succeeded');
    const today = beijingDate(Date.now());
    alipay.control.bill = alipayBillZip(today, [
      { tradeNo: alipay.trades.get(listed.paymentId)!.tradeNo, outTradeNo: listed.paymentId, kind: '交易', yuan: '128.00' },
      { tradeNo: alipay.trades.get(listed.paymentId)!.tradeNo, outTradeNo: listed.paymentId, kind: '退款', yuan: '-8.00', outRequestNo: refund.body.id },
      { tradeNo: '2026120422001499999999', outTradeNo: 'pay_elsewhere0000000000', kind: '交易', yuan: '3.50' },
    ]);
    const provider = alipayOf({ ...env, ...env_ } as never)!;
    expect(await reconcileDay(createDb(env.DB), provider as Parameters<typeof reconcileDay>[1], today, Date.now())).toBe(2);
    const asked = alipay.requests.find((r) => r.method === 'alipay.data.dataservice.bill.downloadurl.query')!;
    expect(asked.signatureValid).toBe(true);
    expect(asked.biz).toEqual({ bill_type: 'trade', bill_date: today });
    const found = await rows<{ kind: string; reference: string }>(`SELECT kind, reference FROM reconciliation_differences WHERE provider = 'alipay' AND statement_date = ? ORDER BY reference`, today);
    expect(found).toEqual([
      { kind: 'missing_there', reference: notListed.paymentId },
      { kind: 'missing_here', reference: 'pay_elsewhere0000000000' },
    ].sort((a, b) => a.reference.localeCompare(b.reference)));
  });

  it('Should read trades and refunds from the CSV, refunds by their request number', () => {
    const lines = parseAlipayTradeBill(
      ['#支付宝业务明细查询', '支付宝交易号,商户订单号,业务类型,商品名称,订单金额（元）,退款批次号/请求号', '2026120422001\t,pay_a\t,交易,火腿,12.80,', '2026120422001\t,pay_a\t,退款,火腿,-2.80,rfd_1', '#交易合计：1笔'].join('\r\n'),
    );
    expect(lines).toEqual([
      { outTradeNo: 'pay_a', tradeNo: '2026120422001', amountFen: 1280, state: 'paid', outRefundNo: null },
      { outTradeNo: 'pay_a', tradeNo: '2026120422001', amountFen: 280, state: 'refund', outRefundNo: 'rfd_1' },
    ]);
  });
});
