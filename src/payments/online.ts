import { and, eq, gt, inArray, isNotNull, lt } from 'drizzle-orm';
import { isConstraintError, runBatch, type Statement } from '../db/batch';
import { ONLINE_PAYMENT_METHODS, payments, providerNotifications, refunds, type PaymentMethod, type PaymentStatus } from '../db/schema';
import { AppError } from '../lib/errors';
import { ProviderError, PROVIDER_NAMES, type PayChannel, type PaymentProvider, type PaymentStart, type ProviderName, type ProviderNotification } from './providers/provider';
import { providerOf } from './providers/registry';
import { settleRefund } from './refunds';
import { subjectOf, type PaymentContext, type PaymentOutcome, type PaymentRow } from './subjects';

/**
 * Payments taken by WeChat Pay or Alipay directly. Our payment id is their `out_trade_no` (and our
 * refund id their refund number), so a retried request is the same trade and every notification or
 * query leads back to one row; the effects are the payment subject's, applied once in one batch.
 * Money is recorded from a verified notification, from the query made when the buyer comes back, or
 * from the job that queries payments whose notification never came — whichever is first; the others
 * find it applied.
 */

export function isProviderMethod(method: string): method is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(method);
}

export function paysOnline(method: PaymentMethod): boolean {
  return (ONLINE_PAYMENT_METHODS as readonly string[]).includes(method);
}

/** Our page that asks the provider for the trade, choosing the channel by the buyer's browser. */
export function payPageUrl(appUrl: string, paymentId: string, accessToken: string): string {
  return `${appUrl.replace(/\/$/, '')}/pay/${paymentId}?token=${accessToken}`;
}

export function notifyUrl(appUrl: string, provider: ProviderName): string {
  return `${appUrl.replace(/\/$/, '')}/api/v1/webhooks/${provider === 'wechat_pay' ? 'wechat-pay' : 'alipay'}`;
}

/**
 * WeChat Pay: JSAPI inside WeChat's browser (when we can get the openid), H5 in other phone browsers,
 * Native QR on a desktop (and inside WeChat without OAuth: a long press reads the code). Alipay: wap
 * on phones, page on desktops.
 */
export function payChannelFor(provider: ProviderName, userAgent: string, options: { jsapi: boolean }): PayChannel {
  const phone = /Mobile|Android|iPhone|iPad|HarmonyOS/i.test(userAgent);
  if (provider === 'alipay') return phone ? 'wap' : 'page';
  if (/MicroMessenger/i.test(userAgent)) return options.jsapi ? 'jsapi' : 'native';
  return phone ? 'h5' : 'native';
}

function requireProvider(ctx: PaymentContext, name: ProviderName): PaymentProvider {
  const provider = providerOf(ctx.env, name);
  if (!provider) throw new AppError('unprocessable', `${name === 'wechat_pay' ? 'WeChat Pay' : 'Alipay'} is not configured on this site`);
  return provider;
}

function providerFailure(error: unknown, what: string): AppError {
  if (!(error instanceof ProviderError)) throw error;
  console.error(`${what}: ${error.message}`);
  return new AppError('payment_provider_error', error.refused ? `The payment provider refused: ${error.code}` : 'The payment provider could not be reached; please try again', {
    cause: error,
  });
}

export type StartRequest = { channel: PayChannel; description: string; returnUrl: string; clientIp?: string; openid?: string };

