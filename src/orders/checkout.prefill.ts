/**
 * What a returning buyer typed last time, so checkout is prefilled: a signed-in buyer's last order, or
 * for a guest what this device remembers in an HttpOnly cookie written after their last order (never read
 * by scripts, only sent back to us; nothing is shared between devices).
 */
import { desc, eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { z } from '@hono/zod-openapi';
import type { Db } from '../db/client';
import { orders } from '../db/schema';
import type { AppEnv } from '../env';

export const BUYER_COOKIE = 'shanhai_buyer';
const HALF_A_YEAR = 60 * 60 * 24 * 182;

const rememberedSchema = z.object({
  contactName: z.string().max(50),
  contactPhone: z.string().max(20),
  contactEmail: z.string().max(200).optional(),
  deliveryMethod: z.enum(['ship', 'pickup']),
  pickupOrganizationId: z.string().max(64).optional(),
  recipient: z.string().max(50).optional(),
  recipientPhone: z.string().max(20).optional(),
  districtId: z.string().max(64).optional(),
  street: z.string().max(200).optional(),
  paymentMethod: z.string().max(20).optional(),
});
export type RememberedBuyer = z.infer<typeof rememberedSchema>;

const orUndefined = (value: string | null) => value ?? undefined;

async function lastOrderOf(db: Db, userId: string): Promise<RememberedBuyer | null> {
  const row = await db
    .select({
      contactName: orders.contactName,
      contactPhone: orders.contactPhone,
      contactEmail: orders.contactEmail,
      deliveryMethod: orders.deliveryMethod,
      pickupOrganizationId: orders.pickupOrganizationId,
      recipient: orders.recipient,
      recipientPhone: orders.recipientPhone,
      districtId: orders.shipDistrictId,
      street: orders.shipStreet,
      paymentMethod: orders.paymentMethod,
      deliveryLocationId: orders.deliveryLocationId,
    })
    .from(orders)
    .where(eq(orders.buyerUserId, userId))
    .orderBy(desc(orders.createdAt))
    .limit(1)
    .get();
  if (!row) return null;
  return {
    contactName: row.contactName,
    contactPhone: row.contactPhone,
    contactEmail: orUndefined(row.contactEmail),
    deliveryMethod: row.deliveryMethod,
    pickupOrganizationId: orUndefined(row.pickupOrganizationId),
    // A saved institutional location is not an address to copy into a personal order.
    ...(row.deliveryLocationId ? {} : { recipient: orUndefined(row.recipient), recipientPhone: orUndefined(row.recipientPhone), districtId: orUndefined(row.districtId), street: orUndefined(row.street) }),
    paymentMethod: row.paymentMethod,
  };
}

function fromCookie(c: Context<AppEnv>): RememberedBuyer | null {
  const raw = getCookie(c, BUYER_COOKIE);
  if (!raw) return null;
  try {
    const parsed = rememberedSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function rememberedBuyer(c: Context<AppEnv>): Promise<RememberedBuyer | null> {
  if (c.var.actor) return (await lastOrderOf(c.var.db, c.var.actor.userId)) ?? fromCookie(c);
  return fromCookie(c);
}

/** After a guest's order: this device fills the next checkout with the same contact and delivery. */
export function rememberGuestBuyer(c: Context<AppEnv>, buyer: RememberedBuyer): void {
  if (c.var.actor) return;
  setCookie(c, BUYER_COOKIE, JSON.stringify(rememberedSchema.parse(buyer)), {
    path: '/checkout',
    httpOnly: true,
    sameSite: 'Lax',
    secure: new URL(c.req.url).protocol === 'https:',
    maxAge: HALF_A_YEAR,
  });
}
