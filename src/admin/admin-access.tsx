import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { requireAdmin } from '../accounts';
import type { AppEnv } from '../env';
import { messages } from '../lib/i18n';
import { Layout } from '../views/layout';

/**
 * Admin API routes: put in a route's `middleware` so a non-admin is refused (401 guest, 403 signed in)
 * before the request is even validated.
 */
export const adminOnly = createMiddleware<AppEnv>(async (c, next) => {
  requireAdmin(c);
  await next();
});

const t = messages({
  zh: { title: '无权访问', body: '管理后台仅限平台管理员使用。', home: '返回首页' },
  en: { title: 'Not allowed', body: 'The admin console is for platform administrators only.', home: 'Back to the home page' },
});

/** Where a guest is sent to sign in and come back. */
export function signInHref(c: Context<AppEnv>): string {
  const url = new URL(c.req.url);
  return `/sign-in?next=${encodeURIComponent(`${url.pathname}${url.search}`)}`;
}

/**
 * Admin pages: a guest is redirected to sign in, a signed-in non-admin gets a 403 page; the console
 * itself renders only for platform admins.
 */
export const adminPagesOnly = createMiddleware<AppEnv>(async (c, next) => {
  const actor = c.var.actor;
  if (!actor) return c.redirect(signInHref(c), 302);
  if (!actor.isAdmin) {
    const m = t(c.var.locale);
    const url = new URL(c.req.url);
    return c.html(
      <Layout title={m.title} locale={c.var.locale} path={`${url.pathname}${url.search}`} actor={actor}>
        <h1>{m.title}</h1>
        <p class="error">{m.body}</p>
        <p>
          <a href="/">{m.home}</a>
        </p>
      </Layout>,
      403,
    );
  }
  await next();
});
