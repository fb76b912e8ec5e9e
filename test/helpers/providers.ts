import { zipSync } from 'fflate';
/**
 * WeChat Pay v3 and Alipay as seen from the network: fakes behind a `fetch` that check what we send
 * (signatures included, against the merchant keys the test generated) and answer in each provider's
 * documented shapes, signed with the provider keys the test generated. Notifications are built the
 * way the providers build them (WeChat: AES-256-GCM resource + RSA signature headers; Alipay: RSA2
 * form).
 */

const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) } as const;

function toBase64(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let s = '';
  for (const b of view) s += String.fromCharCode(b);
  return btoa(s);
}

function pem(label: string, der: ArrayBuffer): string {
  return `-----BEGIN ${label}-----\n${toBase64(der).replace(/.{64}/g, '$&\n')}\n-----END ${label}-----\n`;
}

export type KeyPair = { privatePem: string; publicPem: string };

export async function rsaKeyPair(): Promise<KeyPair> {
  const pair = (await crypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as CryptoKeyPair;
  return {
    privatePem: pem('PRIVATE KEY', (await crypto.subtle.exportKey('pkcs8', pair.privateKey)) as ArrayBuffer),
    publicPem: pem('PUBLIC KEY', (await crypto.subtle.exportKey('spki', pair.publicKey)) as ArrayBuffer),
  };
}

const der = (p: string) => Uint8Array.from(atob(p.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '')), (c) => c.charCodeAt(0));

export async function rsaSign(privatePem: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey('pkcs8', der(privatePem), RSA, false, ['sign']);
  return toBase64(await crypto.subtle.sign(RSA, key, new TextEncoder().encode(message)));
}

export async function rsaVerify(publicPem: string, message: string, signature: string): Promise<boolean> {
  const key = await crypto.subtle.importKey('spki', der(publicPem), RSA, false, ['verify']);
  return crypto.subtle.verify(RSA, key, Uint8Array.from(atob(signature), (c) => c.charCodeAt(0)), new TextEncoder().encode(message));
}

/**
 * Faults a provider can have on the network, on top of its normal answers: `afterActing` requests are carried
 * out and then answered with `failure()` (the provider acted, the answer says it broke); `hangAfterActing`
 * requests are carried out and never answered, until the caller's signal gives up (a timeout).
 */
export type Faults = { afterActing: number; hangAfterActing: number };

function withFaults(faults: Faults, route: (request: Request) => Promise<Response>, failure: () => Promise<Response>) {
  return async (request: Request, signal?: AbortSignal | null): Promise<Response> => {
    const response = await route(request);
    if (faults.hangAfterActing > 0) {
      faults.hangAfterActing -= 1;
      return new Promise<Response>((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason ?? new Error('aborted'))));
    }
    if (faults.afterActing > 0) {
      faults.afterActing -= 1;
      return failure();
    }
    return response;
  };
}

/** Keys generated once per test file (RSA generation is the slow part). */
export type WechatKeys = { merchant: KeyPair; platform: KeyPair; apiV3Key: string };

