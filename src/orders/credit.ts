import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import type { Statement } from '../db/batch';
import { organization, orders } from '../db/schema';
import { formatFen } from '../lib/money';

/**
 * Invoice credit (赊销额度). What an organisation owes = its invoice orders not yet paid (invoice
 * status `open` or `overdue`), net of refunds. A new invoice order may be placed while
 * outstanding + the order ≤ `creditLimitFen`.
 *
 * The JS check gives a clear answer up front; the database has the last word: `creditGuardStatement`
 * goes in the order's own batch, after the order row, and fails that batch when the sum — now
 * including this order and any order a concurrent request committed first — passes the limit. So two
 * invoice orders placed at the same moment cannot both squeeze under it.
 */

/** SQL for the organisation's outstanding invoice amount (fen). */
function outstandingSql(organizationId: string) {
  return sql<number>`(SELECT coalesce(sum(${orders.totalFen} - ${orders.refundedFen}), 0) FROM ${orders} WHERE ${orders.organizationId} = ${organizationId} AND ${orders.invoiceStatus} IN ('open', 'overdue'))`;
}

export type CreditPosition = { creditLimitFen: number; outstandingFen: number; availableFen: number; paymentTermsDays: number };

export async function creditPosition(db: Db, organizationId: string): Promise<CreditPosition> {
  const row = await db
    .select({
      creditLimitFen: organization.creditLimitFen,
      paymentTermsDays: organization.paymentTermsDays,
      outstandingFen: outstandingSql(organizationId),
    })
    .from(organization)
    .where(eq(organization.id, organizationId))
    .get();
  const creditLimitFen = row?.creditLimitFen ?? 0;
  const outstandingFen = Number(row?.outstandingFen ?? 0);
  return { creditLimitFen, outstandingFen, availableFen: Math.max(0, creditLimitFen - outstandingFen), paymentTermsDays: row?.paymentTermsDays ?? 0 };
}

/**
 * Rewrites the credit limit with itself while outstanding invoices (this order included) fit under
 * it, and with NULL otherwise: the NOT NULL column refuses, rolling back the whole order batch.
 * `guardFailure(error) === CREDIT_GUARD` recognises the refusal.
 */
export function creditGuardStatement(db: Db, organizationId: string): Statement {
  return db
    .update(organization)
    .set({
      creditLimitFen: sql`CASE WHEN ${outstandingSql(organizationId)} <= ${organization.creditLimitFen} THEN ${organization.creditLimitFen} ELSE NULL END`,
    })
    .where(eq(organization.id, organizationId));
}

export const CREDIT_GUARD = 'organization.credit_limit_fen';

export type CreditProblem = { message: string; rule: 'credit_limit'; extensions: { creditLimitFen: number; outstandingFen: number; availableCreditFen: number } };

/** Why an invoice order of `totalFen` does not fit the credit left, or null when it does. */
export async function creditProblem(db: Db, buyer: { id: string; name: string }, totalFen: number): Promise<CreditProblem | null> {
  const credit = await creditPosition(db, buyer.id);
  if (credit.outstandingFen + totalFen <= credit.creditLimitFen) return null;
  return {
    rule: 'credit_limit',
    message: `This order (${formatFen(totalFen)}) exceeds the invoice credit left for ${buyer.name}: ${formatFen(credit.availableFen)} of ${formatFen(credit.creditLimitFen)} (${formatFen(credit.outstandingFen)} outstanding). Pay an open invoice, order less, or pay online.`,
    extensions: { creditLimitFen: credit.creditLimitFen, outstandingFen: credit.outstandingFen, availableCreditFen: credit.availableFen },
  };
}