/** Asks the provider for the trade (again, if need be: the same out_trade_no is the same trade). */
export async function startProviderPayment(ctx: PaymentContext, payment: PaymentRow, request: StartRequest): Promise<PaymentStart> {
  if (!isProviderMethod(payment.method)) throw new AppError('invalid_state', 'This payment is not paid through WeChat Pay or Alipay');
  if (payment.status !== 'pending') throw new AppError('invalid_state', `This payment is ${payment.status}`);
  if (payment.expiresAt !== null && payment.expiresAt <= ctx.now) throw new AppError('invalid_state', 'The time to pay for this order has passed');
  const provider = requireProvider(ctx, payment.method);
  let start: PaymentStart;
  try {
    start = await provider.start({
      outTradeNo: payment.id,
      amountFen: payment.amountFen,
      description: request.description,
      expiresAt: payment.expiresAt ?? ctx.now + 30 * 60 * 1000,
      notifyUrl: notifyUrl(ctx.env.APP_URL, payment.method),
      returnUrl: request.returnUrl,
      channel: request.channel,
      ...(request.clientIp ? { clientIp: request.clientIp } : {}),
      ...(request.openid ? { openid: request.openid } : {}),
    });
  } catch (error) {
    throw providerFailure(error, `${payment.method} prepay for ${payment.id}`);
  }
  await ctx.db
    .update(payments)
    .set({ payChannel: request.channel, updatedAt: ctx.now })
    .where(and(eq(payments.id, payment.id), eq(payments.status, 'pending')));
  return start;
}

/** Money may arrive for a trade we had given up on: the subject revives the order or refunds it. */
const LATE_OK: PaymentStatus[] = ['pending', 'cancelled', 'failed'];

export type NotificationResult = PaymentOutcome | 'duplicate' | 'ignored';

/** A verified notification that still cannot be applied: refused (the provider retries), nothing written. */
export class NotificationRefused extends AppError {
  constructor(rule: 'unknown_order' | 'wrong_amount' | 'unknown_refund', message: string) {
    super('unprocessable', message, { errors: [{ path: 'body', message, rule }] });
  }
}

async function recordOnly(ctx: PaymentContext, lead: Statement[], result: NotificationResult): Promise<NotificationResult> {
  await runBatch(ctx.db, lead);
  return result;
}

async function providerPayment(ctx: PaymentContext, provider: ProviderName, outTradeNo: string): Promise<PaymentRow> {
  const payment = await ctx.db.select().from(payments).where(eq(payments.id, outTradeNo)).get();
  if (!payment || payment.method !== provider) throw new NotificationRefused('unknown_order', `No ${provider} payment ${outTradeNo} here`);
  return payment;
}

/** Applies a verified notification once: its id opens the effect batch, so a redelivery changes nothing. */
export async function applyProviderNotification(ctx: PaymentContext, provider: ProviderName, note: ProviderNotification): Promise<NotificationResult> {
  const id = `${provider}:${note.id}`;
  if (await ctx.db.select({ id: providerNotifications.id }).from(providerNotifications).where(eq(providerNotifications.id, id)).get()) return 'duplicate';
  const lead = [ctx.db.insert(providerNotifications).values({ id, provider, kind: note.kind, receivedAt: ctx.now })];
  try {
    switch (note.kind) {
      case 'paid': {
        const payment = await providerPayment(ctx, provider, note.outTradeNo);
        if (note.amountFen !== payment.amountFen) {
          throw new NotificationRefused('wrong_amount', `${provider} reports ${note.amountFen} fen paid for ${payment.id}, which is for ${payment.amountFen} fen`);
        }
        return await subjectOf(payment).moneyArrived(ctx, payment, { details: { providerTradeNo: note.tradeNo }, from: LATE_OK, lead, trail: [], actor: null });
      }
      case 'refund': {
        const refund = await ctx.db.select().from(refunds).where(eq(refunds.id, note.outRefundNo)).get();
        const payment = refund ? await ctx.db.select().from(payments).where(eq(payments.id, refund.paymentId)).get() : undefined;
        if (!refund || payment?.method !== provider) throw new NotificationRefused('unknown_refund', `No ${provider} refund ${note.outRefundNo} here`);
        if (note.state === 'processing') return await recordOnly(ctx, lead, 'no_change');
        const before = refund.status;
        const after = await settleRefund(ctx, subjectOf(payment), refund.id, note.state, { lead });
        return after.status === before ? 'already_applied' : 'applied';
      }
      case 'closed':
        // The trade closed at the provider (our close, or its own timeout): the expiry job cancels the order.
        return await recordOnly(ctx, lead, 'no_change');
      case 'other':
        return await recordOnly(ctx, lead, 'ignored');
    }
  } catch (error) {
    // A concurrent delivery of the same notification won the primary key: applied once.
    if (isConstraintError(error, 'provider_notifications.id')) return 'duplicate';
    throw error;
  }
}

