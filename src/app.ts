import { sql } from 'drizzle-orm';
import { getCookie, setCookie } from 'hono/cookie';
import { bodyLimit } from 'hono/body-limit';
import { csrf } from 'hono/csrf';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { accountsApi, accountsPages, createAuth, hasCredentials, resolveActor } from './accounts';
import { catalogApi, catalogPages } from './catalog';
import { composeDomains } from './compose';
import { countingD1, createDb } from './db/client';
import { openSession, rememberBookmark } from './db/session';
import type { AppEnv } from './env';
import { AppError, handleError, problemResponse } from './lib/errors';
import { isLocale, localeFromAcceptLanguage } from './lib/i18n';
import { isTrustedOrigin } from './lib/origins';
import { publicCache, publishAfterWrites, withVersionsProbe, type VersionsProbe } from './lib/public-cache';
import { limitGuestWrites, type RateLimitBinding } from './lib/rate-limit';
import { CART_COOKIE } from './orders';
import { CART_COUNT_COOKIE } from './views/cart-count';
import { ApiDocsPage } from './views/api-docs';
import { createRouter } from './lib/router';
import { cooperativesApi } from './cooperatives';
import { photoPages } from './cooperatives';
import { cooperativePages } from './cooperatives';
import { fulfilmentApi } from './fulfilment';
import { fulfilmentPages } from './fulfilment';
import { settlementsApi } from './settlements';
import { settlementPages } from './settlements';
import { ordersApi } from './orders';
import { ordersPages } from './orders';
import { alipayGatewayOrigin, PAYMENT_FORM_ORIGINS, paymentsApi } from './payments';
import { paymentsPages } from './payments';
import { adminApi } from './admin';
import { adminPages } from './admin';
import { impactApi } from './impact';
import { impactPages } from './impact';
import { groupBuysApi } from './group-buys';
import { groupBuyPages } from './group-buys';
import { procurementApi } from './procurement';
import { procurementPages } from './procurement';
import { messagesApi, messagesPages, relayOutbox } from './messages';

/**
 * After a write, puts the notifications it wrote on the delivery queue (the rows are the outbox, written in
 * the write's own batch; this relay is what makes them go out now rather than at the next cron sweep).
 * A failure here loses nothing: the sweep enqueues whatever is left.
 */
const relayNotifications = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return;
  const relay = relayOutbox(c.var.db, c.env.MESSAGES).catch((error) => console.error('outbox relay failed', error));
  try {
    c.executionCtx.waitUntil(relay);
  } catch {
    await relay; // no execution context (app.request in a unit test)
  }
});

const provideDb = createMiddleware<AppEnv>(async (c, next) => {
  const counter = { queries: 0 };
  c.set('queryCounter', counter);
  const bench = c.env.BENCH_MODE === '1';
  const session = openSession(c);
  const probe: VersionsProbe = { versions: null };
  c.set('versionsProbe', probe);
  c.set('db', createDb(withVersionsProbe(bench ? countingD1(session, counter) : session, probe)));
  await next();
  rememberBookmark(c, session);
  if (bench) c.header('x-d1-queries', String(counter.queries));
});

/** `?lang=` switches and is remembered in a cookie; otherwise the cookie; a first visit follows Accept-Language (Chinese when unsure). */
const chooseLocale = createMiddleware<AppEnv>(async (c, next) => {
  const requested = c.req.query('lang');
  if (isLocale(requested)) {
    setCookie(c, 'lang', requested, { path: '/', maxAge: 60 * 60 * 24 * 365, sameSite: 'Lax' });
    c.set('locale', requested);
  } else {
    const remembered = getCookie(c, 'lang');
    c.set('locale', isLocale(remembered) ? remembered : localeFromAcceptLanguage(c.req.header('accept-language')));
  }
  await next();
});

const MAX_JSON_BODY_BYTES = 64 * 1024;
const MAX_BULK_JSON_BODY_BYTES = 3 * 1024 * 1024;
const tooLarge = (limit: number) => () => {
  throw new AppError('payload_too_large', `A JSON body may be at most ${limit / 1024} KiB`);
};

/**
 * A script (no cookie, no Origin, no Sec-Fetch-Site: no browser sends a POST like that) is presented to
 * Better Auth as coming from our own origin. Better Auth asks for an Origin whenever any Sec-Fetch-* header
 * is present, and Node's fetch always sends `Sec-Fetch-Mode: cors`; without cookies there is nothing to forge.
 */
