import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import Stripe from 'stripe';
import worker from '../../src/index';
import { BASE, type JsonInit } from './http';

/**
 * Factories and fakes for order and payment tests: cooperatives and products with known rules,
 * row counts for "nothing was written" assertions, the worker called with Stripe configured, and a
 * fake Stripe API at the network boundary (globalThis.fetch) answering in Stripe's documented shapes.
 */

let counter = 0;
const next = () => `${Date.now().toString(36)}${(counter += 1)}`;

async function aCountyId(): Promise<string> {
  const row = await env.DB.prepare(`SELECT id FROM counties WHERE district_id IS NOT NULL ORDER BY id LIMIT 1`).first<{ id: string }>();
  if (!row) throw new Error('seed the database first (counties)');
  return row.id;
}

export async function makeCooperative(rule: { shippingFlatFeeFen?: number; freeShippingAboveFen?: number | null; name?: string } = {}): Promise<string> {
  const id = `org_test_coop_${next()}`;
  await env.DB.prepare(
    `INSERT INTO organization (id, name, name_en, slug, kind, status, county_id, shipping_flat_fee_fen, free_shipping_above_fen, verified_at, created_at)
     VALUES (?, ?, ?, ?, 'cooperative', 'verified', ?, ?, ?, 0, 0)`,
  )
    .bind(id, rule.name ?? `测试合作社 ${id}`, `Test cooperative ${id}`, id, await aCountyId(), rule.shippingFlatFeeFen ?? 1000, rule.freeShippingAboveFen === undefined ? 20000 : rule.freeShippingAboveFen)
    .run();
  return id;
}

export type ProductSpec = {
  cooperativeId: string;
  unitPriceFen?: number;
  priceTiers?: { minQuantity: number; unitPriceFen: number }[];
  minOrderQuantity?: number;
  orderStep?: number;
  stock?: number;
  status?: 'draft' | 'published' | 'unpublished';
  category?: string;
  nameZh?: string;
};

export async function makeProduct(spec: ProductSpec): Promise<string> {
  const suffix = next();
  const id = `prd_test_${suffix}`;
  const coop = await env.DB.prepare(`SELECT county_id AS countyId FROM organization WHERE id = ?`).bind(spec.cooperativeId).first<{ countyId: string }>();
  await env.DB.prepare(
    `INSERT INTO products (id, sku, cooperative_id, county_id, category, name_zh, name_en, unit_zh, unit_en, unit_price_fen, price_tiers,
       min_order_quantity, order_step, stock, status, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, '袋', 'bag', ?, ?, ?, ?, ?, ?, 0, 0)`,
  )
    .bind(
      id,
      `TEST-${suffix}`.toUpperCase(),
      spec.cooperativeId,
      coop!.countyId,
      spec.category ?? 'mushroom',
      spec.nameZh ?? `测试商品 ${suffix}`,
      `Test product ${suffix}`,
      spec.unitPriceFen ?? 1000,
      JSON.stringify(spec.priceTiers ?? []),
      spec.minOrderQuantity ?? 1,
      spec.orderStep ?? 1,
      spec.stock ?? 100,
      spec.status ?? 'published',
    )
    .run();
  return id;
}

export async function stockOf(productId: string): Promise<number> {
  const row = await env.DB.prepare(`SELECT stock FROM products WHERE id = ?`).bind(productId).first<{ stock: number }>();
  return row!.stock;
}

export async function setStock(productId: string, stock: number): Promise<void> {
  await env.DB.prepare(`UPDATE products SET stock = ? WHERE id = ?`).bind(stock, productId).run();
}

/** Rows in every table an order writes: compare before and after to prove nothing was written. */
export async function orderRowCounts(): Promise<Record<string, number>> {
  const tables = ['orders', 'order_lines', 'shipments', 'shipment_items', 'payments', 'refunds', 'idempotency_keys', 'stripe_events', 'sales_daily', 'audit_log'];
  const results = await env.DB.batch(tables.map((t) => env.DB.prepare(`SELECT COUNT(*) AS n FROM ${t}`)));
  return Object.fromEntries(tables.map((t, i) => [t, (results[i]!.results[0] as { n: number }).n]));
}

export async function row<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T> {
  return (await env.DB.prepare(sql).bind(...params).first<T>())!;
}

export async function rows<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]> {
  return (await env.DB.prepare(sql).bind(...params).all<T>()).results;
}

