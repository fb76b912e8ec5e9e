import { cooperativeMemberships, membershipOf } from '../accounts';
import type { Actor } from '../env';
import { AppError } from '../lib/errors';
import type { OrderBundle } from './order-read';

/**
 * Who may see or act on an order: the buyer, a guest holding its access token, members of the buyer
 * organisation, platform admins — and cooperatives, for their own released shipments only. Everyone
 * else gets 404 so order ids don't leak.
 */
export type OrderAccess = { kind: 'buyer'; withToken: boolean; mayAct: boolean } | { kind: 'cooperative'; cooperativeIds: string[] };

function tokenMatches(expected: string, given: string | undefined): boolean {
  if (!given || given.length !== expected.length) return false;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ given.charCodeAt(i);
  return diff === 0;
}

export function orderAccess(actor: Actor | null, bundle: OrderBundle, token?: string): OrderAccess | null {
  const { order } = bundle;
  const isBuyer = actor !== null && order.buyerUserId === actor.userId;
  const holdsToken = tokenMatches(order.accessToken, token);
  if (isBuyer || holdsToken) return { kind: 'buyer', withToken: true, mayAct: true };
  if (actor?.isAdmin) return { kind: 'buyer', withToken: true, mayAct: true };
  if (order.organizationId) {
    const membership = membershipOf(actor, order.organizationId);
    if (membership) return { kind: 'buyer', withToken: false, mayAct: membership.role === 'owner' || membership.role === 'purchaser' };
  }
  const mine = cooperativeMemberships(actor)
    .map((m) => m.organizationId)
    .filter((id) => bundle.shipments.some((s) => s.cooperativeId === id && s.released));
  if (mine.length) return { kind: 'cooperative', cooperativeIds: mine };
  return null;
}

export function requireOrderAccess(actor: Actor | null, bundle: OrderBundle | null, token?: string): { bundle: OrderBundle; access: OrderAccess } {
  const access = bundle ? orderAccess(actor, bundle, token) : null;
  if (!bundle || !access) throw new AppError('not_found', 'Order not found');
  return { bundle, access };
}

/** The buyer side (buyer, token holder, organisation owner/purchaser, admin) may cancel; cooperatives and plain members may not. */
export function requireOrderActor(actor: Actor | null, bundle: OrderBundle | null, token?: string): OrderBundle {
  const { access, bundle: found } = requireOrderAccess(actor, bundle, token);
  if (access.kind !== 'buyer') throw new AppError('not_found', 'Order not found');
  if (!access.mayAct) throw new AppError('forbidden', 'Only the buyer or an owner or purchaser of the organisation may do this');
  return found;
}
