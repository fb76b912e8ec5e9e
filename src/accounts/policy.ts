import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Actor, AppEnv, Membership } from '../env';
import type { Db } from '../db/client';
import { BUYER_KINDS, isBuyerKind, MEMBER_ROLES, organization, type BuyerKind, type MemberRole, type OrganizationKind, type OrganizationStatus } from '../db/schema';
// The buyer kinds are a classification of the schema's enum; re-exported for the callers that import them from here.
export { BUYER_KINDS, isBuyerKind, type BuyerKind };
import { AppError } from '../lib/errors';

/**
 * Authorisation rules in one place. Handlers call these; services receive the actor they return.
 * A non-member asking for an organisation's resource gets 404, not 403, so ids don't leak.
 *
 * Who is who:
 * - guest: no session; signed-in buyer: a user with no organisation;
 * - buyer organisations (canteen, enterprise, showroom): owner / purchaser / member;
 * - cooperatives: owner / staff;
 * - platform admin: `user.platformRole = 'admin'` (passes every organisation check as an owner would).
 */

// ---------------------------------------------------------------------------------------------------
// Roles and kinds
// ---------------------------------------------------------------------------------------------------

/** Kinds a user may create; the platform organisation exists once, from the seed. */
export const CREATABLE_KINDS = [...BUYER_KINDS, 'cooperative'] as const satisfies readonly OrganizationKind[];

const ROLES_BY_KIND: Record<OrganizationKind, readonly MemberRole[]> = {
  canteen: ['owner', 'purchaser', 'member'],
  enterprise: ['owner', 'purchaser', 'member'],
  showroom: ['owner', 'purchaser', 'member'],
  cooperative: ['owner', 'staff'],
  platform: ['owner', 'staff'],
};

/** The roles a member of an organisation of this kind may hold. */
export function rolesForKind(kind: OrganizationKind): readonly MemberRole[] {
  return ROLES_BY_KIND[kind];
}

/** Roles that may buy for a buyer organisation (place orders, manage delivery locations). */
export const PURCHASING_ROLES = ['owner', 'purchaser'] as const satisfies readonly MemberRole[];

// ---------------------------------------------------------------------------------------------------
// Capabilities of an organisation (pure: callable from any service with the row it already has)
// ---------------------------------------------------------------------------------------------------

type OrgState = { kind: OrganizationKind; status: OrganizationStatus };

/** Only a verified cooperative may publish products. */
export function canPublishProducts(org: OrgState): boolean {
  return org.kind === 'cooperative' && org.status === 'verified';
}

/**
 * Invoice terms (pay later by bank transfer) need a verified buyer organisation to which the platform
 * granted terms (days and a credit limit). The credit limit itself is enforced by the order service.
 */
export function canUseInvoiceTerms(org: OrgState & { paymentTermsDays: number; creditLimitFen: number }): boolean {
  return isBuyerKind(org.kind) && org.status === 'verified' && org.paymentTermsDays > 0 && org.creditLimitFen > 0;
}

/** Whether a purchaser's order of `totalFen` is above their per-order limit (owners have none). */
export function exceedsPurchaserLimit(membership: Pick<Membership, 'role' | 'perOrderLimitFen'> | null, totalFen: number): boolean {
  return membership?.role === 'purchaser' && membership.perOrderLimitFen !== null && totalFen > membership.perOrderLimitFen;
}

// ---------------------------------------------------------------------------------------------------
// Request guards
// ---------------------------------------------------------------------------------------------------

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

/**
 * Route middleware (createRoute `middleware`) so a guest gets 401 before the body is validated, and a
 * non-admin 403 before an admin route looks at its input.
 */
export const signedIn = createMiddleware<AppEnv>(async (c, next) => {
  requireActor(c);
  await next();
});

export const adminOnly = createMiddleware<AppEnv>(async (c, next) => {
  requireAdmin(c);
  await next();
});

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

/** Any member of the organisation (or an admin): may read its profile and members. */
export function requireOrgMember(c: Context<AppEnv>, organizationId: string): Membership | null {
  return requireOrgRole(c, organizationId, MEMBER_ROLES);
}

