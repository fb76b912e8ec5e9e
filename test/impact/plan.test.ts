import { describe, expect, it } from 'vitest';
import { SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core';
import { env } from 'cloudflare:workers';
import { testDb } from '../helpers/impact';
import { salesRollupStatements } from '../../src/impact/rollup';
import { reportSql, splitRange } from '../../src/impact/report';

/**
 * The rollup runs inside every payment and refund batch: it must reach the order's rows through
 * indexes, never by walking a whole table, however many orders there are.
 */
const BIG_TABLES = ['payments', 'orders', 'order_lines', 'refunds', 'group_buy_participants', 'group_buy_participant_items', 'products', 'shipments'];

async function planOf(query: { sql: string; params: unknown[] }): Promise<string[]> {
  const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).bind(...query.params).all<{ detail: string }>();
  return plan.results.map((r) => r.detail);
}

function fullScans(plan: string[]): string[] {
  return plan.filter((line) => BIG_TABLES.some((table) => new RegExp(`^SCAN ${table}\\b|^SCAN \\w+ USING (?:COVERING )?INDEX ${table}_`).test(line) || line === `SCAN ${table}`));
}

describe('query plans of the impact statements', () => {
  it.each([
    ['a sale', { kind: 'sale', paymentId: 'pay_x' }],
    ['a refund', { kind: 'refund', refundId: 'ref_x' }],
  ] as const)('Should apply %s through indexes only', async (_name, event) => {
    const plan = await planOf(salesRollupStatements(testDb(), event)[0]!.toSQL());
    expect(plan.some((line) => line.includes('payments_order_idx'))).toBe(true);
    expect(plan.some((line) => line.includes('order_lines_order_idx'))).toBe(true);
    expect(fullScans(plan)).toEqual([]);
    // The walk of all succeeded payments through the status index is the scan this guards against.
    expect(plan.some((line) => line.includes('payments_status_idx'))).toBe(false);
  });

  it.each([
    ['county', { county: 'huize', from: '2026-01-01', to: '2026-12-31' }, ['sales_monthly_county_idx']],
    ['district', { district: 'baoshan', from: '2026-01-15', to: '2026-03-10' }, ['sales_monthly_district_idx', 'sales_daily_district_idx']],
    ['category and partial months', { from: '2026-01-20', to: '2026-03-31', category: 'tea' }, ['sqlite_autoindex_sales_monthly_1', 'sqlite_autoindex_sales_daily_1']],
  ] as const)('Should read a %s slice of the rollup through indexes', async (_name, filter, indexes) => {
    const plan = await planOf(new SQLiteAsyncDialect({ casing: 'snake_case' }).sqlToQuery(reportSql(filter)));
    for (const index of indexes) expect(plan.join('\n')).toContain(`INDEX ${index}`);
    expect(plan.some((line) => /^SCAN (s|m)\b/.test(line))).toBe(false);
  });
});

describe('splitRange', () => {
  it.each([
    ['2026-01-01', '2026-12-31', { first: '2026-01', last: '2026-12' }, []],
    ['2026-01-15', '2026-03-10', { first: '2026-02', last: '2026-02' }, [{ from: '2026-01-15', to: '2026-01-31' }, { from: '2026-03-01', to: '2026-03-10' }]],
    ['2026-03-05', '2026-03-20', null, [{ from: '2026-03-05', to: '2026-03-20' }]],
    ['2026-02-01', '2026-02-28', { first: '2026-02', last: '2026-02' }, []],
    ['2024-02-01', '2024-02-28', null, [{ from: '2024-02-01', to: '2024-02-28' }]],
    ['2025-12-02', '2026-01-31', { first: '2026-01', last: '2026-01' }, [{ from: '2025-12-02', to: '2025-12-31' }]],
    [undefined, '2026-04-15', { first: '0000-00', last: '2026-03' }, [{ from: '2026-04-01', to: '2026-04-15' }]],
    ['2026-03-02', undefined, { first: '2026-04', last: '9999-99' }, [{ from: '2026-03-02', to: '2026-03-31' }]],
  ])('Should split %s – %s into whole months and edge days', (from, to, months, days) => {
    expect(splitRange(from, to)).toEqual({ months, days });
  });
});
