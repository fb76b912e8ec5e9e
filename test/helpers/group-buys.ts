import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { vi } from 'vitest';
import worker from '../../src/index';
import { createDb } from '../../src/db/client';
import { applyParticipantPaymentEffect, participantPaymentSucceeded } from '../../src/group-buys/group-buys.payments';
import { runScheduledJobs } from '../../src/jobs/scheduled';
import { demoOrganizations, productId } from '../../seeds/seed';
import { BASE, callJson, type JsonInit } from './http';

/** Seeded products used by the group-buy tests (see seeds/data.ts). */
export const PRODUCTS = {
  /** 景东无量山干香菇: ¥48.80 list, MOQ 1, step 1, stock 600, cooperative jingdong-wuliang-shiitake. */
  shiitake: productId('JD-MUS-001'),
  /** 永胜六德鲜香菇: ¥36.80, MOQ 1, step 1, stock 150, cooperative zhongyuan-liude. */
  freshShiitake: productId('YS-MUS-001'),
  /** 宣威火腿块（食堂箱装）: ¥168.00, MOQ 10, step 5. */
  hamCase: productId('XW-HAM-003'),
};

export const SHOWROOM = demoOrganizations.showroom.id;
export const CANTEEN = demoOrganizations.canteen.id;
export const HOUR = 60 * 60 * 1000;

/** The first 10:00 Beijing time (02:00 UTC) at or after `after`. */
function nextBeijingTen(after: number): number {
  const day = 24 * HOUR;
  const ten = Math.floor(after / day) * day + 2 * HOUR;
  return ten >= after ? ten : ten + day;
}

export function createBody(overrides: Record<string, unknown> = {}) {
  const closesAt = Date.now() + 48 * HOUR;
  return {
    organizationId: SHOWROOM,
    title: '永胜香菇社区团购',
    description: '丽江展销馆自提',
    closesAt: new Date(closesAt).toISOString(),
    // The next morning, two hours: "周六 10:00–12:00". Anchored to Beijing's clock so the window never
    // straddles midnight, which would print as two dates (CI once ran at 23:47 UTC).
    pickupStartsAt: new Date(nextBeijingTen(closesAt + 8 * HOUR)).toISOString(),
    pickupEndsAt: new Date(nextBeijingTen(closesAt + 8 * HOUR) + 2 * HOUR).toISOString(),
    pickupOrganizationId: SHOWROOM,
    minParticipants: 2,
    items: [
      { productId: PRODUCTS.shiitake, unitPriceFen: 4280 },
      { productId: PRODUCTS.freshShiitake, unitPriceFen: 3280, maxQuantity: 50 },
    ],
    ...overrides,
  };
}

/** Opens a group buy through the API as `token` and returns its view. */
export async function openGroupBuy(token: string, overrides: Record<string, unknown> = {}) {
  const { status, body } = await callJson('/api/v1/group-buys', { method: 'POST', token, json: createBody(overrides) });
  if (status !== 201) throw new Error(`create failed: ${status} ${JSON.stringify(body)}`);
  return body as { id: string; shortCode: string; shareUrl: string; items: { productId: string }[] };
}

let phoneCounter = 0;
export function nextPhone(): string {
  phoneCounter += 1;
  return `139${String(10_000_000 + phoneCounter).slice(-8)}`;
}

export function joinBody(overrides: Record<string, unknown> = {}) {
  return {
    name: '张阿姨',
    phone: nextPhone(),
    items: [{ productId: PRODUCTS.shiitake, quantity: 2 }],
    paymentMethod: 'pay_at_pickup',
    ...overrides,
  };
}

export function joinGroupBuy(groupBuyId: string, overrides: Record<string, unknown> = {}, init: JsonInit = {}) {
  return callJson(`/api/v1/group-buys/${groupBuyId}/participants`, { method: 'POST', json: joinBody(overrides), ...init });
}

/** Moves a group's deadline (tests cannot wait for the clock). */
export async function setClosesAt(groupBuyId: string, closesAt: number) {
  await env.DB.prepare('UPDATE group_buys SET closes_at = ? WHERE id = ?').bind(closesAt, groupBuyId).run();
}

export async function setStock(product: string, stock: number) {
  await env.DB.prepare('UPDATE products SET stock = ? WHERE id = ?').bind(stock, product).run();
}

export async function stockOf(product: string): Promise<number> {
  return (await env.DB.prepare('SELECT stock FROM products WHERE id = ?').bind(product).first<number>('stock'))!;
}

export async function rowCount(table: string, where = '1 = 1', ...binds: unknown[]): Promise<number> {
  return (await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).bind(...binds).first<number>('n'))!;
}

export const STRIPE_KEY = 'sk_test_group_buys';
export const stripeEnv = { ...env, STRIPE_SECRET_KEY: STRIPE_KEY };