export type SyncResult = PaymentOutcome | 'pending' | 'closed' | 'unreachable';

/**
 * Asks the provider whether the buyer paid, and records the money if so: on the return page and from
 * the job for payments whose notification never came.
 */
export async function syncProviderPayment(ctx: PaymentContext, payment: PaymentRow): Promise<SyncResult> {
  if (!isProviderMethod(payment.method)) return 'no_change';
  if (payment.status === 'succeeded') return 'already_applied';
  const provider = providerOf(ctx.env, payment.method);
  if (!provider) return 'unreachable';
  let state: Awaited<ReturnType<PaymentProvider['query']>>;
  try {
    state = await provider.query(payment.id);
  } catch (error) {
    if (error instanceof ProviderError) return 'unreachable';
    throw error;
  }
  if (state.state === 'paid') {
    if (state.amountFen !== payment.amountFen) {
      console.error(`${payment.method} reports ${state.amountFen} fen paid for ${payment.id} (${payment.amountFen} expected); not recorded`);
      return 'pending';
    }
    return subjectOf(payment).moneyArrived(ctx, payment, { details: { providerTradeNo: state.tradeNo }, from: LATE_OK, lead: [], trail: [], actor: null });
  }
  return state.state === 'pending' ? 'pending' : 'closed';
}

export type ProviderClosure = { outcome: 'closed' } | { outcome: 'paid'; result: PaymentOutcome } | { outcome: 'pending' } | { outcome: 'unreachable' };

/**
 * Stops an unpaid trade from taking money (expiry job, buyer cancel). When the provider refuses to
 * close it, it asks what happened: money that came is recorded instead; `unreachable` lets the caller
 * go ahead — money that still arrives revives the order or is refunded.
 */
export async function closeProviderPayment(ctx: PaymentContext, payment: PaymentRow): Promise<ProviderClosure> {
  // Never opened: no trade exists at the provider to take money.
  if (!isProviderMethod(payment.method) || payment.payChannel === null) return { outcome: 'closed' };
  const provider = providerOf(ctx.env, payment.method);
  if (!provider) return { outcome: 'unreachable' };
  try {
    await provider.close(payment.id);
    return { outcome: 'closed' };
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
  }
  const result = await syncProviderPayment(ctx, payment);
  if (result === 'closed') return { outcome: 'closed' };
  if (result === 'pending') return { outcome: 'pending' };
  if (result === 'unreachable') return { outcome: 'unreachable' };
  return { outcome: 'paid', result };
}

/** Pending provider payments the buyer opened long enough ago that their notification should have come, still within their window. */
export function unnotifiedProviderPayments(ctx: PaymentContext, olderThanMs: number, limit: number) {
  return ctx.db
    .select()
    .from(payments)
    .where(and(eq(payments.status, 'pending'), inArray(payments.method, [...PROVIDER_NAMES]), isNotNull(payments.payChannel), lt(payments.updatedAt, ctx.now - olderThanMs), gt(payments.expiresAt, ctx.now)))
    .limit(limit);
}

/** Where a checkout's redirect chain may end besides Stripe: WeChat Pay's H5 page (Alipay's gateway comes from the env). */
export const PAYMENT_FORM_ORIGINS = ['https://wx.tenpay.com'] as const;

/** The origin of the Alipay gateway this deployment uses (production, sandbox, or a fake on loopback). */
export function alipayGatewayOrigin(env: { ALIPAY_GATEWAY_URL?: string }): string {
  try {
    return new URL(env.ALIPAY_GATEWAY_URL || 'https://openapi.alipay.com/gateway.do').origin;
  } catch {
    return 'https://openapi.alipay.com';
  }
}