export const shipAddress = { recipient: '李女士', phone: '13800000001', districtId: 'yangpu', street: '控江路 1000 号 3 号楼 501 室' };
export const contact = { name: '李女士', phone: '13800000001' };
export const SHOWROOM = 'org_lijiang_showroom_yangpu';
export const CANTEEN = 'org_baoshan_canteen';

export function orderBody(items: { productId: string; quantity: number }[], overrides: Record<string, unknown> = {}) {
  return { items, delivery: { method: 'ship', address: shipAddress }, contact, paymentMethod: 'pay_at_pickup', ...overrides };
}

export const pickupAtShowroom = { method: 'pickup', pickupOrganizationId: SHOWROOM };

export const STRIPE_ENV = { STRIPE_SECRET_KEY: 'sk_test_shanhai', STRIPE_WEBHOOK_SECRET: 'whsec_test_shanhai' };

/** Calls the worker with extra bindings (e.g. Stripe keys), the way the runtime would call it. */
export async function callWithEnv(overrides: Partial<Cloudflare.Env>, path: string, init: JsonInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.json !== undefined) headers.set('content-type', 'application/json');
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  if (!headers.has('origin') && init.method && init.method !== 'GET') headers.set('origin', BASE);
  const body = init.json !== undefined ? JSON.stringify(init.json) : init.body;
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${BASE}${path}`, { ...init, headers, body }) as Request<unknown, IncomingRequestCfProperties>, { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

export async function jsonOf<T = any>(res: Response): Promise<{ status: number; body: T }> {
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export const withStripe = (path: string, init: JsonInit = {}) => callWithEnv(STRIPE_ENV, path, init);

/** One request the fake Stripe API received. */
export type StripeRequest = { method: string; path: string; params: URLSearchParams; headers: Headers };

type Route = (req: StripeRequest) => { status?: number; body: unknown } | undefined;

/**
 * A fake api.stripe.com behind globalThis.fetch. Records every request; `on(method, pathPattern, reply)`
 * answers; unknown requests get Stripe's 404 error shape. Sessions it creates are remembered so
 * retrieve/expire answer consistently.
 */
export function fakeStripe() {
  const requests: StripeRequest[] = [];
  const routes: { method: string; pattern: RegExp; reply: Route }[] = [];
  const sessions = new Map<string, Record<string, unknown>>();
  const replays = new Map<string, { fingerprint: string; body: unknown }>();
  const control = { loseResponses: 0 };
  /** Stripe did the work but the answer never reached us. */
  const loseIfAsked = () => {
    if (control.loseResponses <= 0) return;
    control.loseResponses -= 1;
    throw new TypeError('Network connection lost');
  };
  const original = globalThis.fetch;
  let sessionCounter = 0;

  const on = (method: string, pattern: RegExp, reply: Route) => routes.unshift({ method, pattern, reply });

  // Defaults in Stripe's shapes.
  on('POST', /^\/v1\/checkout\/sessions$/, (req) => {
    sessionCounter += 1;
    const id = `cs_test_${sessionCounter}_${req.params.get('metadata[paymentId]')}`;
    const session = {
      id,
      object: 'checkout.session',
      mode: 'payment',
      currency: 'cny',
      status: 'open',
      payment_status: 'unpaid',
      amount_total: 0,
      payment_intent: null,
      client_reference_id: req.params.get('client_reference_id'),
      metadata: { orderId: req.params.get('metadata[orderId]'), paymentId: req.params.get('metadata[paymentId]') },
      expires_at: Number(req.params.get('expires_at')),
      url: `https://checkout.stripe.com/c/pay/${id}`,
      payment_method_types: ['card', 'alipay', 'wechat_pay'],
    };
    sessions.set(id, session);
    return { body: session };
  });
  on('GET', /^\/v1\/checkout\/sessions\/([^/]+)$/, (req) => {
    const session = sessions.get(req.path.split('/')[4]!);
    return session ? { body: session } : undefined;
  });
  on('POST', /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/, (req) => {
    const session = sessions.get(req.path.split('/')[4]!);
    if (!session) return undefined;
    if (session.status !== 'open') {
      return { status: 400, body: { error: { type: 'invalid_request_error', message: `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${session.status}".` } } };
    }
    session.status = 'expired';
    return { body: session };
  });
  on('POST', /^\/v1\/refunds$/, (req) => ({
    body: {
      id: `re_test_${req.params.get('metadata[refundId]')}`,
      object: 'refund',
      amount: Number(req.params.get('amount')),
      currency: 'cny',
      payment_intent: req.params.get('payment_intent'),
      status: 'succeeded',
      metadata: Object.fromEntries([...req.params].filter(([k]) => k.startsWith('metadata[')).map(([k, v]) => [k.slice(9, -1), v])),
    },
  }));

  /** Payment intents of paid sessions and the method each was paid with. */
  const intents = new Map<string, string>();
  on('GET', /^\/v1\/payment_intents\/([^/]+)$/, (req) => {
    const id = req.path.split('/')[3]!;
    const type = intents.get(id);
    if (!type) return undefined;
    const method = { id: `pm_test_${id}`, object: 'payment_method', type };
    const expanded = req.params.getAll('expand[]').includes('payment_method') || req.params.getAll('expand[0]').includes('payment_method');
    return { body: { id, object: 'payment_intent', status: 'succeeded', currency: 'cny', payment_method: expanded ? method : method.id, payment_method_types: [type] } };
  });

  const fake = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.hostname !== 'api.stripe.com') return original(input, init);
    const method = (init?.method ?? 'GET').toUpperCase();
    const params = new URLSearchParams(method === 'GET' ? url.search : String(init?.body ?? ''));
    const req: StripeRequest = { method, path: url.pathname, params, headers: new Headers(init?.headers) };
    requests.push(req);
    // Like Stripe: a key replays its first successful answer, and refuses different parameters.
    const key = req.headers.get('idempotency-key');
    const replay = key ? replays.get(key) : undefined;
    if (replay) {
      if (replay.fingerprint !== `${method} ${url.pathname} ${params}`) {
        return Response.json({ error: { type: 'idempotency_error', message: 'Keys for idempotent requests can only be used with the same parameters they were first used with.' } }, { status: 400 });
      }
      loseIfAsked();
      return Response.json(replay.body, { status: 200 });
    }
    for (const route of routes) {
      if (route.method !== method || !route.pattern.test(url.pathname)) continue;
      const answer = route.reply(req);
      if (!answer) continue;
      if (key && (answer.status ?? 200) < 300) replays.set(key, { fingerprint: `${method} ${url.pathname} ${params}`, body: answer.body });
      loseIfAsked();
      return Response.json(answer.body, { status: answer.status ?? 200, headers: { 'request-id': `req_${requests.length}` } });
    }
    return Response.json({ error: { type: 'invalid_request_error', message: `No such resource: ${url.pathname}` } }, { status: 404 });
  };
  globalThis.fetch = fake as typeof fetch;

  return {
    requests,
    sessions,
    on,
    /** The next `n` answers are lost on the way back (after Stripe acted on the request). */
    loseResponses(n: number) {
      control.loseResponses = n;
    },
    /** Marks a session as paid, as Stripe would after the buyer pays, with `method` (card, alipay, wechat_pay). */
    pay(sessionId: string, paymentIntent = `pi_test_${sessionId}`, method = 'card') {
      intents.set(paymentIntent, method);
      const session = sessions.get(sessionId)!;
      Object.assign(session, { status: 'complete', payment_status: 'paid', payment_intent: paymentIntent });
      return session;
    },
    restore() {
      globalThis.fetch = original;
    },
  };
}

let eventCounter = 0;

/** A Stripe event JSON and its `Stripe-Signature`, signed with the SDK's own test helper. */
export async function signedEvent(type: string, object: unknown, options: { id?: string; secret?: string } = {}) {
  eventCounter += 1;
  const payload = JSON.stringify({
    id: options.id ?? `evt_test_${Date.now()}_${eventCounter}`,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: Math.floor(Date.now() / 1000),
    type,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object },
  });
  const signature = await Stripe.webhooks.generateTestHeaderStringAsync({ payload, secret: options.secret ?? STRIPE_ENV.STRIPE_WEBHOOK_SECRET });
  return { payload, signature };
}

export async function deliver(event: { payload: string; signature: string }) {
  return jsonOf(
    await withStripe('/api/v1/webhooks/stripe', {
      method: 'POST',
      body: event.payload,
      headers: { 'content-type': 'application/json', 'stripe-signature': event.signature },
    }),
  );
}