function asScriptRequest(request: Request, appUrl: string): Request {
  const headers = request.headers;
  if (headers.has('cookie') || headers.has('origin') || headers.has('sec-fetch-site')) return request;
  const presented = new Request(request);
  presented.headers.set('origin', new URL(appUrl).origin);
  return presented;
}

/** The OpenAPI document's own fields, served at /openapi.json (scripts/openapi-document.mts prints the same document). */
export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'Shanhai API',
    version: '1.0.0',
    description:
      'Marketplace for consumption-based assistance (消费帮扶) between Shanghai districts and their paired counties. Money is integer fen; errors are RFC 9457 problem+json.',
  },
  servers: [{ url: '/' }],
};
/** Reads that are the same for every anonymous visitor in a locale, and depend only on catalog and impact data. */
const PUBLIC_READS = [
  '/api/v1/products',
  '/api/v1/products/:id',
  '/api/v1/counties',
  '/api/v1/counties/:id',
  '/api/v1/districts',
  '/api/v1/cooperatives/:id',
  '/api/v1/impact',
  '/',
  '/products',
  '/products/:id',
  '/counties',
  '/counties/:id',
  '/cooperatives/:id',
  '/impact',
];

/** Writes a guest may send, limited per address (src/lib/rate-limit.ts); the action names the counter. */
const GUEST_WRITES: Array<[path: string, binding: RateLimitBinding, action: string]> = [
  ['/api/v1/orders', 'GUEST_ORDERS', 'order'],
  ['/checkout', 'GUEST_ORDERS', 'order'],
  ['/api/v1/group-buys/:id/participants', 'GUEST_ORDERS', 'join'],
  ['/g/:shortCode', 'GUEST_ORDERS', 'join'],
  ['/api/v1/quotes', 'GUEST_QUOTES', 'quote'],
];

