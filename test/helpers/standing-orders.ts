import { env } from 'cloudflare:workers';
import { createDb } from '../../src/db/client';
import { shanghaiDay } from '../../src/lib/time';
import { placeDueOccurrences } from '../../src/procurement/standing-orders.service';
import { isoWeekday } from '../../src/procurement/standing-schedule';
import { callJson } from './http';
import { CANTEEN, contact } from './orders';
import { CANTEEN_KITCHEN } from './procurement';

/** Standing-order factories: a body for the canteen, its creation through the API, and the job at a chosen instant. */

export const standingOrdersPath = (organizationId = CANTEEN) => `/api/v1/organizations/${organizationId}/standing-orders`;

export const today = () => shanghaiDay(Date.now());
export const todayWeekday = () => isoWeekday(today());

/** Weekly on today's weekday from today, to the kitchen, on invoice: the job places today's day at once. */
export function standingBody(items: { productId: string; quantity: number }[], overrides: Record<string, unknown> = {}) {
  return {
    title: '每周大米',
    items,
    schedule: { cadence: 'weekly', weekdays: [todayWeekday()] },
    startDate: today(),
    delivery: { method: 'ship', deliveryLocationId: CANTEEN_KITCHEN },
    contact,
    paymentMethod: 'invoice',
    ...overrides,
  };
}

export async function createStanding(token: string, items: { productId: string; quantity: number }[], overrides: Record<string, unknown> = {}) {
  const res = await callJson(standingOrdersPath(), { method: 'POST', token, json: standingBody(items, overrides) });
  if (res.status !== 201) throw new Error(`standing order not created: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** The standing-order job, as the cron runs it, at `now`. */
export function runStandingJob(now = Date.now()) {
  return placeDueOccurrences({ db: createDb(env.DB), env, now });
}

export async function occurrenceOf(standingOrderId: string, day: string) {
  return env.DB.prepare('SELECT status, order_id AS orderId, approval_id AS approvalId, failure_rule AS failureRule, failure_detail AS failureDetail FROM standing_order_occurrences WHERE standing_order_id = ? AND occurrence_date = ?')
    .bind(standingOrderId, day)
    .first<{ status: string; orderId: string | null; approvalId: string | null; failureRule: string | null; failureDetail: string | null }>();
}

export async function standingRowCounts(): Promise<Record<string, number>> {
  const tables = ['standing_orders', 'standing_order_lines', 'standing_order_occurrences', 'orders', 'purchase_approvals'];
  const results = await env.DB.batch(tables.map((t) => env.DB.prepare(`SELECT COUNT(*) AS n FROM ${t}`)));
  return Object.fromEntries(tables.map((t, i) => [t, (results[i]!.results[0] as { n: number }).n]));
}
