import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { organization, type MemberRole, type OrganizationKind, type OrganizationStatus } from '../db/schema';
import type { Actor } from '../env';
import { AppError } from '../lib/errors';
import { membershipOf } from '../accounts';
import { creditProblem } from './credit';

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

export type InvoiceTermsProblem = { message: string; rule?: string; extensions?: Record<string, unknown> };

/**
 * Why this order may not be placed on invoice terms, or null when it may: a verified organisation
 * with terms, and open invoices plus this order within its credit limit (checked again by the
 * database in the order's batch — see procurement/credit.ts).
 */
export async function invoiceTermsProblem(db: Db, buyer: BuyerOrganization | null, totalFen: number): Promise<InvoiceTermsProblem | null> {
  if (!buyer) return { rule: 'invoice_needs_organization', message: 'Invoice terms are for organisations: choose the organisation you order for' };
  if (buyer.status !== 'verified') return { rule: 'invoice_unverified', message: `${buyer.name} is awaiting verification by the platform; invoice terms start once verified` };
  if (buyer.paymentTermsDays <= 0) return { rule: 'invoice_no_terms', message: `${buyer.name} has no invoice terms; pay by card, Alipay or WeChat Pay` };
  return creditProblem(db, buyer, totalFen);
}

/** The organisation an actor orders for by default: their only buyer organisation, if they have exactly one. */
export function defaultOrderingOrganization(actor: Actor | null): string | null {
  const mine = orderingMemberships(actor);
  return mine.length === 1 ? mine[0]!.organizationId : null;
}
