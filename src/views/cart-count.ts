import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';

/**
 * How many products the cart holds, kept in a small readable cookie so every page's tab bar can show it
 * without a database read (the server renders it where it can; js/shell.js fills it on other pages).
 * Written by the cart whenever it changes; only a display hint, never trusted for anything.
 */
export const CART_COUNT_COOKIE = 'shanhai_cart_n';

export function cartCountFromCookie(c: Context): number | undefined {
  const value = getCookie(c, CART_COUNT_COOKIE);
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 && n < 10_000 ? n : undefined;
}

export function rememberCartCount(c: Context, count: number): void {
  setCookie(c, CART_COUNT_COOKIE, String(count), {
    path: '/',
    sameSite: 'Lax',
    secure: new URL(c.req.url).protocol === 'https:',
    maxAge: 60 * 60 * 24 * 30,
  });
}