export async function wechatKeys(): Promise<WechatKeys> {
  return { merchant: await rsaKeyPair(), platform: await rsaKeyPair(), apiV3Key: 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6' };
}

/** Browsers as the pay page tells them apart (Native QR on a desktop; H5 / wap on a phone). */
export const DESKTOP_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
export const PHONE_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

/** A paid WeChat Pay transaction as its notification resource describes it. */
export function wechatTransaction(outTradeNo: string, total: number, overrides: Record<string, unknown> = {}) {
  return {
    appid: WECHAT.appid,
    mchid: WECHAT.mchid,
    out_trade_no: outTradeNo,
    transaction_id: `42000020261204${outTradeNo.slice(-6)}`,
    trade_type: 'NATIVE',
    trade_state: 'SUCCESS',
    success_time: '2026-12-04T10:00:00+08:00',
    amount: { total, payer_total: total, currency: 'CNY', payer_currency: 'CNY' },
    ...overrides,
  };
}

export const WECHAT = { mchid: '1900000109', appid: 'wx8888888888888888', serialNo: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1', platformPublicKeyId: 'PUB_KEY_ID_0119000001092026' };

/** Secrets as the worker reads them. */
export function wechatEnv(keys: WechatKeys, baseUrl = 'https://api.mch.weixin.qq.com') {
  return {
    WECHATPAY_MCHID: WECHAT.mchid,
    WECHATPAY_APPID: WECHAT.appid,
    WECHATPAY_SERIAL_NO: WECHAT.serialNo,
    WECHATPAY_PRIVATE_KEY: keys.merchant.privatePem,
    WECHATPAY_PUBLIC_KEY: keys.platform.publicPem,
    WECHATPAY_PUBLIC_KEY_ID: WECHAT.platformPublicKeyId,
    WECHATPAY_API_V3_KEY: keys.apiV3Key,
    WECHATPAY_BASE_URL: baseUrl,
  };
}

export type WechatRequest = { method: string; path: string; body: any; authorization: string; canonical: string; signatureValid: boolean };
export type WechatTrade = { outTradeNo: string; total: number; state: 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'REFUND'; transactionId: string; tradeType: string; refunds: Map<string, number> };

async function wechatSignedResponse(keys: WechatKeys, status: number, payload: unknown, options: { timestamp?: number; tamper?: boolean } = {}): Promise<Response> {
  const body = payload === undefined ? '' : JSON.stringify(payload);
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = crypto.randomUUID().replaceAll('-', '');
  const signature = await rsaSign(keys.platform.privatePem, `${timestamp}\n${nonce}\n${options.tamper ? `${body} ` : body}\n`);
  return new Response(status === 204 ? null : body, {
    status,
    headers: {
      'content-type': 'application/json',
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': nonce,
      'wechatpay-signature': signature,
      'wechatpay-serial': WECHAT.platformPublicKeyId,
      'request-id': crypto.randomUUID(),
    },
  });
}

/**
 * A fake api.mch.weixin.qq.com: checks each request's Authorization signature against the merchant
 * public key (a bad one is answered 401 SIGN_ERROR as WeChat Pay does), keeps trades by out_trade_no,
 * refunds by out_refund_no (a repeated out_refund_no returns the first refund), and serves a trade bill.
 */
export function fakeWechatPay(keys: WechatKeys) {
  const requests: WechatRequest[] = [];
  const trades = new Map<string, WechatTrade>();
  const refunds = new Map<string, { refundId: string; outTradeNo: string; amount: number }>();
  /** failNext: the next request(s) (`times`, default 1) are refused before anything happens. */
  const control = { failNext: null as null | { status: number; code: string; message: string; times?: number }, tamperAnswers: false, bill: '' };
  const faults: Faults = { afterActing: 0, hangAfterActing: 0 };
  let counter = 0;

  async function route(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const pathWithQuery = `${url.pathname}${url.search}`;
    const text = request.method === 'GET' ? '' : await request.text();
    const authorization = request.headers.get('authorization') ?? '';
    const fields = Object.fromEntries([...authorization.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const canonical = `${request.method}\n${pathWithQuery}\n${fields.timestamp}\n${fields.nonce_str}\n${text}\n`;
    const signatureValid =
      authorization.startsWith('WECHATPAY2-SHA256-RSA2048 ') &&
      fields.mchid === WECHAT.mchid &&
      fields.serial_no === WECHAT.serialNo &&
      (await rsaVerify(keys.merchant.publicPem, canonical, fields.signature ?? ''));
    const body = text ? JSON.parse(text) : null;
    requests.push({ method: request.method, path: pathWithQuery, body, authorization, canonical, signatureValid });
    const answer = (status: number, payload?: unknown) => wechatSignedResponse(keys, status, payload, { tamper: control.tamperAnswers });
    if (!signatureValid) return answer(401, { code: 'SIGN_ERROR', message: '签名错误' });
    if (control.failNext) {
      const failure = control.failNext;
      if ((failure.times ?? 1) <= 1) control.failNext = null;
      else failure.times = (failure.times ?? 1) - 1;
      return answer(failure.status, { code: failure.code, message: failure.message });
    }
    const prepay = /^\/v3\/pay\/transactions\/(native|h5|jsapi)$/.exec(url.pathname);
    if (prepay && request.method === 'POST') {
      if (body.mchid !== WECHAT.mchid || body.appid !== WECHAT.appid || !body.notify_url || !body.amount?.total) return answer(400, { code: 'PARAM_ERROR', message: '参数错误' });
      const existing = trades.get(body.out_trade_no);
      if (existing && existing.total !== body.amount.total) return answer(400, { code: 'INVALID_REQUEST', message: '201 商户订单号重复' });
      if (!existing) {
        counter += 1;
        trades.set(body.out_trade_no, { outTradeNo: body.out_trade_no, total: body.amount.total, state: 'NOTPAY', transactionId: `42000020262026120${String(counter).padStart(5, '0')}`, tradeType: prepay[1]!.toUpperCase(), refunds: new Map() });
      }
      if (prepay[1] === 'native') return answer(200, { code_url: `weixin://wxpay/bizpayurl?pr=${body.out_trade_no}` });
      if (prepay[1] === 'h5') return answer(200, { h5_url: `https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx${body.out_trade_no}&package=1` });
      return answer(200, { prepay_id: `wx${body.out_trade_no}` });
    }
    const query = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)$/.exec(url.pathname);
    if (query && request.method === 'GET') {
      const trade = trades.get(decodeURIComponent(query[1]!));
      if (!trade || url.searchParams.get('mchid') !== WECHAT.mchid) return answer(404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' });
      return answer(200, transactionOf(trade));
    }
    const close = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)\/close$/.exec(url.pathname);
    if (close && request.method === 'POST') {
      const trade = trades.get(decodeURIComponent(close[1]!));
      if (!trade) return answer(404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' });
      if (trade.state === 'SUCCESS' || trade.state === 'REFUND') return answer(400, { code: 'ORDERPAID', message: '订单已支付' });
      trade.state = 'CLOSED';
      return answer(204);
    }
    if (url.pathname === '/v3/refund/domestic/refunds' && request.method === 'POST') {
      const trade = trades.get(body.out_trade_no);
      if (!trade || (trade.state !== 'SUCCESS' && trade.state !== 'REFUND')) return answer(400, { code: 'INVALID_REQUEST', message: '订单未支付' });
      const seen = refunds.get(body.out_refund_no);
      if (!seen) {
        const already = [...trade.refunds.values()].reduce((a, b) => a + b, 0);
        if (body.amount.total !== trade.total || already + body.amount.refund > trade.total) return answer(400, { code: 'INVALID_REQUEST', message: '退款金额超过订单可退金额' });
        counter += 1;
        refunds.set(body.out_refund_no, { refundId: `5030000${counter}`, outTradeNo: trade.outTradeNo, amount: body.amount.refund });
        trade.refunds.set(body.out_refund_no, body.amount.refund);
        trade.state = 'REFUND';
      }
      const refund = refunds.get(body.out_refund_no)!;
      return answer(200, {
        refund_id: refund.refundId,
        out_refund_no: body.out_refund_no,
        transaction_id: trade.transactionId,
        out_trade_no: trade.outTradeNo,
        channel: 'ORIGINAL',
        status: 'SUCCESS',
        amount: { total: trade.total, refund: refund.amount, payer_total: trade.total, payer_refund: refund.amount, currency: 'CNY' },
      });
    }
    if (url.pathname === '/v3/bill/tradebill' && request.method === 'GET') {
      const bytes = new TextEncoder().encode(control.bill);
      const hash = [...new Uint8Array(await crypto.subtle.digest('SHA-1', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
      return answer(200, { hash_type: 'SHA1', hash_value: hash, download_url: `https://api.mch.weixin.qq.com/v3/billdownload/file?token=bill${url.searchParams.get('bill_date')}` });
    }
    if (url.pathname === '/v3/billdownload/file') return new Response(control.bill, { headers: { 'content-type': 'application/octet-stream' } });
    return answer(404, { code: 'NOT_FOUND', message: `no route ${request.method} ${url.pathname}` });
  }

  function transactionOf(trade: WechatTrade) {
    const paid = trade.state === 'SUCCESS' || trade.state === 'REFUND';
    return {
      appid: WECHAT.appid,
      mchid: WECHAT.mchid,
      out_trade_no: trade.outTradeNo,
      trade_type: trade.tradeType,
      trade_state: trade.state,
      trade_state_desc: paid ? '支付成功' : '订单未支付',
      ...(paid ? { transaction_id: trade.transactionId, bank_type: 'OTHERS', success_time: '2026-12-04T10:00:00+08:00', payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' } } : {}),
      amount: { total: trade.total, currency: 'CNY', ...(paid ? { payer_total: trade.total, payer_currency: 'CNY' } : {}) },
    };
  }

  /** The buyer pays (scans the QR code): WeChat Pay now has the money. */
  function pay(outTradeNo: string) {
    const trade = trades.get(outTradeNo);
    if (!trade) throw new Error(`no WeChat Pay trade ${outTradeNo}`);
    trade.state = 'SUCCESS';
    return transactionOf(trade);
  }

  const handle = withFaults(faults, route, () => wechatSignedResponse(keys, 500, { code: 'SYSTEM_ERROR', message: '系统错误' }));
  return { handle, fetch: (input: RequestInfo | URL, init?: RequestInit) => handle(new Request(input, init), init?.signal), requests, trades, refunds, control, faults, pay, transactionOf };
}

/** A notification as WeChat Pay posts it: resource encrypted with the APIv3 key, envelope signed by the platform key. */
export async function wechatNotification(
  keys: WechatKeys,
  eventType: string,
  resource: Record<string, unknown>,
  options: { id?: string; timestamp?: number; signWith?: string; apiV3Key?: string } = {},
): Promise<{ body: string; headers: Record<string, string> }> {
  const encoder = new TextEncoder();
  const nonce = crypto.randomUUID().replaceAll('-', '').slice(0, 12);
  const associatedData = eventType.startsWith('REFUND') ? 'refund' : 'transaction';
  const key = await crypto.subtle.importKey('raw', encoder.encode(options.apiV3Key ?? keys.apiV3Key), 'AES-GCM', false, ['encrypt']);
  const ciphertext = await crypto.subtle.encrypt({ name: 'AES-GCM', iv: encoder.encode(nonce), additionalData: encoder.encode(associatedData) }, key, encoder.encode(JSON.stringify(resource)));
  const body = JSON.stringify({
    id: options.id ?? crypto.randomUUID(),
    create_time: '2026-12-04T10:00:01+08:00',
    resource_type: 'encrypt-resource',
    event_type: eventType,
    summary: eventType === 'TRANSACTION.SUCCESS' ? '支付成功' : '退款成功',
    resource: { original_type: associatedData, algorithm: 'AEAD_AES_256_GCM', ciphertext: toBase64(ciphertext), associated_data: associatedData, nonce },
  });
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const signNonce = crypto.randomUUID().replaceAll('-', '');
  const signature = await rsaSign(options.signWith ?? keys.platform.privatePem, `${timestamp}\n${signNonce}\n${body}\n`);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': signNonce,
      'wechatpay-signature': signature,
      'wechatpay-serial': WECHAT.platformPublicKeyId,
    },
  };
}

// ---------------------------------------------------------------------------------------------- Alipay

export type AlipayKeys = { app: KeyPair; alipay: KeyPair };

export async function alipayKeys(): Promise<AlipayKeys> {
  return { app: await rsaKeyPair(), alipay: await rsaKeyPair() };
}

export const ALIPAY = { appId: '2021004100000001', gateway: 'https://openapi.alipay.com/gateway.do' };
const BILL_HOST = 'dwbillcenter.alipay.com';

/** GBK bytes of `text`, built from the runtime's GBK decoder (the test needs the encoder Alipay uses). */
let gbkTable: Map<string, number[]> | null = null;
export function gbkEncode(text: string): Uint8Array {
  if (!gbkTable) {
    gbkTable = new Map();
    const decoder = new TextDecoder('gbk');
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue;
        const char = decoder.decode(new Uint8Array([lead, trail]));
        if (char.length === 1 && char !== '\ufffd' && !gbkTable.has(char)) gbkTable.set(char, [lead, trail]);
      }
    }
  }
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x80) bytes.push(code);
    else bytes.push(...(gbkTable.get(char) ?? [0x3f]));
  }
  return new Uint8Array(bytes);
}

/**
 * An Alipay trade bill as its download address serves it: a zip of two GBK CSV files, 业务明细 (one line per
 * trade or refund, between `#` title and total lines) and 业务明细(汇总).
 */
export function alipayBillZip(date: string, lines: { tradeNo: string; outTradeNo: string; kind: '交易' | '退款'; yuan: string; outRequestNo?: string }[]): Uint8Array {
  const header = '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注';
  const detail = [
    '#支付宝业务明细查询',
    '#账号：[20881234567890120156]',
    `#起始日期：[${date} 00:00:00]   终止日期：[${date} 23:59:59]`,
    '#-----------------------------------------业务明细列表----------------------------------------',
    header,
    ...lines.map((l) => `${l.tradeNo}\t,${l.outTradeNo}\t,${l.kind},山海消费帮扶,${date} 10:00:00,${date} 10:00:05,,,,,159****5620,${l.yuan},${l.yuan},0.00,0.00,0.00,0.00,0.00,,0.00,0.00,${l.outRequestNo ?? ''},-0.05,0.00,`),
    '#-----------------------------------------业务明细列表结束------------------------------------',
    `#交易合计：${lines.filter((l) => l.kind === '交易').length}笔`,
    `#导出时间：[${date} 09:00:00]`,
  ].join('\r\n');
  const summary = ['#支付宝业务汇总查询', '门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）', `合计,,${lines.length},0,0.00,0.00`].join('\r\n');
  return zipSync({
    [`20881234567890120156_${date.replaceAll('-', '')}_业务明细.csv`]: gbkEncode(detail),
    [`20881234567890120156_${date.replaceAll('-', '')}_业务明细(汇总).csv`]: gbkEncode(summary),
  });
}

export function alipayEnv(keys: AlipayKeys, gateway = ALIPAY.gateway) {
  return { ALIPAY_APP_ID: ALIPAY.appId, ALIPAY_PRIVATE_KEY: keys.app.privatePem, ALIPAY_PUBLIC_KEY: keys.alipay.publicPem, ALIPAY_GATEWAY_URL: gateway };
}

const signingString = (params: Record<string, string>, omit: string[]) =>
  Object.keys(params)
    .filter((k) => !omit.includes(k) && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');

export type AlipayRequest = { method: string; params: Record<string, string>; biz: any; signatureValid: boolean };
export type AlipayTrade = { outTradeNo: string; totalFen: number; status: 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_CLOSED'; tradeNo: string; refunded: Map<string, number> };

const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
const fen = (y: string) => Math.round(Number(y) * 100);

/**
 * A fake openapi.alipay.com/gateway.do: checks the RSA2 signature of every request against the app's
 * public key, answers `{ "<method>_response": {…}, "sign": … }` signed with Alipay's key. Trades are
 * created when the buyer opens the cashier (`open(url)`), as at Alipay.
 */
export function fakeAlipay(keys: AlipayKeys) {
  const requests: AlipayRequest[] = [];
  const trades = new Map<string, AlipayTrade>();
  /** bill: the zip Alipay's download address serves (see alipayBillZip). */
  const control = { failNext: null as null | { code: string; msg: string; sub_code: string; sub_msg: string }, bill: new Uint8Array() as Uint8Array };
  const faults: Faults = { afterActing: 0, hangAfterActing: 0 };
  let counter = 0;

  async function signedAnswer(method: string, member: Record<string, unknown>): Promise<Response> {
    const raw = JSON.stringify(member);
    const sign = await rsaSign(keys.alipay.privatePem, raw);
    return new Response(`{"${method.replaceAll('.', '_')}_response":${raw},"sign":"${sign}"}`, { headers: { 'content-type': 'text/html;charset=utf-8' } });
  }

  async function verifyRequest(params: Record<string, string>): Promise<boolean> {
    return params.sign_type === 'RSA2' && params.app_id === ALIPAY.appId && (await rsaVerify(keys.app.publicPem, signingString(params, ['sign']), params.sign ?? ''));
  }

  async function route(request: Request): Promise<Response> {
    // The bill download address (a plain GET, signed only by its token in the query string).
    if (new URL(request.url).hostname === BILL_HOST) return new Response(control.bill as Uint8Array<ArrayBuffer>, { headers: { 'content-type': 'application/oct-stream' } });
    // A form body: read as bytes (workerd warns on .text() of a non-text content type).
    const params = Object.fromEntries(new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer())));
    const signatureValid = await verifyRequest(params);
    const biz = params.biz_content ? JSON.parse(params.biz_content) : {};
    const method = params.method ?? '';
    requests.push({ method, params, biz, signatureValid });
    if (!signatureValid) {
      return new Response(`{"${method.replaceAll('.', '_')}_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-signature","sub_msg":"验签出错"}}`);
    }
    if (control.failNext) {
      const failure = control.failNext;
      control.failNext = null;
      return signedAnswer(method, failure);
    }
    const notExist = { code: '40004', msg: 'Business Failed', sub_code: 'ACQ.TRADE_NOT_EXIST', sub_msg: '交易不存在' };
    const trade = trades.get(biz.out_trade_no);
    switch (method) {
      case 'alipay.trade.query':
        if (!trade) return signedAnswer(method, notExist);
        return signedAnswer(method, {
          code: '10000',
          msg: 'Success',
          trade_no: trade.tradeNo,
          out_trade_no: trade.outTradeNo,
          trade_status: trade.status,
          total_amount: yuan(trade.totalFen),
          ...(trade.status === 'TRADE_SUCCESS' ? { send_pay_date: '2026-12-04 10:00:00', buyer_logon_id: '159****5620' } : {}),
        });
      case 'alipay.trade.close':
        if (!trade) return signedAnswer(method, notExist);
        if (trade.status !== 'WAIT_BUYER_PAY') return signedAnswer(method, { code: '40004', msg: 'Business Failed', sub_code: 'ACQ.TRADE_STATUS_ERROR', sub_msg: '交易状态不合法' });
        trade.status = 'TRADE_CLOSED';
        return signedAnswer(method, { code: '10000', msg: 'Success', trade_no: trade.tradeNo, out_trade_no: trade.outTradeNo });
      case 'alipay.trade.refund': {
        if (!trade || trade.status !== 'TRADE_SUCCESS') return signedAnswer(method, notExist);
        const already = trade.refunded.get(biz.out_request_no);
        const total = [...trade.refunded.values()].reduce((a, b) => a + b, 0);
        if (already === undefined) {
          if (total + fen(biz.refund_amount) > trade.totalFen) return signedAnswer(method, { code: '40004', msg: 'Business Failed', sub_code: 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', sub_msg: '退款金额超限' });
          trade.refunded.set(biz.out_request_no, fen(biz.refund_amount));
        }
        return signedAnswer(method, {
          code: '10000',
          msg: 'Success',
          trade_no: trade.tradeNo,
          out_trade_no: trade.outTradeNo,
          buyer_logon_id: '159****5620',
          fund_change: already === undefined ? 'Y' : 'N',
          refund_fee: yuan([...trade.refunded.values()].reduce((a, b) => a + b, 0)),
        });
      }
      case 'alipay.data.dataservice.bill.downloadurl.query':
        return signedAnswer(method, { code: '10000', msg: 'Success', bill_download_url: `https://${BILL_HOST}/downloadBillFile.resource?bizType=trade&userId=20881234&fileType=csv.zip&bill_date=${biz.bill_date}&downloadFileName=20881234_${biz.bill_date}.csv.zip&fileId=%2Ftrade%2F20881234%2F${biz.bill_date}&timestamp=1733277600&token=test` });
      default:
        return signedAnswer(method, { code: '40004', msg: 'Business Failed', sub_code: 'ACQ.INVALID_PARAMETER', sub_msg: `unknown method ${method}` });
    }
  }

  /** The buyer opens the cashier URL we redirected them to: the signature must verify and the trade appears. */
  async function open(cashierUrl: string): Promise<{ params: Record<string, string>; biz: any; signatureValid: boolean }> {
    const params = Object.fromEntries(new URL(cashierUrl).searchParams);
    const biz = JSON.parse(params.biz_content ?? '{}');
    const signatureValid = await verifyRequest(params);
    if (signatureValid && !trades.has(biz.out_trade_no)) {
      counter += 1;
      trades.set(biz.out_trade_no, { outTradeNo: biz.out_trade_no, totalFen: fen(biz.total_amount), status: 'WAIT_BUYER_PAY', tradeNo: `2026120422001${String(counter).padStart(8, '0')}`, refunded: new Map() });
    }
    return { params, biz, signatureValid };
  }

  function pay(outTradeNo: string) {
    const trade = trades.get(outTradeNo);
    if (!trade) throw new Error(`no Alipay trade ${outTradeNo}`);
    trade.status = 'TRADE_SUCCESS';
    return trade;
  }

  // The gateway's own failure page (no business answer): a 502 from Alipay's load balancer.
  const handle = withFaults(faults, route, async () => new Response('<html><body>502 Bad Gateway</body></html>', { status: 502, headers: { 'content-type': 'text/html' } }));
  return { handle, fetch: (input: RequestInfo | URL, init?: RequestInit) => handle(new Request(input, init), init?.signal), requests, trades, control, faults, open, pay };
}

/** The asynchronous notify as Alipay posts it (form fields, RSA2 over the sorted fields without sign/sign_type). */
export async function alipayNotification(keys: AlipayKeys, fields: Record<string, string>, options: { signWith?: string } = {}): Promise<string> {
  const params: Record<string, string> = {
    notify_time: '2026-12-04 10:00:02',
    notify_type: 'trade_status_sync',
    notify_id: crypto.randomUUID().replaceAll('-', ''),
    app_id: ALIPAY.appId,
    charset: 'utf-8',
    version: '1.0',
    gmt_payment: '2026-12-04 10:00:00',
    ...fields,
  };
  const sign = await rsaSign(options.signWith ?? keys.alipay.privatePem, signingString(params, ['sign', 'sign_type']));
  return new URLSearchParams({ ...params, sign_type: 'RSA2', sign }).toString();
}

/** Routes the worker's outbound fetch to the fakes by host (and refuses anything else); returns the restore. */
export function installProviderFetch(fakes: { wechat?: ReturnType<typeof fakeWechatPay>; alipay?: ReturnType<typeof fakeAlipay> }): () => void {
  const original = globalThis.fetch;
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const host = new URL(request.url).host;
    if (host === 'api.mch.weixin.qq.com' && fakes.wechat) return fakes.wechat.handle(request, init?.signal);
    if ((host === 'openapi.alipay.com' || host === BILL_HOST) && fakes.alipay) return fakes.alipay.handle(request, init?.signal);
    throw new TypeError(`unexpected outbound request to ${request.url}`);
  }) as typeof fetch;
  return () => {
    globalThis.fetch = original;
  };
}
