import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { organization, type MemberRole, type OrganizationKind, type OrganizationStatus } from '../db/schema';
import type { Actor } from '../env';
import { AppError } from '../lib/errors';
import { membershipOf } from '../accounts/policy';

/**
 * The organisation an order is placed for, and what its terms allow. Only owners and purchasers of a
 * buyer organisation (canteen, enterprise, showroom) order on its behalf.
 */

export type BuyerOrganization = {
  id: string;
  name: string;
  kind: OrganizationKind;
  status: OrganizationStatus;
  paymentTermsDays: number;
  creditLimitFen: number;
  role: MemberRole;
};

const BUYER_KINDS: OrganizationKind[] = ['canteen', 'enterprise', 'showroom'];
const ORDERING_ROLES: MemberRole[] = ['owner', 'purchaser'];

export async function buyerOrganization(db: Db, actor: Actor | null, organizationId: string): Promise<BuyerOrganization> {
  if (!actor) throw new AppError('unauthenticated', 'Sign in to order for an organisation');
  const membership = membershipOf(actor, organizationId);
  if (!membership || !BUYER_KINDS.includes(membership.kind)) throw new AppError('not_found', `Organisation ${organizationId} not found`);
  if (!ORDERING_ROLES.includes(membership.role)) {
    throw new AppError('forbidden', `Your role (${membership.role}) may not place orders for ${membership.organizationName}`);
  }
  const org = await db
    .select({ paymentTermsDays: organization.paymentTermsDays, creditLimitFen: organization.creditLimitFen, status: organization.status })
    .from(organization)
    .where(eq(organization.id, organizationId))
    .get();
  if (!org) throw new AppError('not_found', `Organisation ${organizationId} not found`);
  return { id: organizationId, name: membership.organizationName, kind: membership.kind, role: membership.role, ...org };
}

/** Buyer organisations the actor may order for (the checkout page's choice). */
export function orderingMemberships(actor: Actor | null) {
  return (actor?.memberships ?? []).filter((m) => BUYER_KINDS.includes(m.kind) && ORDERING_ROLES.includes(m.role));
}

/**
 * Why this order may not be placed on invoice terms, or null when it may. The seam for procurement:
 * the credit limit (open invoices plus this order within `creditLimitFen`) and purchaser approvals
 * above `perOrderLimitFen` are added here.
 */
export async function invoiceTermsProblem(_db: Db, buyer: BuyerOrganization | null, _totalFen: number): Promise<string | null> {
  if (!buyer) return 'Invoice terms are for organisations: choose the organisation you order for';
  if (buyer.status !== 'verified') return `${buyer.name} is awaiting verification by the platform; invoice terms start once verified`;
  if (buyer.paymentTermsDays <= 0) return `${buyer.name} has no invoice terms; pay by card, Alipay or WeChat Pay`;
  return null;
}
