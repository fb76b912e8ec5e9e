import { unzipSync } from 'fflate';
import { signSha256Rsa, verifySha256Rsa } from './rsa';
import {
  beijingDateTime,
  fenToYuan,
  parseBeijingDateTime,
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
 * Alipay's open platform (openapi.alipay.com/gateway.do) with RSA2 signatures, through WebCrypto: the
 * official `alipay-sdk` is written for Node (`crypto`, `fs`, `urllib`). Requests are the common
 * parameters plus `biz_content`, signed over the `k=v` pairs sorted by key (empty values and `sign`
 * left out). Answers are verified over the raw JSON of their `…_response` member; asynchronous
 * notifications over their form fields without `sign` and `sign_type`.
 */

export type AlipayConfig = {
  appId: string;
  /** Our application private key (PKCS#8, PEM or bare base64). */
  privateKey: string;
  /** Alipay's public key for this application (SPKI, PEM or bare base64). */
  alipayPublicKey: string;
  gatewayUrl: string;
  fetch?: typeof fetch;
  now?: () => number;
  retry?: Partial<RetryPolicy>;
};

export const ALIPAY_GATEWAY_URL = 'https://openapi.alipay.com/gateway.do';

/** The string Alipay signs: non-empty parameters sorted by key, `k=v` joined by `&`, values not encoded. */
export function alipaySigningString(params: Record<string, string | undefined>, omit: readonly string[] = ['sign']): string {
  return Object.keys(params)
    .filter((k) => !omit.includes(k) && params[k] !== undefined && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

type AlipayAnswer = { code: string; msg: string; sub_code?: string; sub_msg?: string } & Record<string, unknown>;

/** The raw JSON text of `{"<name>": {…}, "sign": "…"}`'s first member, exactly as Alipay signed it. */
function rawMember(text: string, name: string): string | null {
  const open = text.indexOf(`"${name}"`);
  const signAt = text.lastIndexOf(',"sign"');
  if (open < 0) return null;
  const start = text.indexOf(':', open + name.length + 2) + 1;
  const end = signAt > start ? signAt : text.lastIndexOf('}');
  return text.slice(start, end).trim();
}

export class Alipay implements PaymentProvider {
  readonly name = 'alipay' as const;
  constructor(private readonly config: AlipayConfig) {}

  private async signed(method: string, biz: Record<string, unknown>, extra: Record<string, string> = {}): Promise<Record<string, string>> {
    const params: Record<string, string> = {
      app_id: this.config.appId,
      method,
      format: 'JSON',
      charset: 'utf-8',
      sign_type: 'RSA2',
      timestamp: beijingDateTime(this.config.now?.() ?? Date.now()),
      version: '1.0',
      ...extra,
      biz_content: JSON.stringify(biz),
    };
    return { ...params, sign: await signSha256Rsa(this.config.privateKey, alipaySigningString(params)) };
  }

  private call(method: string, biz: Record<string, unknown>): Promise<AlipayAnswer> {
    // Query, close and refund (by out_request_no) are all safe to repeat.
    return callWithRetries({ ...DEFAULT_RETRY, ...this.config.retry }, (signal) => this.callOnce(method, biz, signal));
  }

  private async callOnce(method: string, biz: Record<string, unknown>, signal: AbortSignal): Promise<AlipayAnswer> {
    const params = await this.signed(method, biz);
    let res: Response;
    try {
      res = await (this.config.fetch ?? fetch)(this.config.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8', accept: 'application/json' },
        body: new URLSearchParams(params).toString(),
        signal,
      });
    } catch (error) {
      throw fetchFailure('alipay', error, signal);
    }
    const text = await res.text();
    // A 4xx from the gateway itself (not a business answer) did nothing; a 5xx may or may not have.
    if (!res.ok) throw new ProviderError('alipay', `HTTP_${res.status}`, text.slice(0, 200), res.status < 500);
    const member = `${method.replaceAll('.', '_')}_response`;
    const raw = rawMember(text, member);
    let parsed: { sign?: string } & Record<string, unknown>;
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      throw new ProviderError('alipay', 'MALFORMED', 'the answer is not JSON', false);
    }
    const answer = parsed[member] as AlipayAnswer | undefined;
    if (!answer || raw === null) throw new ProviderError('alipay', 'MALFORMED', `the answer has no ${member}`, false);
    // Alipay leaves some refusals unsigned (e.g. our own bad signature); signed or not, they did nothing.
    if (parsed.sign === undefined && answer.code !== '10000') throw new ProviderError('alipay', answer.sub_code ?? answer.code, answer.sub_msg ?? answer.msg, true);
    if (!parsed.sign || !(await verifySha256Rsa(this.config.alipayPublicKey, raw, parsed.sign))) {
      throw new ProviderError('alipay', 'SIGN_ERROR', 'the answer is not signed by Alipay', false);
    }
    if (answer.code !== '10000') {
      // 20000 (service unavailable) and 40004's ACQ.SYSTEM_ERROR leave the outcome unknown.
      const unknown = answer.code === '20000' || answer.sub_code === 'ACQ.SYSTEM_ERROR';
      throw new ProviderError('alipay', answer.sub_code ?? answer.code, answer.sub_msg ?? answer.msg, !unknown);
    }
    return answer;
  }

  /** The buyer is sent to Alipay's cashier with the signed request in the query string (GET). */
  async start(order: ProviderOrder): Promise<PaymentStart> {
    if (order.channel !== 'page' && order.channel !== 'wap') throw new ProviderError('alipay', 'INVALID_PARAMETER', `Alipay has no ${order.channel} channel`, true);
    const biz = {
      out_trade_no: order.outTradeNo,
      total_amount: fenToYuan(order.amountFen),
      subject: order.description.slice(0, 128),
      product_code: order.channel === 'wap' ? 'QUICK_WAP_WAY' : 'FAST_INSTANT_TRADE_PAY',
      time_expire: beijingDateTime(order.expiresAt),
      ...(order.channel === 'wap' ? { quit_url: order.returnUrl } : {}),
    };
    const params = await this.signed(order.channel === 'wap' ? 'alipay.trade.wap.pay' : 'alipay.trade.page.pay', biz, {
      notify_url: order.notifyUrl,
      return_url: order.returnUrl,
    });
    return { kind: 'redirect', url: `${this.config.gatewayUrl}?${new URLSearchParams(params).toString()}` };
  }

  async query(outTradeNo: string): Promise<TradeState> {
    let answer: AlipayAnswer;
    try {
      answer = await this.call('alipay.trade.query', { out_trade_no: outTradeNo });
    } catch (error) {
      // The trade exists at Alipay only once the buyer opened the cashier.
      if (error instanceof ProviderError && error.code === 'ACQ.TRADE_NOT_EXIST') return { state: 'not_found' };
      throw error;
    }
    const status = String(answer.trade_status ?? '');
    if (status === 'TRADE_SUCCESS' || status === 'TRADE_FINISHED') {
      return {
        state: 'paid',
        tradeNo: String(answer.trade_no ?? ''),
        amountFen: yuanToFen(String(answer.total_amount ?? '')) ?? 0,
        paidAt: parseBeijingDateTime(answer.send_pay_date as string | undefined),
      };
    }
    return status === 'WAIT_BUYER_PAY' ? { state: 'pending' } : { state: 'closed' };
  }

  async close(outTradeNo: string): Promise<void> {
    try {
      await this.call('alipay.trade.close', { out_trade_no: outTradeNo });
    } catch (error) {
      if (error instanceof ProviderError && error.code === 'ACQ.TRADE_NOT_EXIST') return;
      throw error;
    }
  }

  /** `out_request_no` is our refund id: the same refund asked twice is made once. */
  async refund(request: ProviderRefundRequest): Promise<RefundOutcome> {
    const answer = await this.call('alipay.trade.refund', {
      out_trade_no: request.outTradeNo,
      refund_amount: fenToYuan(request.amountFen),
      out_request_no: request.outRefundNo,
      refund_reason: request.reason.slice(0, 256),
    });
    // 10000 is a refund made (fund_change "N" on a retry: made by the first request).
    return { state: 'succeeded', providerRefundId: answer.trade_no ? `${String(answer.trade_no)}:${request.outRefundNo}` : null };
  }

  /**
   * The asynchronous notify (POST form). Alipay retries it for about 25 hours until we answer
   * `success`, so its age is no reason to refuse it; the signature and our app id are.
   */
  async verifyNotification(_headers: Headers, rawBody: string): Promise<ProviderNotification> {
    const form = Object.fromEntries(new URLSearchParams(rawBody));
    if (!form.sign || form.sign_type !== 'RSA2') throw new ProviderRefusal('bad_signature', 'The Alipay notification is not RSA2-signed');
    if (!(await verifySha256Rsa(this.config.alipayPublicKey, alipaySigningString(form, ['sign', 'sign_type']), form.sign))) {
      throw new ProviderRefusal('bad_signature', 'The Alipay notification signature does not verify');
    }
    if (form.app_id !== this.config.appId) throw new ProviderRefusal('wrong_merchant', 'The notification is for another Alipay application');
    if (!form.notify_id || !form.out_trade_no) throw new ProviderRefusal('malformed', 'The notification has no notify_id or out_trade_no');
    const id = form.notify_id;
    // A refund is notified on the trade, carrying our out_request_no as out_biz_no.
    if (form.refund_fee && form.out_biz_no) return { kind: 'refund', id, outRefundNo: form.out_biz_no, state: 'succeeded', providerRefundId: null };
    if (form.trade_status === 'TRADE_SUCCESS' || form.trade_status === 'TRADE_FINISHED') {
      const amountFen = yuanToFen(form.total_amount ?? '');
      if (amountFen === null) throw new ProviderRefusal('malformed', 'The notification has no total_amount');
      return { kind: 'paid', id, outTradeNo: form.out_trade_no, tradeNo: form.trade_no ?? '', amountFen, paidAt: parseBeijingDateTime(form.gmt_payment) };
    }
    if (form.trade_status === 'TRADE_CLOSED') return { kind: 'closed', id, outTradeNo: form.out_trade_no };
    return { kind: 'other', id };
  }

  /**
   * The day's trade bill (对账单, `bill_type` trade): Alipay answers a download address for a zip of GBK CSV
   * files; the 业务明细 file lists each trade (业务类型 交易) and refund (退款, our refund id as 退款批次号/请求号).
   */
  async statement(date: string): Promise<StatementLine[]> {
    const answer = await this.call('alipay.data.dataservice.bill.downloadurl.query', { bill_type: 'trade', bill_date: date });
    const url = typeof answer.bill_download_url === 'string' ? answer.bill_download_url : '';
    if (!/^https:\/\//.test(url)) throw new ProviderError('alipay', 'BILL_FORMAT', 'the answer has no bill_download_url', false);
    const zip = await callWithRetries({ ...DEFAULT_RETRY, ...this.config.retry }, async (signal) => {
      let res: Response;
      try {
        res = await (this.config.fetch ?? fetch)(url, { signal });
      } catch (error) {
        throw fetchFailure('alipay', error, signal);
      }
      if (!res.ok) throw new ProviderError('alipay', `HTTP_${res.status}`, 'bill download failed', res.status < 500);
      return new Uint8Array(await res.arrayBuffer());
    });
    let files: Record<string, Uint8Array>;
    try {
      files = unzipSync(zip);
    } catch {
      throw new ProviderError('alipay', 'BILL_FORMAT', 'the bill is not a zip file', false);
    }
    const gbk = new TextDecoder('gbk');
    for (const bytes of Object.values(files)) {
      const text = gbk.decode(bytes);
      if (/^支付宝交易号,/m.test(text)) return parseAlipayTradeBill(text);
    }
    throw new ProviderError('alipay', 'BILL_FORMAT', 'the bill has no 业务明细 file', false);
  }
}

/** The 业务明细 CSV of an Alipay trade bill: `#` lines are titles and totals; columns found by their header names. */
export function parseAlipayTradeBill(text: string): StatementLine[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const headerAt = lines.findIndex((l) => l.startsWith('支付宝交易号,'));
  if (headerAt < 0) throw new ProviderError('alipay', 'BILL_FORMAT', 'unknown trade bill header', false);
  const header = lines[headerAt]!.split(',').map((h) => h.trim());
  const [tradeNo, outTradeNo, kind, amount, outRequestNo] = ['支付宝交易号', '商户订单号', '业务类型', '订单金额（元）', '退款批次号/请求号'].map((name) => header.indexOf(name));
  if ([tradeNo, outTradeNo, kind, amount].some((i) => i === undefined || i < 0)) throw new ProviderError('alipay', 'BILL_FORMAT', 'unknown trade bill header', false);
  return lines.slice(headerAt + 1).map((line) => {
    const fields = line.split(',').map((f) => f.trim());
    const state = fields[kind!] === '交易' ? 'paid' : fields[kind!] === '退款' ? 'refund' : 'other';
    return {
      outTradeNo: fields[outTradeNo!] ?? '',
      tradeNo: fields[tradeNo!] ?? '',
      // Refunds are listed as negative amounts.
      amountFen: yuanToFen((fields[amount!] ?? '').replace(/^-/, '')) ?? 0,
      state,
      outRefundNo: state === 'refund' && outRequestNo! >= 0 ? fields[outRequestNo!] || null : null,
    } satisfies StatementLine;
  });
}