/** The organisation's owner (or an admin): profile, members, roles, limits, invitations. */
export function requireOrgOwner(c: Context<AppEnv>, organizationId: string): Membership | null {
  return requireOrgRole(c, organizationId, ['owner']);
}

/** Removing a member: the owner may remove anyone, any member may remove (leave) themself. */
export function requireMemberRemoval(c: Context<AppEnv>, organizationId: string, targetUserId: string): Membership | null {
  const membership = requireOrgMember(c, organizationId);
  if (membership && requireActor(c).userId === targetUserId) return membership;
  return requireOrgOwner(c, organizationId);
}

/** Owner or purchaser of a buyer organisation: may buy for it and manage its delivery locations. */
export function requireBuyerPurchaser(c: Context<AppEnv>, organizationId: string, options: { verified?: boolean } = {}) {
  return requireOrgRole(c, organizationId, PURCHASING_ROLES, { kinds: BUYER_KINDS, ...options });
}

/** Staff or owner of a cooperative: the only people who may touch its products and shipments. */
export function requireCooperativeStaff(c: Context<AppEnv>, cooperativeId: string, options: { verified?: boolean } = {}) {
  return requireOrgRole(c, cooperativeId, ['owner', 'staff'], { kinds: ['cooperative'], ...options });
}

export function cooperativeMemberships(actor: Actor | null): Membership[] {
  return actor?.memberships.filter((m) => m.kind === 'cooperative') ?? [];
}

/**
 * The organisation's kind and status as the policy sees it: from the membership for members, from the
 * database for admins acting on an organisation they do not belong to (one small query).
 */
async function organizationState(db: Db, organizationId: string, membership: Membership | null): Promise<OrgState | null> {
  if (membership) return membership;
  const [row] = await db
    .select({ kind: organization.kind, status: organization.status })
    .from(organization)
    .where(eq(organization.id, organizationId))
    .limit(1);
  return row ?? null;
}

/**
 * Staff or owner (or an admin) acting for a cooperative that the platform has verified: publishing and
 * selling products. Unlike the `verified` option of requireOrgRole this also holds for admins.
 */
export async function requireVerifiedCooperativeStaff(c: Context<AppEnv>, cooperativeId: string): Promise<Membership | null> {
  const membership = requireCooperativeStaff(c, cooperativeId);
  const org = await organizationState(c.var.db, cooperativeId, membership);
  if (!org || org.kind !== 'cooperative') throw new AppError('not_found', `Cooperative ${cooperativeId} not found`);
  if (!canPublishProducts(org)) {
    throw new AppError('forbidden', 'This cooperative is awaiting verification by the platform and cannot publish products yet');
  }
  return membership;
}

export type InvoiceTerms = {
  organizationId: string;
  paymentTermsDays: number;
  creditLimitFen: number;
  /** The acting purchaser's per-order limit (null for owners, admins and unlimited purchasers). */
  perOrderLimitFen: number | null;
};

/**
 * Owner or purchaser of a verified buyer organisation with invoice terms: may order now and pay later.
 * Throws 403 (not verified / no terms) or 404 (not a member). Outstanding credit is the order service's check.
 */
export async function requireInvoiceTerms(c: Context<AppEnv>, organizationId: string): Promise<InvoiceTerms> {
  const membership = requireBuyerPurchaser(c, organizationId);
  const [org] = await c.var.db
    .select({
      kind: organization.kind,
      status: organization.status,
      paymentTermsDays: organization.paymentTermsDays,
      creditLimitFen: organization.creditLimitFen,
    })
    .from(organization)
    .where(eq(organization.id, organizationId))
    .limit(1);
  if (!org || !isBuyerKind(org.kind)) throw new AppError('not_found', `Organisation ${organizationId} not found`);
  if (!canUseInvoiceTerms(org)) {
    const detail =
      org.status !== 'verified'
        ? 'Invoice terms are available once the platform has verified your organisation'
        : 'Your organisation has no invoice terms; ask the platform to set payment terms and a credit limit';
    throw new AppError('forbidden', detail);
  }
  return {
    organizationId,
    paymentTermsDays: org.paymentTermsDays,
    creditLimitFen: org.creditLimitFen,
    perOrderLimitFen: membership?.role === 'purchaser' ? membership.perOrderLimitFen : null,
  };
}
