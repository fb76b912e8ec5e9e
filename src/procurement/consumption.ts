import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { organization } from '../db/schema';
import { toCsv } from '../lib/csv';
import { SHANGHAI_OFFSET_MS, shanghaiDay, startOfShanghaiDay } from '../lib/time';
import type { ConsumptionView } from './procurement.schemas';

/**
 * What counts toward a buyer organisation's yearly consumption-assistance target (消费帮扶目标) —
 * the one definition, used by the API, the dashboard and the CSV for the annual report:
 *
 * 1. Its own orders with status `paid`, `invoiced` or `fulfilled` (placed, and not cancelled or
 *    refunded in full), in the Shanghai calendar year of their `created_at`. Each order line counts
 *    its goods, net of refunds: `line_total − floor(refunded × line_total / order_total)` — the same
 *    per-line refund share as the impact roll-up, so a full refund nets to exactly zero. Shipping is a
 *    service, not a purchase from the county, and is not counted (as in the impact report).
 * 2. Group buys it organised that `succeeded`, in the Shanghai calendar year they closed: every item
 *    of participants who paid or picked up (`paid`, `picked_up`), net of their refunds the same way.
 *
 * The county is the product's county of origin (the order line's copy for orders); the month is the
 * Shanghai month of the same instant. Served by orders_org_idx, order_lines_order_idx,
 * group_buys_organizer_idx and the participant indexes.
 */


export const currentShanghaiYear = (now = Date.now()) => Number(shanghaiDay(now).slice(0, 4));

function monthOf(column: ReturnType<typeof sql>) {
  return sql`strftime('%Y-%m', (${column} + ${SHANGHAI_OFFSET_MS}) / 1000, 'unixepoch')`;
}

export type ConsumptionRow = {
  source: 'order' | 'group_buy';
  countyId: string;
  nameZh: string;
  nameEn: string;
  districtId: string | null;
  month: string;
  amountFen: number;
};

/** The ledger of one year, summed per source, county and month, in one statement. */
export function consumptionRows(db: Db, organizationId: string, year: number): Promise<ConsumptionRow[]> {
  const from = startOfShanghaiDay(`${String(year).padStart(4, '0')}-01-01`);
  const to = startOfShanghaiDay(`${String(year + 1).padStart(4, '0')}-01-01`);
  const groupClosedAt = sql`coalesce(gb.closed_at, gb.closes_at)`;
  return db.all<ConsumptionRow>(sql`
    WITH ledger AS (
      SELECT 'order' AS source, l.county_id AS county_id, ${monthOf(sql`o.created_at`)} AS month,
             sum(l.line_total_fen - (o.refunded_fen * l.line_total_fen) / o.total_fen) AS amount_fen
      FROM orders o
      JOIN order_lines l ON l.order_id = o.id
      WHERE o.organization_id = ${organizationId}
        AND o.status IN ('paid', 'invoiced', 'fulfilled')
        AND o.created_at >= ${from} AND o.created_at < ${to}
      GROUP BY l.county_id, month
      UNION ALL
      SELECT 'group_buy', pr.county_id, ${monthOf(groupClosedAt)},
             sum(li.line_total_fen - (
               (SELECT coalesce(sum(pay.refunded_fen), 0) FROM payments pay WHERE pay.participant_id = p.id AND pay.status = 'succeeded')
               * li.line_total_fen) / max(p.total_fen, 1))
      FROM group_buys gb
      JOIN group_buy_participants p ON p.group_buy_id = gb.id AND p.status IN ('paid', 'picked_up')
      JOIN group_buy_participant_items li ON li.participant_id = p.id
      JOIN products pr ON pr.id = li.product_id
      WHERE gb.organizer_organization_id = ${organizationId}
        AND gb.status = 'succeeded'
        AND ${groupClosedAt} >= ${from} AND ${groupClosedAt} < ${to}
      GROUP BY pr.county_id, 3
    )
    SELECT ledger.source AS source, ledger.county_id AS countyId, c.name_zh AS nameZh, c.name_en AS nameEn,
           c.district_id AS districtId, ledger.month AS month, ledger.amount_fen AS amountFen
    FROM ledger
    JOIN counties c ON c.id = ledger.county_id
    ORDER BY ledger.month, ledger.county_id, ledger.source
  `);
}

/** The organisation's target and the year's ledger, summed by county and by month (all twelve). */
export async function consumption(db: Db, organizationId: string, year: number): Promise<ConsumptionView> {
  const [org, rows] = await Promise.all([
    db.select({ annualTargetFen: organization.annualTargetFen }).from(organization).where(eq(organization.id, organizationId)).get(),
    consumptionRows(db, organizationId, year),
  ]);
  const targetFen = org?.annualTargetFen ?? 0;
  const counties = new Map<string, ConsumptionView['byCounty'][number]>();
  const months = new Map<string, number>();
  for (let m = 1; m <= 12; m++) months.set(`${year}-${String(m).padStart(2, '0')}`, 0);
  let ordersFen = 0;
  let groupBuysFen = 0;
  for (const row of rows) {
    const amount = Number(row.amountFen);
    if (row.source === 'order') ordersFen += amount;
    else groupBuysFen += amount;
    const county = counties.get(row.countyId) ?? { countyId: row.countyId, nameZh: row.nameZh, nameEn: row.nameEn, districtId: row.districtId, spentFen: 0 };
    county.spentFen += amount;
    counties.set(row.countyId, county);
    months.set(row.month, (months.get(row.month) ?? 0) + amount);
  }
  const spentFen = ordersFen + groupBuysFen;
  return {
    organizationId,
    year,
    targetFen,
    spentFen,
    progress: targetFen > 0 ? Math.min(1, spentFen / targetFen) : 0,
    ordersFen,
    groupBuysFen,
    byCounty: [...counties.values()].sort((a, b) => b.spentFen - a.spentFen || a.countyId.localeCompare(b.countyId)),
    byMonth: [...months].map(([month, spent]) => ({ month, spentFen: spent })),
  };
}

/** The annual-report CSV: one table, a `section` column (summary, county, month), fen and yuan. */
export function consumptionCsv(view: ConsumptionView, organizationName: string): string {
  const yuan = (fen: number) => (fen / 100).toFixed(2);
  const rows: unknown[][] = [['section', 'key', 'name', 'amountFen', 'amountYuan']];
  rows.push(['summary', 'organization', organizationName, '', '']);
  rows.push(['summary', 'year', String(view.year), '', '']);
  rows.push(['summary', 'target', '年度消费帮扶目标 / yearly target', view.targetFen, yuan(view.targetFen)]);
  rows.push(['summary', 'spent', '已完成 / spent', view.spentFen, yuan(view.spentFen)]);
  rows.push(['summary', 'orders', '机构订单 / own orders', view.ordersFen, yuan(view.ordersFen)]);
  rows.push(['summary', 'group_buys', '组织的团购 / group buys organised', view.groupBuysFen, yuan(view.groupBuysFen)]);
  rows.push(['summary', 'progress', '完成率 / progress', '', `${(view.progress * 100).toFixed(1)}%`]);
  for (const c of view.byCounty) rows.push(['county', c.countyId, `${c.nameZh} / ${c.nameEn}`, c.spentFen, yuan(c.spentFen)]);
  for (const m of view.byMonth) rows.push(['month', m.month, m.month, m.spentFen, yuan(m.spentFen)]);
  return toCsv(rows);
}
