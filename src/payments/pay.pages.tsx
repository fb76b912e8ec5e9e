import { eq } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { orderLines, orders, payments } from '../db/schema';
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
 * shows the order.
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

/** The order's own rows, read directly (payments sits below orders: it may not import that domain). */
type PayableOrder = { order: typeof orders.$inferSelect; lines: { nameZh: string; nameEn: string }[] };
type Payable = { payment: PaymentRow & { method: 'wechat_pay' | 'alipay' }; bundle: PayableOrder; token: string };

async function orderOf(c: Context<AppEnv>, orderId: string): Promise<PayableOrder | null> {
  const order = await c.var.db.select().from(orders).where(eq(orders.id, orderId)).get();
  if (!order) return null;
  const lines = await c.var.db.select({ nameZh: orderLines.nameZh, nameEn: orderLines.nameEn }).from(orderLines).where(eq(orderLines.orderId, orderId));
  return { order, lines };
}

/** The order's provider payment, for whoever holds its link (token) or placed it signed in. */
async function payableOf(c: Context<AppEnv>): Promise<Payable> {
  const payment = await c.var.db.select().from(payments).where(eq(payments.id, c.req.param('paymentId')!)).get();
  const bundle = payment?.orderId ? await orderOf(c, payment.orderId) : null;
  const token = c.req.query('token') ?? '';
  const actor = c.var.actor;
  const allowed = bundle && (token === bundle.order.accessToken || (actor !== null && bundle.order.buyerUserId === actor.userId));
  if (!payment || !bundle || !allowed || !isProviderMethod(payment.method)) throw new AppError('not_found', 'Payment not found');
  return { payment: payment as Payable['payment'], bundle, token: bundle.order.accessToken };
}

const orderHref = (p: Payable) => `/orders/${p.bundle.order.id}?token=${p.token}`;
const returnHref = (p: Payable) => `/pay/${p.payment.id}/return?token=${p.token}`;

function description(bundle: PayableOrder): string {
  const first = bundle.lines[0];
  const more = bundle.lines.length > 1 ? ` 等${bundle.lines.length}件` : '';
  return `山海消费帮扶 ${first ? first.nameZh || first.nameEn : bundle.order.id}${more}`;
}

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
    description: description(p.bundle),
    returnUrl: `${base}${returnHref(p)}`,
    clientIp: c.req.header('cf-connecting-ip') ?? undefined,
    openid,
  });
  if (start.kind === 'redirect') return c.redirect(start.url, 302);
  const locale = c.var.locale;
  const view =
    start.kind === 'qr' ? (
      <NativeQrView codeUrl={start.codeUrl} amountFen={p.payment.amountFen} returnHref={returnHref(p)} orderHref={orderHref(p)} locale={locale} />
    ) : (
      <JsapiView params={start.params} amountFen={p.payment.amountFen} returnHref={returnHref(p)} orderHref={orderHref(p)} locale={locale} />
    );
  return c.html(
    <Layout title={locale === 'en' ? 'Pay' : '支付'} locale={locale} path={currentPath(c.req.url)} actor={c.var.actor}>
      {view}
    </Layout>,
  );
}

payPages.get('/pay/:paymentId', async (c) => {
  const p = await payableOf(c);
  if (p.payment.status !== 'pending' || p.bundle.order.status !== 'pending_payment') return c.redirect(orderHref(p), 303);
  try {
    return await startAndShow(c, p);
  } catch (error) {
    if (!(error instanceof AppError) || error.code === 'not_found') throw error;
    return c.redirect(`${orderHref(p)}&error=${encodeURIComponent(error.message)}`, 303);
  }
});

payPages.get('/pay/:paymentId/wechat-oauth', async (c) => {
  const p = await payableOf(c);
  const code = c.req.query('code');
  const secret = c.env.WECHATPAY_APP_SECRET;
  const openid = code && secret && c.env.WECHATPAY_APPID ? await openidForCode(c.env.WECHATPAY_APPID, secret, code) : null;
  if (!openid || p.payment.status !== 'pending') return c.redirect(orderHref(p), 303);
  try {
    return await startAndShow(c, p, openid);
  } catch (error) {
    if (!(error instanceof AppError) || error.code === 'not_found') throw error;
    return c.redirect(`${orderHref(p)}&error=${encodeURIComponent(error.message)}`, 303);
  }
});

/** Back from the provider: ask it, record the money if it came, and show the order as it now is. */
payPages.get('/pay/:paymentId/return', async (c) => {
  const p = await payableOf(c);
  if (p.payment.status === 'pending') await syncProviderPayment(ctxOf(c), p.payment);
  return c.redirect(orderHref(p), 303);
});
