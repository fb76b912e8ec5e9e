/**
 * Group-buy joins paid with WeChat Pay or Alipay, at the network boundary only: the fakes check our signed
 * requests and answer in each provider's shapes; notifications are signed (and, for WeChat, encrypted) by
 * the test with its own keys. A group that fails refunds every WeChat Pay / Alipay participant once.
 */
import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { groupBuyJobs } from '../../src/group-buys';
import { demoToken } from '../helpers/http';
import { joinBody, openGroupBuy } from '../helpers/group-buys';
import { callWithEnv, jsonOf, row, rows } from '../helpers/orders';
import {
  DESKTOP_UA,
  PHONE_UA,
  wechatTransaction,
  alipayEnv,
  alipayKeys,
  fakeAlipay,
  fakeWechatPay,
  installProviderFetch,
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
let showroom: string;
let wechat: ReturnType<typeof fakeWechatPay>;
let alipay: ReturnType<typeof fakeAlipay>;
let restore: () => void;

beforeAll(async () => {
  await seedDatabase();
  [wechatKeyset, alipayKeyset] = await Promise.all([wechatKeys(), alipayKeys()]);
  providerEnv = { ...wechatEnv(wechatKeyset), ...alipayEnv(alipayKeyset) };
  showroom = await demoToken('showroomManager');
});
beforeEach(() => {
  wechat = fakeWechatPay(wechatKeyset);
  alipay = fakeAlipay(alipayKeyset);
  restore = installProviderFetch({ wechat, alipay });
});
afterEach(() => restore());

const call = (path: string, init: Parameters<typeof callWithEnv>[2] = {}) => callWithEnv(providerEnv, path, init);

async function join(groupBuyId: string, paymentMethod: 'wechat_pay' | 'alipay' | 'pay_at_pickup') {
  const res = await jsonOf(await call(`/api/v1/group-buys/${groupBuyId}/participants`, { method: 'POST', json: joinBody({ paymentMethod }) }));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const payment = await row<{ id: string; amount: number }>('SELECT id, amount_fen AS amount FROM payments WHERE participant_id = ?', res.body.participantId);
  return { ...res.body, paymentId: payment.id, amountFen: payment.amount } as { participantId: string; accessToken: string; payment: { checkoutUrl: string | null }; paymentId: string; amountFen: number };
}

/** Opens the participant's pay page as `userAgent` would (the provider trade is created there). */
async function openPayPage(checkoutUrl: string, userAgent: string) {
  const url = new URL(checkoutUrl);
  return call(`${url.pathname}${url.search}`, { headers: { 'user-agent': userAgent } });
}

const transaction = wechatTransaction;
const notifyWechat = async (note: { body: string; headers: Record<string, string> }) => (await call('/api/v1/webhooks/wechat-pay', { method: 'POST', body: note.body, headers: note.headers })).status;
const participantStatus = async (id: string) => (await row<{ status: string }>('SELECT status FROM group_buy_participants WHERE id = ?', id)).status;

/** A joined participant whose WeChat Pay (Native QR) payment went through. */
async function paidWithWechat(groupBuyId: string) {
  const joined = await join(groupBuyId, 'wechat_pay');
  const page = await openPayPage(joined.payment.checkoutUrl!, DESKTOP);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain(`data-code-url="weixin://wxpay/bizpayurl?pr=${joined.paymentId}"`);
  wechat.pay(joined.paymentId);
  expect(await notifyWechat(await wechatNotification(wechatKeyset, 'TRANSACTION.SUCCESS', transaction(joined.paymentId, joined.amountFen)))).toBe(204);
  return joined;
}

/** A joined participant who paid on Alipay's phone cashier and came back (the return page asks Alipay). */
async function paidWithAlipay(groupBuyId: string) {
  const joined = await join(groupBuyId, 'alipay');
  const page = await openPayPage(joined.payment.checkoutUrl!, PHONE);
  expect(page.status).toBe(302);
  const opened = await alipay.open(page.headers.get('location')!);
  expect(opened.signatureValid).toBe(true);
  alipay.pay(joined.paymentId);
  const back = await call(new URL(opened.params.return_url!).pathname + new URL(opened.params.return_url!).search);
  expect(back.status).toBe(303);
  expect(back.headers.get('location')).toContain('/me?token=');
  return joined;
}

describe('joining a group buy with WeChat Pay or Alipay', () => {
  it('Should open a Native prepay signed for the participant’s payment and mark the place paid once from the notification', async () => {
    const group = await openGroupBuy(showroom, { minParticipants: 1 });
    const joined = await join(group.id, 'wechat_pay');
    expect(joined.payment.checkoutUrl).toContain(`/pay/${joined.paymentId}?token=`);
    expect(await participantStatus(joined.participantId)).toBe('pending_payment');
    await openPayPage(joined.payment.checkoutUrl!, DESKTOP);
    const prepay = wechat.requests.find((r) => r.path === '/v3/pay/transactions/native')!;
    expect(prepay.signatureValid).toBe(true);
    expect(prepay.body).toMatchObject({ out_trade_no: joined.paymentId, amount: { total: joined.amountFen, currency: 'CNY' } });
    expect(prepay.body.description).toContain('团购');
    wechat.pay(joined.paymentId);
    const note = await wechatNotification(wechatKeyset, 'TRANSACTION.SUCCESS', transaction(joined.paymentId, joined.amountFen));
    expect(await notifyWechat(note)).toBe(204);
    expect(await notifyWechat(note)).toBe(204);
    expect(await participantStatus(joined.participantId)).toBe('paid');
    expect(await row('SELECT status, provider_trade_no AS trade FROM payments WHERE id = ?', joined.paymentId)).toEqual({ status: 'succeeded', trade: expect.stringMatching(/^4200/) });
    expect((await row<{ n: number }>(`SELECT count(*) AS n FROM audit_log WHERE action = 'group_buy.payment_succeeded' AND entity_id = ?`, joined.paymentId)).n).toBe(1);
  });

  it('Should send a phone to Alipay’s cashier and record the payment when the resident comes back', async () => {
    const group = await openGroupBuy(showroom, { minParticipants: 1 });
    const joined = await paidWithAlipay(group.id);
    expect(await participantStatus(joined.participantId)).toBe('paid');
  });

  it('Should close the unpaid WeChat trade when the resident cancels, so it can take no money', async () => {
    const group = await openGroupBuy(showroom, { minParticipants: 5 });
    const joined = await join(group.id, 'wechat_pay');
    await openPayPage(joined.payment.checkoutUrl!, DESKTOP);
    const cancel = await call(`/api/v1/group-buys/${group.id}/participants/${joined.participantId}/cancel?token=${joined.accessToken}`, { method: 'POST', json: {} });
    expect(cancel.status).toBe(200);
    expect(wechat.trades.get(joined.paymentId)!.state).toBe('CLOSED');
    expect(await participantStatus(joined.participantId)).toBe('cancelled');
  });

  it('Should refuse WeChat Pay and Alipay when they are not configured, and write nothing', async () => {
    const group = await openGroupBuy(showroom);
    const before = await row<{ n: number }>('SELECT count(*) AS n FROM group_buy_participants');
    for (const method of ['wechat_pay', 'alipay'] as const) {
      const res = await jsonOf(await callWithEnv({}, `/api/v1/group-buys/${group.id}/participants`, { method: 'POST', json: joinBody({ paymentMethod: method }) }));
      expect(res.status).toBe(422);
      expect(res.body.errors).toContainEqual(expect.objectContaining({ path: 'body.paymentMethod', rule: `${method}_unavailable` }));
    }
    expect(await row('SELECT count(*) AS n FROM group_buy_participants')).toEqual(before);
  });
});

describe('a group buy that fails', () => {
  it('Should refund every WeChat Pay and Alipay participant once, back the way the money came', async () => {
    const group = await openGroupBuy(showroom, { minParticipants: 5 });
    const [w, a] = [await paidWithWechat(group.id), await paidWithAlipay(group.id)];
    const atPickup = await join(group.id, 'pay_at_pickup');
    const closed = await jsonOf(await call(`/api/v1/group-buys/${group.id}/close`, { method: 'POST', token: showroom }));
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('failed');

    const refundOf = (participantId: string) => rows<{ id: string; status: string; amount: number; paymentId: string }>('SELECT id, status, amount_fen AS amount, payment_id AS paymentId FROM refunds WHERE participant_id = ?', participantId);
    const [wr, ar] = [await refundOf(w.participantId), await refundOf(a.participantId)];
    expect(wr).toEqual([{ id: expect.any(String), status: 'succeeded', amount: w.amountFen, paymentId: w.paymentId }]);
    expect(ar).toEqual([{ id: expect.any(String), status: 'succeeded', amount: a.amountFen, paymentId: a.paymentId }]);
    expect(await refundOf(atPickup.participantId)).toEqual([]);
    // At the providers: one refund each, under our refund id.
    expect([...wechat.trades.get(w.paymentId)!.refunds.entries()]).toEqual([[wr[0]!.id, w.amountFen]]);
    expect([...alipay.trades.get(a.paymentId)!.refunded.entries()]).toEqual([[ar[0]!.id, a.amountFen]]);
    const wechatRefundBody = wechat.requests.find((r) => r.path === '/v3/refund/domestic/refunds')!;
    expect(wechatRefundBody.signatureValid).toBe(true);
    expect(wechatRefundBody.body).toMatchObject({ out_trade_no: w.paymentId, out_refund_no: wr[0]!.id, amount: { refund: w.amountFen, total: w.amountFen } });

    // The cron's refund job afterwards (and a second close) refund nothing more.
    const job = groupBuyJobs.find((j) => j.name === 'group-buys.settle-refunds')!;
    await job.run(createDb(env.DB), { ...env, ...providerEnv } as never, Date.now());
    await call(`/api/v1/group-buys/${group.id}/close`, { method: 'POST', token: showroom });
    expect(wechat.trades.get(w.paymentId)!.refunds.size).toBe(1);
    expect(alipay.trades.get(a.paymentId)!.refunded.size).toBe(1);
    expect(await row('SELECT refunded_fen AS r FROM payments WHERE id = ?', w.paymentId)).toEqual({ r: w.amountFen });
    expect(await participantStatus(w.participantId)).toBe('refunded');
    expect(await participantStatus(a.participantId)).toBe('refunded');
  });

  it('Should keep a refund WeChat Pay could not confirm pending, and the refund job settles it later under the same number', async () => {
    const group = await openGroupBuy(showroom, { minParticipants: 5 });
    const w = await paidWithWechat(group.id);
    wechat.control.failNext = { status: 500, code: 'SYSTEM_ERROR', message: '系统错误', times: 3 };
    await call(`/api/v1/group-buys/${group.id}/close`, { method: 'POST', token: showroom });
    const [pending] = await rows<{ id: string; status: string }>('SELECT id, status FROM refunds WHERE participant_id = ?', w.participantId);
    expect(pending!.status).toBe('pending');
    expect(wechat.trades.get(w.paymentId)!.refunds.size).toBe(0);
    const job = groupBuyJobs.find((j) => j.name === 'group-buys.settle-refunds')!;
    await job.run(createDb(env.DB), { ...env, ...providerEnv } as never, Date.now());
    expect(await row('SELECT status FROM refunds WHERE id = ?', pending!.id)).toEqual({ status: 'succeeded' });
    expect([...wechat.trades.get(w.paymentId)!.refunds.keys()]).toEqual([pending!.id]);
  });
});
