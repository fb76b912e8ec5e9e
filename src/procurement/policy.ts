import type { Context } from 'hono';
import { BUYER_KINDS, requireActor, requireBuyerPurchaser, requireOrgRole } from '../accounts';
import { MEMBER_ROLES } from '../db/schema';
import type { AppEnv, Membership } from '../env';
import { AppError } from '../lib/errors';

/**
 * Who may do what in procurement, built on the accounts policy (a foreign organisation is a 404):
 * - any member of a buyer organisation (and admins) reads its invoices, credit and consumption;
 * - owners and purchasers (and admins) order in bulk and see approvals (a purchaser only their own);
 * - only an owner decides an approval — spending control is the organisation's own, so not even a
 *   platform admin approves for it.
 */

export function requireBuyerMember(c: Context<AppEnv>, organizationId: string): Membership | null {
  return requireOrgRole(c, organizationId, MEMBER_ROLES, { kinds: BUYER_KINDS });
}

export function requireApprovalReader(c: Context<AppEnv>, organizationId: string): { membership: Membership | null; userId: string } {
  return { membership: requireBuyerPurchaser(c, organizationId), userId: requireActor(c).userId };
}

export function requireApprovalDecider(c: Context<AppEnv>, organizationId: string): Membership {
  const membership = requireOrgRole(c, organizationId, ['owner'], { kinds: BUYER_KINDS });
  if (!membership) throw new AppError('forbidden', "Only the organisation's owner decides its purchase approvals");
  return membership;
}
