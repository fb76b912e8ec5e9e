import { eq } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { groupBuyParticipants, groupBuys, orderLines, orders, payments } from '../db/schema';
import type { AppEnv } from '../env';
import { AppError } from '../lib/errors';
import { currentPath } from '../views/kit';
import { Layout } from '../views/layout';
import { isProviderMethod, payChannelFor, startProviderPayment, syncProviderPayment } from './online';
import { JsapiView, NativeQrView } from './online.views';
import { openidForCode, wechatAuthorizeUrl } from './providers/wechat-oauth';
import type { PaymentContext, PaymentRow } from './subjects';

/**
 * `/pay/{paymentId}`: where a WeChat Pay or Alipay order sends the buyer. It asks the provider for the
 * trade in the channel the browser can use (Native QR on a desktop, H5 or wap on a phone, JSAPI inside
 * WeChat after the OAuth hop) and shows the QR code or redirects. `/pay/{paymentId}/return` is where
 * the provider sends them back: it asks the provider whether the money came (query-after-return) and
 * shows the order (or the group-buy participant's page).
 */
export const payPages = new Hono<AppEnv>();

const JSAPI_SCRIPT = `(function () {
  var button = document.getElementById('wechat-jsapi');
  if (!button) return;
  function pay() {
    if (typeof WeixinJSBridge === 'undefined') return;
    WeixinJSBridge.invoke('getBrandWCPayRequest', JSON.parse(button.getAttribute('data-params')), function (res) {
      if (res.err_msg === 'get_brand_wcpay_request:ok') location.href = button.getAttribute('data-return');
    });
  }
  button.addEventListener('click', pay);
  if (typeof WeixinJSBridge === 'undefined') document.addEventListener('WeixinJSBridgeReady', pay, false);
  else pay();
})();
`;

