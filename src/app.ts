import { sql } from 'drizzle-orm';
import { getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { createMiddleware } from 'hono/factory';
import { secureHeaders } from 'hono/secure-headers';
import { accountsApi } from './accounts';
import { accountsPages } from './accounts';
import { resolveActor } from './accounts';
import { createAuth } from './accounts';
import { catalogApi, catalogPages } from './catalog';
import { composeDomains } from './compose';
import { countingD1, createDb } from './db/client';
import { openSession, rememberBookmark } from './db/session';
import type { AppEnv } from './env';
import { AppError, handleError, problemResponse } from './lib/errors';
import { isLocale, localeFromAcceptLanguage } from './lib/i18n';
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
import { paymentsApi } from './payments';
import { paymentsPages } from './payments';
import { adminApi } from './admin';
import { adminPages } from './admin';
import { impactApi } from './impact';
import { impactPages } from './impact';
import { groupBuysApi } from './group-buys';
import { groupBuyPages } from './group-buys';
import { procurementApi } from './procurement';
import { procurementPages } from './procurement';

const provideDb = createMiddleware<AppEnv>(async (c, next) => {
  const counter = { queries: 0 };
  c.set('queryCounter', counter);
  const bench = c.env.BENCH_MODE === '1';
  const session = openSession(c);
  c.set('db', createDb(bench ? countingD1(session, counter) : session));
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
        formAction: ["'self'", 'https://checkout.stripe.com'],
      },
      crossOriginEmbedderPolicy: false,
    }),
  );
  // Cookie-authenticated form posts must come from our own origin (Origin / Sec-Fetch-Site checked).
  // A script holding a bearer token and no cookie cannot be the victim of a forged cross-site post,
  // so it may POST without a body or Origin header.
  const sameOrigin = csrf({
    origin: (origin, c) => origin === new URL(c.req.url).origin || origin === new URL(c.env.APP_URL).origin,
  });
  app.use('*', (c, next) => {
    const bearerOnly = c.req.header('authorization')?.startsWith('Bearer ') && !c.req.header('cookie');
    return bearerOnly ? next() : sameOrigin(c, next);
  });
  app.use('*', provideDb, chooseLocale, resolveActor);

  // Better Auth's own endpoints: sign-up, sign-in, sign-out, sessions, organisations.
  app.on(['GET', 'POST'], '/api/auth/*', (c) => createAuth(c.env, c.var.db).handler(c.req.raw));

  // The floor route for benchmarks: no database, no rendering.
  app.get('/healthz', (c) => c.text('ok'));
  // Readiness: one trivial D1 query. The bench also reads it as the cost of a single D1 round trip.
  app.get('/healthz/db', async (c) => {
    try {
      await c.var.db.run(sql`select 1`);
      return c.text('ok');
    } catch {
      return c.text('database unavailable', 503);
    }
  });

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Shanhai API',
      version: '1.0.0',
      description:
        'Marketplace for consumption-based assistance (消费帮扶) between Shanghai districts and their paired counties. Money is integer fen; errors are RFC 9457 problem+json.',
    },
    servers: [{ url: '/' }],
  });
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

  app.notFound((c) => problemResponse(new AppError('not_found', `No route for ${c.req.method} ${c.req.path}`)));
  app.onError(handleError);
  return app;
}

export type App = ReturnType<typeof createApp>;
