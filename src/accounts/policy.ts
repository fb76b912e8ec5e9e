import type { Context } from 'hono';
import type { Actor, AppEnv, Membership } from '../env';
import type { MemberRole, OrganizationKind } from '../db/schema';
import { AppError } from '../lib/errors';

/**
 * Authorisation rules in one place. Handlers call these; services receive the actor they return.
 * A non-member asking for an organisation's resource gets 404, not 403, so ids don't leak.
 */
export function requireActor(c: Context<AppEnv>): Actor {
  const actor = c.var.actor;
  if (!actor) throw new AppError('unauthenticated', 'Sign in to continue');
  return actor;
}

export function requireAdmin(c: Context<AppEnv>): Actor {
  const actor = requireActor(c);
  if (!actor.isAdmin) throw new AppError('forbidden', 'Only platform administrators may do this');
  return actor;
}

export function membershipOf(actor: Actor | null, organizationId: string): Membership | undefined {
  return actor?.memberships.find((m) => m.organizationId === organizationId);
}

/** The actor's membership of `organizationId` with one of `roles` (admins pass as owners). */
export function requireOrgRole(
  c: Context<AppEnv>,
  organizationId: string,
  roles: readonly MemberRole[],
  options: { kinds?: readonly OrganizationKind[]; verified?: boolean } = {},
): Membership | null {
  const actor = requireActor(c);
  const membership = membershipOf(actor, organizationId);
  if (!membership) {
    if (actor.isAdmin) return null;
    throw new AppError('not_found', `Organisation ${organizationId} not found`);
  }
  if (!roles.includes(membership.role)) {
    throw new AppError('forbidden', `Your role (${membership.role}) may not do this for ${membership.organizationName}`);
  }
  if (options.kinds && !options.kinds.includes(membership.kind)) {
    throw new AppError('forbidden', `${membership.organizationName} is not a ${options.kinds.join(' or ')}`);
  }
  if (options.verified && membership.status !== 'verified') {
    throw new AppError('forbidden', `${membership.organizationName} is awaiting verification by the platform`);
  }
  return membership;
}

/** Staff or owner of a cooperative: the only people who may touch its products and shipments. */
export function requireCooperativeStaff(c: Context<AppEnv>, cooperativeId: string, options: { verified?: boolean } = {}) {
  return requireOrgRole(c, cooperativeId, ['owner', 'staff'], { kinds: ['cooperative'], ...options });
}

export function cooperativeMemberships(actor: Actor | null): Membership[] {
  return actor?.memberships.filter((m) => m.kind === 'cooperative') ?? [];
}
