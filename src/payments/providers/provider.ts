/**
 * What the payments domain needs from an online payment provider that it calls directly (WeChat Pay
 * v3, Alipay). The rest of the app sees only this: our payment id is the provider's merchant order
 * number (`out_trade_no`) and our refund id its refund number, so every request is idempotent by
 * construction and every notification leads back to one row.
 */

export const PROVIDER_NAMES = ['wechat_pay', 'alipay'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/**
 * How the buyer pays: WeChat Native (a QR code scanned with the phone), H5 (a phone browser outside
 * WeChat), JSAPI (inside WeChat's own browser); Alipay page (电脑网站支付) or wap (手机网站支付).
 */
export const PAY_CHANNELS = ['native', 'h5', 'jsapi', 'page', 'wap'] as const;
export type PayChannel = (typeof PAY_CHANNELS)[number];

export type ProviderOrder = {
  outTradeNo: string;
  amountFen: number;
  description: string;
  /** ms; the provider refuses payment after it. */
  expiresAt: number;
  notifyUrl: string;
  returnUrl: string;
  channel: PayChannel;
  /** H5 only: the buyer's IP, which WeChat Pay checks against the phone's. */
  clientIp?: string;
  /** JSAPI only: the buyer's openid for our AppID (from WeChat's OAuth web authorisation). */
  openid?: string;
};

export type PaymentStart =
  | { kind: 'qr'; codeUrl: string }
  | { kind: 'redirect'; url: string }
  /** Parameters for `WeixinJSBridge.invoke('getBrandWCPayRequest', …)`, already signed. */
  | { kind: 'jsapi'; params: Record<string, string> };

export type TradeState =
  | { state: 'paid'; tradeNo: string; amountFen: number; paidAt: number | null }
  | { state: 'pending' }
  | { state: 'closed' }
  | { state: 'not_found' };

export type RefundOutcome = { state: 'succeeded' | 'processing' | 'failed'; providerRefundId: string | null };

export type ProviderRefundRequest = { outTradeNo: string; outRefundNo: string; amountFen: number; totalFen: number; reason: string; notifyUrl: string };

/** A verified notification, reduced to what it tells us. */
export type ProviderNotification =
  | { kind: 'paid'; id: string; outTradeNo: string; tradeNo: string; amountFen: number; paidAt: number | null }
  | { kind: 'closed'; id: string; outTradeNo: string }
  | { kind: 'refund'; id: string; outRefundNo: string; state: RefundOutcome['state']; providerRefundId: string | null }
  | { kind: 'other'; id: string };

/** One line of the provider's daily statement, in our terms. */
export type StatementLine = { outTradeNo: string; tradeNo: string; amountFen: number; state: 'paid' | 'refund' | 'other'; outRefundNo: string | null };

export interface PaymentProvider {
  readonly name: ProviderName;
  start(order: ProviderOrder): Promise<PaymentStart>;
  query(outTradeNo: string): Promise<TradeState>;
  /** Stops an unpaid order from taking money; closing one already closed is fine. */
  close(outTradeNo: string): Promise<void>;
  refund(request: ProviderRefundRequest): Promise<RefundOutcome>;
  /** Throws ProviderRefusal for a bad signature, a stale timestamp or a body that is not theirs. */
  verifyNotification(headers: Headers, rawBody: string): Promise<ProviderNotification>;
  /** The daily trade statement (date `YYYY-MM-DD`, Beijing time), where this module reads it. */
  statement?(date: string): Promise<StatementLine[]>;
}

/** The provider answered something other than success (an error code, a bad signature on its answer). */
export class ProviderError extends Error {
  constructor(
    readonly provider: ProviderName,
    readonly code: string,
    message: string,
    /** True when the provider certainly did not act (a refusal), false when the outcome is unknown. */
    readonly refused: boolean,
  ) {
    super(`${provider}: ${code} ${message}`);
  }
}

/** How a provider call is repeated when its outcome is unknown. */
export type RetryPolicy = { attempts: number; timeoutMs: number; delayMs: number };
export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, timeoutMs: 10_000, delayMs: 300 };

/** Codes that say the answer itself is untrustworthy or unreadable: asking again would not help. */
const NOT_RETRIED = new Set(['SIGN_ERROR', 'MALFORMED']);

/**
 * Calls the provider again when the outcome is unknown — a network error, a timeout, a 5xx, the provider's
 * "system busy" — with the same request: the same out_trade_no / out_refund_no / out_request_no, which the
 * providers treat as the same trade or refund, so a repeat never charges or refunds twice. A refusal (the
 * provider certainly did nothing) is final. Each attempt gets its own timeout and is signed afresh.
 */
export async function callWithRetries<T>(policy: RetryPolicy, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(AbortSignal.timeout(policy.timeoutMs));
    } catch (error) {
      const unknownOutcome = error instanceof ProviderError && !error.refused && !NOT_RETRIED.has(error.code);
      if (!unknownOutcome || attempt >= policy.attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, policy.delayMs * 2 ** (attempt - 1)));
    }
  }
}

/** A failed fetch: TIMEOUT when our signal ran out, NETWORK otherwise (both leave the outcome unknown). */
export function fetchFailure(provider: ProviderName, error: unknown, signal: AbortSignal): ProviderError {
  if (signal.aborted) return new ProviderError(provider, 'TIMEOUT', 'no answer in time', false);
  return new ProviderError(provider, 'NETWORK', error instanceof Error ? error.message : String(error), false);
}

/** A notification we must not act on. */
export class ProviderRefusal extends Error {
  constructor(
    readonly rule: 'bad_signature' | 'stale_timestamp' | 'malformed' | 'wrong_merchant',
    message: string,
  ) {
    super(message);
  }
}

/** Our fen as the yuan string Alipay wants ("12.80"). */
export function fenToYuan(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

/** "12.80" → 1280, or null when it is not a non-negative yuan amount with at most two decimals. */
export function yuanToFen(yuan: string): number | null {
  const match = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(yuan.trim());
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
}

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;

/** `2026-12-04T09:30:00+08:00` (WeChat Pay's time_expire format). */
export function beijingRfc3339(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000 + BEIJING_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

/** `2026-12-04 09:30:00` in Beijing time (Alipay's timestamp format). */
export function beijingDateTime(ms: number): string {
  return new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** Alipay's `2026-12-04 09:30:00` (Beijing) as ms, or null. */
export function parseBeijingDateTime(value: string | undefined): number | null {
  if (!value || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value)) return null;
  return Date.parse(`${value.replace(' ', 'T')}+08:00`);
}