// Registered before `/pay/:paymentId`. A fixed script, so it is cached like a static asset.
payPages.get('/pay/wechat-jsapi.js', (c) =>
  c.body(JSAPI_SCRIPT, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600' }),
);

function ctxOf(c: Context<AppEnv>): PaymentContext {
  return { db: c.var.db, env: c.env, stripe: null, now: Date.now() };
}

/**
 * What a provider payment pays for, read directly (payments sits below orders and group buys: it may not
 * import those domains): an order, or a group-buy participant's place. Each has its own access token.
 */
type Payable = {
  payment: PaymentRow & { method: 'wechat_pay' | 'alipay' };
  token: string;
  /** The order page or the participant page: where the buyer goes once done (or when paying is over). */
  subjectHref: string;
  /** The trade's description at WeChat Pay / Alipay. */
  description: string;
  /** Still waiting for this payment. */
  awaiting: boolean;
};

async function orderPayable(c: Context<AppEnv>, payment: PaymentRow, orderId: string, token: string): Promise<Omit<Payable, 'payment'> | null> {
  const order = await c.var.db.select().from(orders).where(eq(orders.id, orderId)).get();
  const actor = c.var.actor;
  if (!order || !(token === order.accessToken || (actor !== null && order.buyerUserId === actor.userId))) return null;
  const lines = await c.var.db.select({ nameZh: orderLines.nameZh, nameEn: orderLines.nameEn }).from(orderLines).where(eq(orderLines.orderId, orderId));
  const first = lines[0];
  const more = lines.length > 1 ? ` 等${lines.length}件` : '';
  return {
    token: order.accessToken,
    subjectHref: `/orders/${order.id}?token=${order.accessToken}`,
    description: `山海消费帮扶 ${first ? first.nameZh || first.nameEn : order.id}${more}`,
    awaiting: order.status === 'pending_payment' && payment.status === 'pending',
  };
}

async function participantPayable(c: Context<AppEnv>, payment: PaymentRow, participantId: string, token: string): Promise<Omit<Payable, 'payment'> | null> {
  const row = await c.var.db
    .select({ participant: groupBuyParticipants, title: groupBuys.title, shortCode: groupBuys.shortCode })
    .from(groupBuyParticipants)
    .innerJoin(groupBuys, eq(groupBuys.id, groupBuyParticipants.groupBuyId))
    .where(eq(groupBuyParticipants.id, participantId))
    .get();
  const actor = c.var.actor;
  if (!row || !(token === row.participant.accessToken || (actor !== null && row.participant.userId === actor.userId))) return null;
  return {
    token: row.participant.accessToken,
    subjectHref: `/g/${row.shortCode}/me?token=${encodeURIComponent(row.participant.accessToken)}`,
    description: `山海消费帮扶 团购「${row.title}」`,
    awaiting: row.participant.status === 'pending_payment' && payment.status === 'pending',
  };
}

/** The provider payment, for whoever holds its subject's link (token) or owns it signed in. */
async function payableOf(c: Context<AppEnv>): Promise<Payable> {
  const payment = await c.var.db.select().from(payments).where(eq(payments.id, c.req.param('paymentId')!)).get();
  const token = c.req.query('token') ?? '';
  const subject = !payment
    ? null
    : payment.orderId
      ? await orderPayable(c, payment, payment.orderId, token)
      : payment.participantId
        ? await participantPayable(c, payment, payment.participantId, token)
        : null;
  if (!payment || !subject || !isProviderMethod(payment.method)) throw new AppError('not_found', 'Payment not found');
  return { payment: payment as Payable['payment'], ...subject };
}

const returnHref = (p: Payable) => `/pay/${p.payment.id}/return?token=${p.token}`;

async function startAndShow(c: Context<AppEnv>, p: Payable, openid?: string) {
  const ctx = ctxOf(c);
  const base = c.env.APP_URL.replace(/\/$/, '');
  const jsapi = p.payment.method === 'wechat_pay' && Boolean(c.env.WECHATPAY_APP_SECRET);
  const channel = openid ? 'jsapi' : payChannelFor(p.payment.method, c.req.header('user-agent') ?? '', { jsapi });
  if (channel === 'jsapi' && !openid) {
    const redirect = `${base}/pay/${p.payment.id}/wechat-oauth?token=${p.token}`;
    return c.redirect(wechatAuthorizeUrl(c.env.WECHATPAY_APPID!, redirect, p.payment.id), 302);
  }
  const start = await startProviderPayment(ctx, p.payment, {
    channel,
    description: p.description,
    returnUrl: `${base}${returnHref(p)}`,
    clientIp: c.req.header('cf-connecting-ip') ?? undefined,
    openid,
  });
  if (start.kind === 'redirect') return c.redirect(start.url, 302);
  const locale = c.var.locale;
  const view =
    start.kind === 'qr' ? (
      <NativeQrView codeUrl={start.codeUrl} amountFen={p.payment.amountFen} returnHref={returnHref(p)} orderHref={p.subjectHref} locale={locale} />
    ) : (
      <JsapiView params={start.params} amountFen={p.payment.amountFen} returnHref={returnHref(p)} orderHref={p.subjectHref} locale={locale} />
    );
  return c.html(
    <Layout title={locale === 'en' ? 'Pay' : '支付'} locale={locale} path={currentPath(c.req.url)} actor={c.var.actor}>
      {view}
    </Layout>,
  );
}

payPages.get('/pay/:paymentId', async (c) => {
  const p = await payableOf(c);
  if (!p.awaiting) return c.redirect(p.subjectHref, 303);
  try {
    return await startAndShow(c, p);
  } catch (error) {
    if (!(error instanceof AppError) || error.code === 'not_found') throw error;
    return c.redirect(`${p.subjectHref}&error=${encodeURIComponent(error.message)}`, 303);
  }
});

payPages.get('/pay/:paymentId/wechat-oauth', async (c) => {
  const p = await payableOf(c);
  const code = c.req.query('code');
  const secret = c.env.WECHATPAY_APP_SECRET;
  const openid = code && secret && c.env.WECHATPAY_APPID ? await openidForCode(c.env.WECHATPAY_APPID, secret, code) : null;
  if (!openid || p.payment.status !== 'pending') return c.redirect(p.subjectHref, 303);
  try {
    return await startAndShow(c, p, openid);
  } catch (error) {
    if (!(error instanceof AppError) || error.code === 'not_found') throw error;
    return c.redirect(`${p.subjectHref}&error=${encodeURIComponent(error.message)}`, 303);
  }
});

/** Back from the provider: ask it, record the money if it came, and show the order as it now is. */
payPages.get('/pay/:paymentId/return', async (c) => {
  const p = await payableOf(c);
  if (p.payment.status === 'pending') await syncProviderPayment(ctxOf(c), p.payment);
  return c.redirect(p.subjectHref, 303);
});