export function createApp() {
  composeDomains();
  const app = createRouter();

  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        // Checkout redirects (a form post's redirect chain is subject to form-action) to Stripe, WeChat Pay H5 and Alipay's cashier.
        formAction: ["'self'", 'https://checkout.stripe.com', ...PAYMENT_FORM_ORIGINS, (c) => alipayGatewayOrigin(c.env)],
      },
      crossOriginEmbedderPolicy: false,
    }),
  );
  // Posts a browser sends must come from a trusted origin (Origin or Sec-Fetch-Site checked; see
  // src/lib/origins.ts). Forgery rides on what a browser attaches by itself, so a request with no cookie
  // is not asked for an Origin: a script with a bearer token, or a guest's bodiless cancel with its
  // ?token=, passes. A cookieless request that does name its origin (a cross-site form signing someone in)
  // is still checked.
  const originCheck = csrf({ origin: (origin, c) => isTrustedOrigin(origin, c.env, c.req.url) });
  const trustedOriginsOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
    try {
      await originCheck(c, next);
    } catch (error) {
      // Hono's refusal is a bare 403; ours names itself so a client can tell it from a policy refusal.
      if (error instanceof HTTPException && error.status === 403 && !(error instanceof AppError)) {
        throw new AppError('csrf_rejected', 'A browser request with cookies must come from this site (Origin or Sec-Fetch-Site)', { cause: error });
      }
      throw error;
    }
  };
  app.use('*', (c, next) => {
    if (c.req.header('cookie')) return trustedOriginsOnly(c, next);
    const bearer = c.req.header('authorization')?.startsWith('Bearer ');
    const fromBrowser = c.req.header('origin') !== undefined || c.req.header('sec-fetch-site') !== undefined;
    return bearer || !fromBrowser ? next() : trustedOriginsOnly(c, next);
  });
  // JSON bodies are bounded before anything parses them; the bulk order's CSV may arrive inside JSON (1 MiB
  // of text plus its escaping). Raw uploads (photos, CSV files) keep their own limits in their handlers.
  const jsonBodyLimit = bodyLimit({ maxSize: MAX_JSON_BODY_BYTES, onError: tooLarge(MAX_JSON_BODY_BYTES) });
  const bulkBodyLimit = bodyLimit({ maxSize: MAX_BULK_JSON_BODY_BYTES, onError: tooLarge(MAX_BULK_JSON_BODY_BYTES) });
  app.use('/api/*', (c, next) => {
    if (!/json/i.test(c.req.header('content-type') ?? '')) return next();
    return (c.req.path === '/api/v1/orders/bulk' ? bulkBodyLimit : jsonBodyLimit)(c, next);
  });
  app.use('*', provideDb, relayNotifications, chooseLocale, resolveActor, publishAfterWrites);
  // Public reads answered from the Cache API (src/lib/public-cache.ts), registered here so pages and
  // handlers stay unaware of it. Anyone who could see something of their own bypasses it.
  // A cart (its id, or the count the tab bar shows without JavaScript) makes the page someone's own.
  const withCart = (c: Context<AppEnv>) => getCookie(c, CART_COOKIE) !== undefined || getCookie(c, CART_COUNT_COOKIE) !== undefined;
  // `?lang=` answers set the language cookie, which a shared entry cannot carry: those go to the handler.
  const switchesLanguage = (c: Context<AppEnv>) => c.req.query('lang') !== undefined;
  const cached = publicCache({ personalised: (c) => hasCredentials(c.req.raw.headers) || withCart(c) || switchesLanguage(c) });
  for (const path of PUBLIC_READS) app.use(path, cached);
  const signedIn = (c: Context<AppEnv>) => hasCredentials(c.req.raw.headers);
  for (const [path, binding, action] of GUEST_WRITES) app.post(path, limitGuestWrites({ binding, action, signedIn }));

  // Better Auth's own endpoints: sign-up, sign-in, sign-out, sessions, organisations.
  app.on(['GET', 'POST'], '/api/auth/*', (c) => createAuth(c.env, c.var.db).handler(asScriptRequest(c.req.raw, c.env.APP_URL)));

  // The floor route for benchmarks: no database, no rendering.
  app.get('/healthz', (c) => c.text('ok'));
  // The cache floor for benchmarks: one fixed entry answered from the Cache API, what a cached public read
  // costs at best here (src/lib/public-cache.ts does this lookup plus its version check).
  app.get('/healthz/cache', async (c) => {
    const key = `${new URL(c.req.url).origin}/_public-cache/floor`;
    const hit = await caches.default.match(key);
    if (hit) return new Response(hit.body, hit);
    await caches.default.put(key, new Response('ok', { headers: { 'content-type': 'text/plain', 'cache-control': 'max-age=86400' } }));
    return c.text('ok');
  });
  // Readiness: one trivial D1 query. The bench also reads it as the cost of a single D1 round trip.
  app.get('/healthz/db', async (c) => {
    try {
      await c.var.db.run(sql`select 1`);
      return c.text('ok');
    } catch {
      return c.text('database unavailable', 503);
    }
  });

  app.doc31('/openapi.json', OPENAPI_DOCUMENT);
  app.get('/docs', (c) => c.html(`<!doctype html>${ApiDocsPage({ specUrl: '/openapi.json' })}`));

  app.route('/api/v1', accountsApi);
  app.route('/', accountsPages);
  // Cooperative portal. Its API goes before the catalog's so GET /products/export is not read as a product id.
  app.route('/api/v1', cooperativesApi);
  app.route('/api/v1', fulfilmentApi);
  app.route('/api/v1', settlementsApi);
  app.route('/', photoPages);
  app.route('/', cooperativePages);
  app.route('/', fulfilmentPages);
  app.route('/', settlementPages);
  // Before the orders API, so POST /orders/bulk is not read as an order id.
  app.route('/api/v1', procurementApi);
  app.route('/api/v1', ordersApi);
  app.route('/api/v1', paymentsApi);
  app.route('/', ordersPages);
  app.route('/', paymentsPages);
  app.route('/api/v1', catalogApi);
  app.route('/', catalogPages);
  app.route('/api/v1', impactApi);
  app.route('/', impactPages);
  app.route('/api/v1', adminApi);
  app.route('/', adminPages);
  app.route('/api/v1', groupBuysApi);
  app.route('/', groupBuyPages);
  app.route('/', procurementPages);
  app.route('/api/v1', messagesApi);
  app.route('/', messagesPages);

  app.notFound((c) => problemResponse(new AppError('not_found', `No route for ${c.req.method} ${c.req.path}`)));
  app.onError(handleError);
  return app;
}

export type App = ReturnType<typeof createApp>;
