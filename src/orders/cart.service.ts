import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { runBatch } from '../db/batch';
import { cartItems, carts, products, type DeliveryMethod } from '../db/schema';
import { newId } from '../lib/ids';
import { MAX_LINE_QUANTITY } from '../pricing';
import { quoteItems, type Quote } from '../pricing';

/**
 * Carts: a signed-in buyer has one cart (carts.user_id is unique); a guest's cart is a row whose
 * unguessable id lives in an HttpOnly cookie. On the first request that carries both a session and a
 * guest cart, the guest cart is merged into the user's and deleted. Quantities are kept orderable:
 * at least the minimum order, on the order step.
 */

export type CartOwner = { userId: string | null; guestCartId: string | null };

/** The nearest quantity that can be ordered: at least the minimum, on the order step, within the line cap. */
export function orderableQuantity(product: { minOrderQuantity: number; orderStep: number }, wanted: number): number {
  const { minOrderQuantity: min, orderStep: step } = product;
  const target = Number.isFinite(wanted) ? wanted : min;
  const steps = Math.max(0, Math.round((target - min) / step));
  const maxSteps = Math.floor((MAX_LINE_QUANTITY - min) / step);
  return min + Math.min(steps, maxSteps) * step;
}

export async function findCartId(db: Db, owner: CartOwner): Promise<string | null> {
  if (owner.userId) {
    const row = await db.select({ id: carts.id }).from(carts).where(eq(carts.userId, owner.userId)).get();
    return row?.id ?? null;
  }
  if (owner.guestCartId) {
    const row = await db.select({ id: carts.id, userId: carts.userId }).from(carts).where(eq(carts.id, owner.guestCartId)).get();
    return row && row.userId === null ? row.id : null;
  }
  return null;
}

/** The owner's cart, created when missing; `created` tells the caller to set the guest cookie. */
export async function ensureCart(db: Db, owner: CartOwner, now = Date.now()): Promise<{ cartId: string; created: boolean }> {
  const existing = await findCartId(db, owner);
  if (existing) return { cartId: existing, created: false };
  const cartId = newId('cart');
  // A concurrent request may create the user's cart first: the unique user_id keeps one.
  await db.insert(carts).values({ id: cartId, userId: owner.userId, createdAt: now, updatedAt: now }).onConflictDoNothing();
  if (owner.userId) return { cartId: (await findCartId(db, owner))!, created: false };
  return { cartId, created: true };
}

async function productRules(db: Db, productId: string) {
  return db
    .select({ id: products.id, status: products.status, minOrderQuantity: products.minOrderQuantity, orderStep: products.orderStep })
    .from(products)
    .where(eq(products.id, productId))
    .get();
}

export type CartChange = { ok: true; quantity: number; adjusted: boolean } | { ok: false; reason: 'unknown_product' | 'unavailable' };

/** Adds to what is already in the cart, rounded to an orderable quantity. */
export async function addToCart(db: Db, cartId: string, productId: string, quantity: number, now = Date.now()): Promise<CartChange> {
  const product = await productRules(db, productId);
  if (!product) return { ok: false, reason: 'unknown_product' };
  if (product.status !== 'published') return { ok: false, reason: 'unavailable' };
  const current = await db.select({ quantity: cartItems.quantity }).from(cartItems).where(and(eq(cartItems.cartId, cartId), eq(cartItems.productId, productId))).get();
  const wanted = (current?.quantity ?? 0) + quantity;
  const orderable = orderableQuantity(product, wanted);
  await runBatch(db, [
    db
      .insert(cartItems)
      .values({ cartId, productId, quantity: orderable, addedAt: now })
      .onConflictDoUpdate({ target: [cartItems.cartId, cartItems.productId], set: { quantity: orderable } }),
    db.update(carts).set({ updatedAt: now }).where(eq(carts.id, cartId)),
  ]);
  return { ok: true, quantity: orderable, adjusted: orderable !== wanted };
}

/** Sets a line's quantity (0 removes it), rounded to an orderable quantity. */
export async function setCartQuantity(db: Db, cartId: string, productId: string, quantity: number, now = Date.now()): Promise<CartChange> {
  if (quantity <= 0) {
    await removeFromCart(db, cartId, productId);
    return { ok: true, quantity: 0, adjusted: false };
  }
  const product = await productRules(db, productId);
  if (!product) return { ok: false, reason: 'unknown_product' };
  const orderable = orderableQuantity(product, quantity);
  await db.update(cartItems).set({ quantity: orderable }).where(and(eq(cartItems.cartId, cartId), eq(cartItems.productId, productId)));
  await db.update(carts).set({ updatedAt: now }).where(eq(carts.id, cartId));
  return { ok: true, quantity: orderable, adjusted: orderable !== quantity };
}

export async function removeFromCart(db: Db, cartId: string, productId: string): Promise<void> {
  await db.delete(cartItems).where(and(eq(cartItems.cartId, cartId), eq(cartItems.productId, productId)));
}

export async function cartLines(db: Db, cartId: string): Promise<{ productId: string; quantity: number }[]> {
  return db
    .select({ productId: cartItems.productId, quantity: cartItems.quantity })
    .from(cartItems)
    .where(eq(cartItems.cartId, cartId))
    .orderBy(cartItems.addedAt, cartItems.productId);
}

export async function cartCount(db: Db, cartId: string | null): Promise<number> {
  if (!cartId) return 0;
  const row = await db.select({ n: sql<number>`count(*)` }).from(cartItems).where(eq(cartItems.cartId, cartId)).get();
  return row?.n ?? 0;
}

/** The cart priced as checkout would price it (for the cart and checkout pages). */
export async function quoteCart(db: Db, cartId: string | null, delivery: DeliveryMethod, organizationId: string | null = null): Promise<Quote & { items: { productId: string; quantity: number }[] }> {
  const items = cartId ? await cartLines(db, cartId) : [];
  const quote = await quoteItems(db, { items, delivery, organizationId });
  return { ...quote, items };
}

/**
 * Moves a guest cart into the user's cart (quantities add up, then are made orderable) and deletes
 * it. Idempotent: a second call finds no guest cart.
 */
export async function mergeGuestCart(db: Db, guestCartId: string, userId: string, now = Date.now()): Promise<void> {
  const guest = await db.select({ id: carts.id, userId: carts.userId }).from(carts).where(eq(carts.id, guestCartId)).get();
  if (!guest || guest.userId !== null) return;
  const items = await cartLines(db, guestCartId);
  const { cartId } = await ensureCart(db, { userId, guestCartId: null }, now);
  if (items.length) {
    const mine = await cartLines(db, cartId);
    const rules = await db
      .select({ id: products.id, minOrderQuantity: products.minOrderQuantity, orderStep: products.orderStep })
      .from(products)
      .where(inArray(products.id, items.map((i) => i.productId)));
    const ruleOf = new Map(rules.map((r) => [r.id, r]));
    const have = new Map(mine.map((i) => [i.productId, i.quantity]));
    await runBatch(
      db,
      items.flatMap((item) => {
        const rule = ruleOf.get(item.productId);
        if (!rule) return [];
        const quantity = orderableQuantity(rule, (have.get(item.productId) ?? 0) + item.quantity);
        return [
          db
            .insert(cartItems)
            .values({ cartId, productId: item.productId, quantity, addedAt: now })
            .onConflictDoUpdate({ target: [cartItems.cartId, cartItems.productId], set: { quantity } }),
        ];
      }),
    );
  }
  await db.delete(carts).where(and(eq(carts.id, guestCartId), sql`${carts.userId} IS NULL`));
}
