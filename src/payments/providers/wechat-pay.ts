import { base64ToBytes, signSha256Rsa, verifySha256Rsa } from './rsa';
import {
  beijingRfc3339,
  ProviderError,
  ProviderRefusal,
  yuanToFen,
  type PaymentProvider,
  type PaymentStart,
  type ProviderNotification,
  type ProviderOrder,
  type ProviderRefundRequest,
  type RefundOutcome,
  type StatementLine,
  type TradeState,
  type RetryPolicy,
  callWithRetries,
  DEFAULT_RETRY,
  fetchFailure,
} from './provider';

/**
 * WeChat Pay API v3, written against its documented HTTP interface with WebCrypto (the official SDKs
 * are Node/Java/Go and need `crypto`/`fs`). Every request is signed SHA256-RSA2048 over
 * `METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n` with the merchant key; every answer and notification
 * is verified against WeChat Pay's platform public key (公钥模式, `Wechatpay-Serial` = its key id) over
 * `TIMESTAMP\nNONCE\nBODY\n`, and refused when its timestamp is more than five minutes off. The
 * notification's `resource` is AES-256-GCM encrypted with the APIv3 key.
 */

export type WechatPayConfig = {
  mchid: string;
  appid: string;
  /** Serial number of the merchant API certificate whose private key signs our requests. */
  serialNo: string;
  privateKey: string;
  /** WeChat Pay's platform public key (SPKI PEM) and its id (`PUB_KEY_ID_…`). */
  platformPublicKey: string;
  platformPublicKeyId: string;
  /** The 32-character APIv3 key: AES-256-GCM key of notification resources. */
  apiV3Key: string;
  baseUrl: string;
  fetch?: typeof fetch;
  now?: () => number;
  retry?: Partial<RetryPolicy>;
};

export const WECHAT_PAY_BASE_URL = 'https://api.mch.weixin.qq.com';
/** WeChat Pay's own tolerance for the signed timestamp. */
export const WECHAT_PAY_CLOCK_SKEW_S = 300;

export function wechatCanonicalRequest(method: string, pathWithQuery: string, timestamp: string, nonce: string, body: string): string {
  return `${method}\n${pathWithQuery}\n${timestamp}\n${nonce}\n${body}\n`;
}

function nonceString(): string {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('').toUpperCase();
}

export async function wechatAuthorization(config: WechatPayConfig, method: string, pathWithQuery: string, body: string, timestamp: string, nonce: string): Promise<string> {
  const signature = await signSha256Rsa(config.privateKey, wechatCanonicalRequest(method, pathWithQuery, timestamp, nonce, body));
  return `WECHATPAY2-SHA256-RSA2048 mchid="${config.mchid}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${config.serialNo}"`;
}

/** Checks an answer or notification came from WeChat Pay, recently. */
export async function verifyWechatSignature(config: WechatPayConfig, headers: Headers, body: string): Promise<void> {
  const timestamp = headers.get('wechatpay-timestamp');
  const nonce = headers.get('wechatpay-nonce');
  const signature = headers.get('wechatpay-signature');
  const serial = headers.get('wechatpay-serial');
  if (!timestamp || !nonce || !signature || !serial) throw new ProviderRefusal('bad_signature', 'The WeChat Pay signature headers are missing');
  if (serial !== config.platformPublicKeyId) throw new ProviderRefusal('bad_signature', `Signed with key ${serial}, not WeChat Pay's key ${config.platformPublicKeyId}`);
  const now = Math.floor((config.now?.() ?? Date.now()) / 1000);
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now - Number(timestamp)) > WECHAT_PAY_CLOCK_SKEW_S) {
    throw new ProviderRefusal('stale_timestamp', 'The WeChat Pay signature timestamp is more than five minutes off');
  }
  if (signature.startsWith('WECHATPAY/SIGNTEST/')) throw new ProviderRefusal('bad_signature', 'A WeChat Pay signature probe, not a notification');
  if (!(await verifySha256Rsa(config.platformPublicKey, `${timestamp}\n${nonce}\n${body}\n`, signature))) {
    throw new ProviderRefusal('bad_signature', 'The WeChat Pay signature does not verify');
  }
}

