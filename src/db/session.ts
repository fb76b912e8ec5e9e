import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../env';

/**
 * D1 read replication through the Sessions API. Every request runs in one D1 session:
 * - a read that carries the bookmark of its client's last request (cookie for browsers, `x-d1-bookmark`
 *   header for API clients) sees data at least that fresh, so everyone sees their own writes;
 * - other reads start wherever is nearest (`first-unconstrained`: a replica, when replication is enabled);
 * - writes always start at the primary (`first-primary`), so the reads that precede a guarded write see the latest rows.
 * Locally (wrangler dev, tests, bench) there is one database, so a session behaves like the binding itself.
 *
 * @example
 * const session = openSession(c); // before the handler
 * rememberBookmark(c, session);    // after it
 */
export const BOOKMARK_COOKIE = 'shanhai_d1';
export const BOOKMARK_HEADER = 'x-d1-bookmark';

/** D1's bookmark format; anything else a client sends is ignored rather than handed to D1. */
const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Replicas catch up within seconds; after this a reader no longer needs to be pinned to its write. */
const BOOKMARK_MAX_AGE_S = 5 * 60;

function clientBookmark(c: Context<AppEnv>): string | null {
  const sent = c.req.header(BOOKMARK_HEADER) ?? getCookie(c, BOOKMARK_COOKIE);
  return sent && BOOKMARK.test(sent) ? sent : null;
}

export function openSession(c: Context<AppEnv>): D1DatabaseSession {
  // The primary is at least as fresh as any bookmark, so a write never needs the client's.
  if (!SAFE_METHODS.has(c.req.method)) return c.env.DB.withSession('first-primary');
  return c.env.DB.withSession(clientBookmark(c) ?? 'first-unconstrained');
}

/**
 * Hands the session's bookmark back: always as a header, and as a cookie after a write (or to advance a
 * cookie the browser already holds), so a reader that never wrote gets no cookie.
 */
export function rememberBookmark(c: Context<AppEnv>, session: D1DatabaseSession): void {
  const bookmark = session.getBookmark();
  if (!bookmark) return;
  c.header(BOOKMARK_HEADER, bookmark);
  if (!SAFE_METHODS.has(c.req.method) || getCookie(c, BOOKMARK_COOKIE)) {
    setCookie(c, BOOKMARK_COOKIE, bookmark, {
      path: '/',
      httpOnly: true,
      sameSite: 'Lax',
      secure: c.env.APP_URL.startsWith('https://'),
      maxAge: BOOKMARK_MAX_AGE_S,
    });
  }
}
