import type { Context } from 'hono';
import type { AppEnv } from '../env';
import { createAuth } from './auth';

/**
 * Pages call Better Auth server side through its request handler — not `auth.api`, which skips Better
 * Auth's rate limiter — so page forms are limited exactly like the JSON endpoints. The caller's IP,
 * cookie and user agent are passed on; the Origin is our own (the CSRF middleware has already checked
 * the form post came from it).
 */
const FORWARDED_HEADERS = ['cf-connecting-ip', 'user-agent', 'cookie', 'accept-language'];

export async function callAuth(c: Context<AppEnv>, path: string, body: unknown): Promise<Response> {
  const headers = new Headers({ 'content-type': 'application/json', origin: new URL(c.env.APP_URL).origin });
  for (const name of FORWARDED_HEADERS) {
    const value = c.req.header(name);
    if (value) headers.set(name, value);
  }
  const request = new Request(new URL(`/api/auth${path}`, c.env.APP_URL), { method: 'POST', headers, body: JSON.stringify(body) });
  return createAuth(c.env, c.var.db).handler(request);
}

/** Copies Better Auth's Set-Cookie headers (the HTTP-only session cookie) onto the page response. */
export function forwardCookies(c: Context<AppEnv>, res: Response): void {
  for (const cookie of res.headers.getSetCookie()) c.header('set-cookie', cookie, { append: true });
}