export type EncryptedResource = { algorithm: string; ciphertext: string; associated_data?: string; nonce: string; original_type?: string };

export async function decryptWechatResource(apiV3Key: string, resource: EncryptedResource): Promise<string> {
  if (resource.algorithm !== 'AEAD_AES_256_GCM') throw new ProviderRefusal('malformed', `Unsupported resource algorithm ${resource.algorithm}`);
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', encoder.encode(apiV3Key), 'AES-GCM', false, ['decrypt']);
  try {
    // The ciphertext ends with the 16-byte tag, as WebCrypto expects.
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: encoder.encode(resource.nonce), additionalData: encoder.encode(resource.associated_data ?? ''), tagLength: 128 },
      key,
      base64ToBytes(resource.ciphertext),
    );
    return new TextDecoder().decode(plain);
  } catch {
    throw new ProviderRefusal('bad_signature', 'The notification resource does not decrypt with our APIv3 key');
  }
}

type Transaction = {
  appid?: string;
  mchid?: string;
  out_trade_no: string;
  transaction_id?: string;
  trade_state: string;
  success_time?: string;
  amount?: { total?: number; payer_total?: number; currency?: string };
};

type WechatRefund = { refund_id?: string; out_refund_no: string; status?: string; refund_status?: string; mchid?: string };

function refundState(status: string | undefined): RefundOutcome['state'] {
  if (status === 'SUCCESS') return 'succeeded';
  if (status === 'PROCESSING') return 'processing';
  return 'failed';
}

function tradeState(transaction: Transaction): TradeState {
  switch (transaction.trade_state) {
    // REFUND: it was paid, and (part of) it refunded since.
    case 'SUCCESS':
    case 'REFUND':
      return {
        state: 'paid',
        tradeNo: transaction.transaction_id ?? '',
        amountFen: transaction.amount?.total ?? 0,
        paidAt: transaction.success_time ? Date.parse(transaction.success_time) : null,
      };
    case 'NOTPAY':
    case 'USERPAYING':
      return { state: 'pending' };
    default:
      return { state: 'closed' };
  }
}

export class WechatPay implements PaymentProvider {
  readonly name = 'wechat_pay' as const;
  constructor(private readonly config: WechatPayConfig) {}

  private call<T>(method: 'GET' | 'POST', pathWithQuery: string, payload?: unknown): Promise<{ status: number; body: T | null }> {
    // Every call we make is keyed (out_trade_no, out_refund_no) or a read, so repeating it is safe.
    return callWithRetries({ ...DEFAULT_RETRY, ...this.config.retry }, (signal) => this.callOnce<T>(method, pathWithQuery, payload, signal));
  }