/** Calls the worker with Stripe configured (the test env has no key). */
export async function callWithStripe(path: string, init: JsonInit = {}) {
  const headers = new Headers(init.headers);
  if (init.json !== undefined) headers.set('content-type', 'application/json');
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  if (init.method && init.method !== 'GET') headers.set('origin', BASE);
  const request = new Request(`${BASE}${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
  });
  const ctx = createExecutionContext();
  const res = await worker.fetch(request, stripeEnv, ctx);
  await waitOnExecutionContext(ctx);
  const text = await res.text();
  let body: any = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  return { status: res.status, body, res };
}

export type StripeCall = { method: string; path: string; idempotencyKey: string | null; params: URLSearchParams };

/**
 * Replaces Stripe at the network boundary: `globalThis.fetch` answers api.stripe.com requests with
 * Stripe-shaped JSON and records each call. `refundStatus` chooses what refunds.create answers.
 */
export function stubStripe(options: { refundStatus?: string; failCheckout?: boolean } = {}) {
  const calls: StripeCall[] = [];
  const refundsByKey = new Map<string, { id: string; amount: number; payment_intent: string }>();
  let counter = 0;
  const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.hostname !== 'api.stripe.com') throw new Error(`unexpected outbound fetch to ${url.hostname}`);
    const params = new URLSearchParams(request.method === 'GET' ? url.search : new TextDecoder().decode(await request.arrayBuffer()));
    const idempotencyKey = request.headers.get('idempotency-key');
    calls.push({ method: request.method, path: url.pathname, idempotencyKey, params });
    const reply = (status: number, body: unknown) =>
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'request-id': `req_${++counter}` } });
    if (url.pathname === '/v1/checkout/sessions' && request.method === 'POST') {
      if (options.failCheckout) return reply(500, { error: { type: 'api_error', message: 'Stripe is down' } });
      const id = `cs_test_${params.get('metadata[paymentId]')}`;
      return reply(200, {
        id,
        object: 'checkout.session',
        url: `https://checkout.stripe.com/c/pay/${id}`,
        status: 'open',
        payment_status: 'unpaid',
        expires_at: Number(params.get('expires_at')),
        metadata: { paymentId: params.get('metadata[paymentId]') },
      });
    }
    const expire = /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/.exec(url.pathname);
    if (expire) return reply(200, { id: expire[1], object: 'checkout.session', status: 'expired' });
    if (url.pathname === '/v1/refunds' && request.method === 'POST') {
      // Stripe's idempotency: the same key answers the same refund.
      const key = idempotencyKey ?? `none-${counter}`;
      const refund = refundsByKey.get(key) ?? {
        id: `re_test_${crypto.randomUUID().replace(/-/g, '').slice(0, 16)}`,
        amount: Number(params.get('amount')),
        payment_intent: params.get('payment_intent') ?? '',
      };
      refundsByKey.set(key, refund);
      return reply(200, { ...refund, object: 'refund', status: options.refundStatus ?? 'succeeded', currency: 'cny' });
    }
    const refund = /^\/v1\/refunds\/([^/]+)$/.exec(url.pathname);
    if (refund) return reply(200, { id: refund[1], object: 'refund', status: 'succeeded', currency: 'cny' });
    return reply(404, { error: { type: 'invalid_request_error', message: `no stub for ${request.method} ${url.pathname}` } });
  });
  return {
    calls,
    refundCalls: () => calls.filter((c) => c.method === 'POST' && c.path === '/v1/refunds'),
    checkoutCalls: () => calls.filter((c) => c.method === 'POST' && c.path === '/v1/checkout/sessions'),
    restore: () => spy.mockRestore(),
  };
}

/** What the Stripe webhook does for a participant's completed checkout (without signing an event). */
export async function payParticipant(paymentId: string, at = Date.now()) {
  const db = createDb(env.DB);
  await applyParticipantPaymentEffect(db, stripeEnv, () =>
    participantPaymentSucceeded(db, { paymentId, stripePaymentIntentId: `pi_test_${paymentId}`, paymentMethodType: 'alipay', at }),
  );
}

/** Joins with Stripe (checkout stubbed) and pays; returns the join response body. */
export async function joinPaid(groupBuyId: string, overrides: Record<string, unknown> = {}) {
  const joined = await callWithStripe(`/api/v1/group-buys/${groupBuyId}/participants`, {
    method: 'POST',
    json: joinBody({ paymentMethod: 'stripe', ...overrides }),
  });
  if (joined.status !== 201) throw new Error(`stripe join failed: ${joined.status} ${JSON.stringify(joined.body)}`);
  await payParticipant(joined.body.payment.id);
  return joined.body as { participantId: string; accessToken: string; pickupCode: string; payment: { id: string } };
}

/** Runs the cron jobs; with Stripe configured only when a test has stubbed it (`withStripe`). */
export async function runCron(now = Date.now(), options: { withStripe?: boolean } = { withStripe: true }) {
  return runScheduledJobs(options.withStripe ? stripeEnv : env, now);
}

/**
 * A Db whose first batch waits for `interlude` to run first: puts another actor's whole action
 * between a service's reads and its batch, deterministically, to test what its guard does then.
 */
export function dbWithInterlude(interlude: () => Promise<unknown>) {
  let pending = true;
  const d1 = new Proxy(env.DB, {
    get(target, prop) {
      if (prop === 'batch') {
        return async (statements: D1PreparedStatement[]) => {
          if (pending) {
            pending = false;
            await interlude();
          }
          return target.batch(statements);
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return createDb(d1);
}
