import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';
import { messages } from './i18n';
import { AppError, problemResponse } from './errors';

/**
 * Limits writes anyone can send without signing in (guest orders and checkout, group-buy joins, quotes) per
 * client address, with Cloudflare's rate-limiting binding (`[[ratelimits]]` in wrangler.toml; Miniflare
 * simulates it locally). The binding counts per location and is eventually consistent: it stops floods
 * from one address, not a distributed attack. Signed-in requests are not limited here (they are
 * accountable and have their own limits); a request without `cf-connecting-ip` cannot come through
 * Cloudflare's edge (it always sets it), so only local calls and tests straight into the worker have none.
 *
 * @example
 * app.post('/api/v1/orders', limitGuestWrites({ binding: 'GUEST_ORDERS', action: 'order', personalised }));
 */

export type RateLimitBinding = 'GUEST_ORDERS' | 'GUEST_QUOTES';

/** Seconds the client should wait: the `period` of both bindings in wrangler.toml. */
export const RATE_LIMIT_PERIOD_S = 60;

const t = messages({
  zh: { title: '请求过于频繁', body: '同一网络提交得太快了，请一分钟后再试。', back: '返回首页' },
  en: { title: 'Too many requests', body: 'Too many submissions from this network; please try again in a minute.', back: 'Back to the home page' },
});

export type GuestWriteLimit = {
  binding: RateLimitBinding;
  /** Names the kind of write in the key, so one kind's count does not use up another's. */
  action: string;
  /** True when the request is signed in (session or bearer): not limited here. */
  signedIn: (c: Context<AppEnv>) => boolean;
};

function refusal(c: Context<AppEnv>): Response {
  const retry = { 'retry-after': String(RATE_LIMIT_PERIOD_S) };
  if (c.req.path.startsWith('/api/')) {
    const error = new AppError('rate_limited', `Too many requests from this address; try again in ${RATE_LIMIT_PERIOD_S} seconds.`, {
      errors: [{ path: '(root)', message: 'Too many requests from this address', rule: 'rate_limited' }],
    });
    const res = problemResponse(error);
    res.headers.set('retry-after', retry['retry-after']);
    return res;
  }
  // A form post from a page: the refusal in the page's language, with a way back.
  const text = t(c.var.locale);
  const html = `<!doctype html><html lang="${c.var.locale === 'en' ? 'en' : 'zh-CN'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${text.title}</title></head><body><main><h1>${text.title}</h1><p>${text.body}</p><p><a href="/" style="display:inline-block;min-height:44px;line-height:44px">${text.back}</a></p></main></body></html>`;
  return c.html(html, 429, retry);
}

export function limitGuestWrites(limit: GuestWriteLimit): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const address = c.req.header('cf-connecting-ip');
    if (c.req.method !== 'POST' || !address || limit.signedIn(c)) return next();
    const { success } = await c.env[limit.binding].limit({ key: `${limit.action}:${address}` });
    if (!success) return refusal(c);
    return next();
  };
}