  private async callOnce<T>(method: 'GET' | 'POST', pathWithQuery: string, payload: unknown, signal: AbortSignal): Promise<{ status: number; body: T | null }> {
    const body = payload === undefined ? '' : JSON.stringify(payload);
    const timestamp = String(Math.floor((this.config.now?.() ?? Date.now()) / 1000));
    const authorization = await wechatAuthorization(this.config, method, pathWithQuery, body, timestamp, nonceString());
    const doFetch = this.config.fetch ?? fetch;
    let res: Response;
    try {
      res = await doFetch(`${this.config.baseUrl.replace(/\/$/, '')}${pathWithQuery}`, {
        method,
        headers: { authorization, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}), 'user-agent': 'shanhai/1' },
        ...(body ? { body } : {}),
        signal,
      });
    } catch (error) {
      throw fetchFailure('wechat_pay', error, signal);
    }
    const text = await res.text();
    if (res.status >= 200 && res.status < 300) {
      // An answer we cannot verify is not one we act on.
      try {
        await verifyWechatSignature(this.config, res.headers, text);
      } catch (error) {
        throw new ProviderError('wechat_pay', 'SIGN_ERROR', error instanceof Error ? error.message : 'unverified answer', false);
      }
      return { status: res.status, body: text ? (JSON.parse(text) as T) : null };
    }
    let problem: { code?: string; message?: string } = {};
    try {
      problem = JSON.parse(text) as typeof problem;
    } catch {
      // Not JSON (a proxy's page): the code stays generic.
    }
    // A 4xx is a refusal (nothing happened); a 5xx may or may not have been acted on.
    throw new ProviderError('wechat_pay', problem.code ?? `HTTP_${res.status}`, problem.message ?? text.slice(0, 200), res.status < 500);
  }

  async start(order: ProviderOrder): Promise<PaymentStart> {
    const common = {
      appid: this.config.appid,
      mchid: this.config.mchid,
      description: order.description.slice(0, 127),
      out_trade_no: order.outTradeNo,
      time_expire: beijingRfc3339(order.expiresAt),
      notify_url: order.notifyUrl,
      amount: { total: order.amountFen, currency: 'CNY' },
    };
    switch (order.channel) {
      case 'native': {
        const { body } = await this.call<{ code_url: string }>('POST', '/v3/pay/transactions/native', common);
        return { kind: 'qr', codeUrl: body!.code_url };
      }
      case 'h5': {
        const { body } = await this.call<{ h5_url: string }>('POST', '/v3/pay/transactions/h5', {
          ...common,
          scene_info: { payer_client_ip: order.clientIp ?? '127.0.0.1', h5_info: { type: 'Wap' } },
        });
        // WeChat sends the buyer back to redirect_url once the payment page closes.
        return { kind: 'redirect', url: `${body!.h5_url}&redirect_url=${encodeURIComponent(order.returnUrl)}` };
      }
      case 'jsapi': {
        if (!order.openid) throw new ProviderError('wechat_pay', 'PARAM_ERROR', 'JSAPI needs the payer openid', true);
        const { body } = await this.call<{ prepay_id: string }>('POST', '/v3/pay/transactions/jsapi', { ...common, payer: { openid: order.openid } });
        return { kind: 'jsapi', params: await this.jsapiParams(body!.prepay_id) };
      }
      default:
        throw new ProviderError('wechat_pay', 'PARAM_ERROR', `WeChat Pay has no ${order.channel} channel`, true);
    }
  }

  /** The parameters the page hands to WeixinJSBridge, signed over `appId\ntimeStamp\nnonceStr\npackage\n`. */
  async jsapiParams(prepayId: string): Promise<Record<string, string>> {
    const timeStamp = String(Math.floor((this.config.now?.() ?? Date.now()) / 1000));
    const nonceStr = nonceString();
    const pkg = `prepay_id=${prepayId}`;
    const paySign = await signSha256Rsa(this.config.privateKey, `${this.config.appid}\n${timeStamp}\n${nonceStr}\n${pkg}\n`);
    return { appId: this.config.appid, timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign };
  }

  async query(outTradeNo: string): Promise<TradeState> {
    try {
      const { body } = await this.call<Transaction>('GET', `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}?mchid=${encodeURIComponent(this.config.mchid)}`);
      return tradeState(body!);
    } catch (error) {
      if (error instanceof ProviderError && error.code === 'ORDER_NOT_EXIST') return { state: 'not_found' };
      throw error;
    }
  }

  async close(outTradeNo: string): Promise<void> {
    try {
      await this.call('POST', `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}/close`, { mchid: this.config.mchid });
    } catch (error) {
      // Never created (the buyer never opened the payment): nothing can take money.
      if (error instanceof ProviderError && error.code === 'ORDER_NOT_EXIST') return;
      throw error;
    }
  }

  async refund(request: ProviderRefundRequest): Promise<RefundOutcome> {
    const { body } = await this.call<WechatRefund>('POST', '/v3/refund/domestic/refunds', {
      out_trade_no: request.outTradeNo,
      out_refund_no: request.outRefundNo,
      reason: request.reason.slice(0, 80),
      notify_url: request.notifyUrl,
      amount: { refund: request.amountFen, total: request.totalFen, currency: 'CNY' },
    });
    return { state: refundState(body!.status), providerRefundId: body!.refund_id ?? null };
  }

  async verifyNotification(headers: Headers, rawBody: string): Promise<ProviderNotification> {
    await verifyWechatSignature(this.config, headers, rawBody);
    let envelope: { id?: string; event_type?: string; resource?: EncryptedResource };
    try {
      envelope = JSON.parse(rawBody) as typeof envelope;
    } catch {
      throw new ProviderRefusal('malformed', 'The notification is not JSON');
    }
    if (!envelope.id || !envelope.event_type || !envelope.resource) throw new ProviderRefusal('malformed', 'The notification has no id, event_type or resource');
    const plain = JSON.parse(await decryptWechatResource(this.config.apiV3Key, envelope.resource)) as Transaction & WechatRefund;
    if (plain.mchid && plain.mchid !== this.config.mchid) throw new ProviderRefusal('wrong_merchant', 'The notification is for another merchant');
    if (envelope.event_type === 'TRANSACTION.SUCCESS') {
      if (plain.appid !== this.config.appid) throw new ProviderRefusal('wrong_merchant', 'The notification is for another AppID');
      const state = tradeState(plain);
      if (state.state !== 'paid') return { kind: 'other', id: envelope.id };
      return { kind: 'paid', id: envelope.id, outTradeNo: plain.out_trade_no, tradeNo: state.tradeNo, amountFen: state.amountFen, paidAt: state.paidAt };
    }
    if (envelope.event_type.startsWith('REFUND.')) {
      return { kind: 'refund', id: envelope.id, outRefundNo: plain.out_refund_no, state: refundState(plain.refund_status), providerRefundId: plain.refund_id ?? null };
    }
    return { kind: 'other', id: envelope.id };
  }

  /**
   * The trade bill (交易账单, all trades of the day): `/v3/bill/tradebill` answers a download URL and
   * the file's SHA-1; the file is CSV whose fields start with a backtick, ending with a summary.
   */
  async statement(date: string): Promise<StatementLine[]> {
    const { body } = await this.call<{ download_url: string; hash_type: string; hash_value: string }>('GET', `/v3/bill/tradebill?bill_date=${date}&bill_type=ALL`);
    const url = new URL(body!.download_url);
    const pathWithQuery = `${url.pathname}${url.search}`;
    const timestamp = String(Math.floor((this.config.now?.() ?? Date.now()) / 1000));
    const res = await (this.config.fetch ?? fetch)(`${this.config.baseUrl.replace(/\/$/, '')}${pathWithQuery}`, {
      headers: { authorization: await wechatAuthorization(this.config, 'GET', pathWithQuery, '', timestamp, nonceString()) },
    });
    if (!res.ok) throw new ProviderError('wechat_pay', `HTTP_${res.status}`, 'bill download failed', res.status < 500);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const digest = [...new Uint8Array(await crypto.subtle.digest('SHA-1', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
    if (body!.hash_type === 'SHA1' && digest !== body!.hash_value.toLowerCase()) throw new ProviderError('wechat_pay', 'HASH_MISMATCH', 'the bill does not match its SHA-1', false);
    return parseWechatTradeBill(new TextDecoder().decode(bytes));
  }
}

/** The lines of a trade bill; columns found by their Chinese header names. */
export function parseWechatTradeBill(text: string): StatementLine[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim());
  const header = lines[0]?.split(',').map((h) => h.trim()) ?? [];
  const col = (name: string) => header.indexOf(name);
  const [tradeNo, outTradeNo, status, amount, outRefundNo, refundAmount] = ['微信订单号', '商户订单号', '交易状态', '应结订单金额', '商户退款单号', '退款金额'].map(col);
  if ([tradeNo, outTradeNo, status, amount].some((i) => i === undefined || i < 0)) throw new ProviderError('wechat_pay', 'BILL_FORMAT', 'unknown trade bill header', false);
  const out: StatementLine[] = [];
  for (const line of lines.slice(1)) {
    if (!line.startsWith('`')) break; // the summary block follows the trades
    const fields = line.split(',').map((f) => f.replace(/^`/, '').trim());
    const state = fields[status!] === 'SUCCESS' ? 'paid' : fields[status!] === 'REFUND' ? 'refund' : 'other';
    const yuan = state === 'refund' && refundAmount! >= 0 ? fields[refundAmount!] : fields[amount!];
    out.push({
      outTradeNo: fields[outTradeNo!] ?? '',
      tradeNo: fields[tradeNo!] ?? '',
      amountFen: yuanToFen(yuan ?? '') ?? 0,
      state,
      outRefundNo: state === 'refund' && outRefundNo! >= 0 ? fields[outRefundNo!] || null : null,
    });
  }
  return out;
}
