import { renderSVG } from 'uqr';
import { raw } from 'hono/html';
import { messages, type Locale } from '../lib/i18n';
import { formatFen } from '../lib/money';
import type { ProviderName } from './providers/provider';

/** The WeChat Pay / Alipay choices on the checkout and group-buy join pages, and the pay pages. */

const t = messages({
  zh: {
    wechat_pay: '微信支付',
    alipay: '支付宝',
    off: '未开通',
    offNote: '以下在线支付方式本站暂未开通：',
    scanTitle: '微信扫码支付',
    scan: '请用微信扫一扫下方二维码完成支付。',
    amount: '应付金额',
    paid: '我已完成支付',
    back: '返回订单',
    jsapiTitle: '微信支付',
    jsapi: '正在打开微信支付…如未弹出，请点击下方按钮。',
    payNow: '立即支付',
  },
  en: {
    wechat_pay: 'WeChat Pay',
    alipay: 'Alipay',
    off: 'not available',
    offNote: 'These online payment methods are not available on this site:',
    scanTitle: 'Pay with WeChat',
    scan: 'Scan the QR code below with WeChat to pay.',
    amount: 'Amount due',
    paid: 'I have paid',
    back: 'Back to the order',
    jsapiTitle: 'WeChat Pay',
    jsapi: 'Opening WeChat Pay… If nothing appears, tap the button below.',
    payNow: 'Pay now',
  },
});

/** Radio buttons for the direct providers that are configured, and a note naming those that are off. */
export function OnlineMethodOptions(props: { available: Record<ProviderName, boolean>; selected: string; locale: Locale }) {
  const m = t(props.locale);
  const names: ProviderName[] = ['wechat_pay', 'alipay'];
  const off = names.filter((n) => !props.available[n]);
  return (
    <>
      {names
        .filter((n) => props.available[n])
        .map((n) => (
          <label class="choice">
            <input type="radio" name="paymentMethod" value={n} checked={props.selected === n} /> {m[n]}
          </label>
        ))}
      {off.length ? (
        <p class="muted">
          {m.offNote} {off.map((n) => m[n]).join('、')}
        </p>
      ) : null}
    </>
  );
}

/** WeChat Native: the code_url as a QR code, and the way back once paid (the return page asks WeChat Pay). */
export function NativeQrView(props: { codeUrl: string; amountFen: number; returnHref: string; orderHref: string; locale: Locale }) {
  const m = t(props.locale);
  return (
    <div class="stack">
      <h1>{m.scanTitle}</h1>
      <p>{m.scan}</p>
      <p>
        {m.amount}: <strong>{formatFen(props.amountFen)}</strong>
      </p>
      <figure class="card" style="max-width:320px" data-code-url={props.codeUrl}>
        {raw(renderSVG(props.codeUrl, { ecc: 'M', border: 2, pixelSize: 8 }).replace('<svg ', `<svg role="img" aria-label="${m.scanTitle}" width="100%" `))}
      </figure>
      <p>
        <a class="button" href={props.returnHref}>
          {m.paid}
        </a>
      </p>
      <p>
        <a href={props.orderHref}>{m.back}</a>
      </p>
    </div>
  );
}

/** Inside WeChat: the signed JSAPI parameters for /static/wechat-jsapi.js, with a button if it does not start by itself. */
export function JsapiView(props: { params: Record<string, string>; returnHref: string; orderHref: string; amountFen: number; locale: Locale }) {
  const m = t(props.locale);
  return (
    <div class="stack">
      <h1>{m.jsapiTitle}</h1>
      <p>{m.jsapi}</p>
      <p>
        {m.amount}: <strong>{formatFen(props.amountFen)}</strong>
      </p>
      <p>
        <button type="button" id="wechat-jsapi" data-params={JSON.stringify(props.params)} data-return={props.returnHref}>
          {m.payNow}
        </button>
      </p>
      <p>
        <a href={props.returnHref}>{m.paid}</a> · <a href={props.orderHref}>{m.back}</a>
      </p>
      <script src="/pay/wechat-jsapi.js" defer></script>
    </div>
  );
}
