import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { groupBuyParticipantItems, groupBuyParticipants, groupBuys, payments, products } from '../db/schema';

/**
 * Group-buy sales counted toward the organiser's consumption-assistance target (消费帮扶目标), for
 * the procurement ledger to add to the organisation's own orders. What counts is money that
 * arrived and stayed: succeeded payments of participants who were not refunded (a refund moves the
 * participant to `refunded`, so a pending refund already stops counting), attributed to the
 * organiser by the instant of payment (Stripe at join, or pay-at-pickup at the desk), per county
 * of origin. The query, for the record:
 *
 *   SELECT pr.county_id, SUM(li.line_total_fen)
 *   FROM group_buys gb
 *   JOIN group_buy_participants p       ON p.group_buy_id = gb.id AND p.status IN ('paid', 'picked_up')
 *   JOIN payments pay                   ON pay.participant_id = p.id AND pay.status = 'succeeded'
 *   JOIN group_buy_participant_items li ON li.participant_id = p.id
 *   JOIN products pr                    ON pr.id = li.product_id
 *   WHERE gb.organizer_organization_id = :org AND pay.paid_at >= :from AND pay.paid_at < :to
 *   GROUP BY pr.county_id
 *
 * Served by group_buys_organizer_idx, group_buy_participants_status_idx and payments_participant_idx.
 */
export async function groupBuyConsumption(db: Db, organizationId: string, period: { from: number; to: number }) {
  const rows = await db
    .select({ countyId: products.countyId, amountFen: sql<number>`sum(${groupBuyParticipantItems.lineTotalFen})` })
    .from(groupBuys)
    .innerJoin(
      groupBuyParticipants,
      and(eq(groupBuyParticipants.groupBuyId, groupBuys.id), inArray(groupBuyParticipants.status, ['paid', 'picked_up'])),
    )
    .innerJoin(payments, and(eq(payments.participantId, groupBuyParticipants.id), eq(payments.status, 'succeeded')))
    .innerJoin(groupBuyParticipantItems, eq(groupBuyParticipantItems.participantId, groupBuyParticipants.id))
    .innerJoin(products, eq(products.id, groupBuyParticipantItems.productId))
    .where(and(eq(groupBuys.organizerOrganizationId, organizationId), gte(payments.paidAt, period.from), lt(payments.paidAt, period.to)))
    .groupBy(products.countyId);
  const byCounty = rows.map((r) => ({ countyId: r.countyId, amountFen: Number(r.amountFen) }));
  return { totalFen: byCounty.reduce((sum, r) => sum + r.amountFen, 0), byCounty };
}
