import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { mergeGuestCart, type CartOwner } from './cart.service';

/** The guest cart's id, in an HttpOnly cookie scripts cannot read. */
export const CART_COOKIE = 'shanhai_cart';
const THIRTY_DAYS = 60 * 60 * 24 * 30;

export function cartOwner(c: Context<AppEnv>): CartOwner {
  return { userId: c.var.actor?.userId ?? null, guestCartId: getCookie(c, CART_COOKIE) ?? null };
}

export function rememberGuestCart(c: Context<AppEnv>, cartId: string): void {
  setCookie(c, CART_COOKIE, cartId, {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    secure: new URL(c.req.url).protocol === 'https:',
    maxAge: THIRTY_DAYS,
  });
}

/** On the first cart or checkout request after signing in, the guest cart joins the user's cart. */
export const mergeCartOnSignIn = createMiddleware<AppEnv>(async (c, next) => {
  const actor = c.var.actor;
  const guestCartId = getCookie(c, CART_COOKIE);
  if (actor && guestCartId) {
    await mergeGuestCart(c.var.db, guestCartId, actor.userId);
    deleteCookie(c, CART_COOKIE, { path: '/', secure: new URL(c.req.url).protocol === 'https:' });
  }
  await next();
});
