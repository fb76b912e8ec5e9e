import { and, desc, eq, gte, inArray, lt } from 'drizzle-orm';
import { runBatch, type Statement } from '../db/batch';
import type { Db } from '../db/client';
import { payments, reconciliationDifferences, reconciliationRuns, refunds, type ReconciliationKind } from '../db/schema';
import type { Bindings } from '../env';
import type { Job } from '../jobs/scheduled';
import { PROVIDER_NAMES, type PaymentProvider, type ProviderName, type StatementLine } from './providers/provider';
import { providerOf } from './providers/registry';

/**
 * Daily reconciliation: each provider's statement of a Beijing day beside what we recorded for that
 * day. A payment or refund that differs (amount, state, missing on either side) becomes a row the
 * admin sees at /admin/payments/reconciliation. One run per provider and day: the run row goes in
 * the same batch as its differences, so a second run (or two at once) records nothing twice.
 */

const BEIJING_MS = 8 * 3600_000;
const DAY_MS = 24 * 3600_000;

/** Beijing `YYYY-MM-DD` of an instant. */
export function beijingDate(ms: number): string {
  return new Date(ms + BEIJING_MS).toISOString().slice(0, 10);
}

function dayBounds(date: string): [number, number] {
  const start = Date.parse(`${date}T00:00:00+08:00`);
  return [start, start + DAY_MS];
}

export type Difference = { kind: ReconciliationKind; reference: string; oursFen: number | null; theirsFen: number | null; ourStatus: string | null; theirStatus: string | null };

/** The differences between a statement and our payments and refunds of that day (pure, for tests). */
export function compareStatement(
  lines: StatementLine[],
  ours: { payments: { id: string; amountFen: number; status: string; paidInDay: boolean }[]; refunds: { id: string; amountFen: number; status: string; settledInDay: boolean }[] },
): Difference[] {
  const out: Difference[] = [];
  const paymentById = new Map(ours.payments.map((p) => [p.id, p]));
  const refundById = new Map(ours.refunds.map((r) => [r.id, r]));
  const seenPayments = new Set<string>();
  const seenRefunds = new Set<string>();
  for (const line of lines) {
    if (line.state === 'paid') {
      seenPayments.add(line.outTradeNo);
      const mine = paymentById.get(line.outTradeNo);
      const base = { reference: line.outTradeNo, theirsFen: line.amountFen, theirStatus: 'paid' };
      if (!mine) out.push({ ...base, kind: 'missing_here', oursFen: null, ourStatus: null });
      else if (mine.status !== 'succeeded') out.push({ ...base, kind: 'status', oursFen: mine.amountFen, ourStatus: mine.status });
      else if (mine.amountFen !== line.amountFen) out.push({ ...base, kind: 'amount', oursFen: mine.amountFen, ourStatus: mine.status });
    } else if (line.state === 'refund' && line.outRefundNo) {
      seenRefunds.add(line.outRefundNo);
      const mine = refundById.get(line.outRefundNo);
      const base = { reference: line.outRefundNo, theirsFen: line.amountFen, theirStatus: 'refunded' };
      if (!mine) out.push({ ...base, kind: 'missing_here', oursFen: null, ourStatus: null });
      else if (mine.status !== 'succeeded') out.push({ ...base, kind: 'status', oursFen: mine.amountFen, ourStatus: mine.status });
      else if (mine.amountFen !== line.amountFen) out.push({ ...base, kind: 'amount', oursFen: mine.amountFen, ourStatus: mine.status });
    }
  }
  for (const p of ours.payments) {
    if (p.paidInDay && p.status === 'succeeded' && !seenPayments.has(p.id)) {
      out.push({ kind: 'missing_there', reference: p.id, oursFen: p.amountFen, theirsFen: null, ourStatus: p.status, theirStatus: null });
    }
  }
  for (const r of ours.refunds) {
    if (r.settledInDay && r.status === 'succeeded' && !seenRefunds.has(r.id)) {
      out.push({ kind: 'missing_there', reference: r.id, oursFen: r.amountFen, theirsFen: null, ourStatus: r.status, theirStatus: null });
    }
  }
  return out;
}

async function oursFor(db: Db, provider: ProviderName, date: string, lines: StatementLine[]) {
  const [from, to] = dayBounds(date);
  const listedPayments = [...new Set(lines.map((l) => l.outTradeNo).filter(Boolean))];
  const listedRefunds = [...new Set(lines.map((l) => l.outRefundNo).filter((r): r is string => Boolean(r)))];
  const paymentRows = [
    ...(await db.select().from(payments).where(and(eq(payments.method, provider), gte(payments.paidAt, from), lt(payments.paidAt, to)))),
    ...(listedPayments.length ? await db.select().from(payments).where(inArray(payments.id, listedPayments.slice(0, 90))) : []),
  ];
  const refundRows = [
    ...(await db
      .select({ refund: refunds })
      .from(refunds)
      .innerJoin(payments, eq(payments.id, refunds.paymentId))
      .where(and(eq(payments.method, provider), eq(refunds.status, 'succeeded'), gte(refunds.updatedAt, from), lt(refunds.updatedAt, to)))).map((r) => r.refund),
    ...(listedRefunds.length ? await db.select().from(refunds).where(inArray(refunds.id, listedRefunds.slice(0, 90))) : []),
  ];
  const uniq = <T extends { id: string }>(rows: T[]) => [...new Map(rows.map((r) => [r.id, r])).values()];
  return {
    payments: uniq(paymentRows).map((p) => ({ id: p.id, amountFen: p.amountFen, status: p.status, paidInDay: p.paidAt !== null && p.paidAt >= from && p.paidAt < to && p.method === provider })),
    refunds: uniq(refundRows).map((r) => ({ id: r.id, amountFen: r.amountFen, status: r.status, settledInDay: r.status === 'succeeded' && r.updatedAt >= from && r.updatedAt < to })),
  };
}

/** Reads one provider's statement of `date` and records its differences once; null when already done. */
export async function reconcileDay(db: Db, provider: PaymentProvider & { statement: NonNullable<PaymentProvider['statement']> }, date: string, now: number): Promise<number | null> {
  const runId = `${provider.name}:${date}`;
  if (await db.select({ id: reconciliationRuns.id }).from(reconciliationRuns).where(eq(reconciliationRuns.id, runId)).get()) return null;
  const lines = await provider.statement(date);
  const differences = compareStatement(lines, await oursFor(db, provider.name, date, lines));
  const statements: Statement[] = [
    db.insert(reconciliationRuns).values({ id: runId, provider: provider.name, statementDate: date, lines: lines.length, differences: differences.length, ranAt: now }).onConflictDoNothing(),
    ...differences.map((d) =>
      db
        .insert(reconciliationDifferences)
        .values({ id: `${runId}:${d.reference}:${d.kind}`, runId, provider: provider.name, statementDate: date, ...d, detectedAt: now })
        .onConflictDoNothing(),
    ),
  ];
  await runBatch(db, statements);
  return differences.length;
}

/** Statements are ready mid-morning of the next Beijing day (WeChat Pay: after 10:00). */
const READY_HOUR_BEIJING = 10;

export const reconcileStatements: Job = {
  name: 'payments.reconcile',
  async run(db: Db, env: Bindings, now: number) {
    if (new Date(now + BEIJING_MS).getUTCHours() < READY_HOUR_BEIJING) return 0;
    const yesterday = beijingDate(now - DAY_MS);
    let found = 0;
    for (const name of PROVIDER_NAMES) {
      const provider = providerOf(env, name);
      if (!provider?.statement) continue;
      try {
        found += (await reconcileDay(db, provider as Parameters<typeof reconcileDay>[1], yesterday, now)) ?? 0;
      } catch (error) {
        // The statement may not be ready yet, or the provider is down: the next tick tries again.
        console.error(`reconciliation of ${name} ${yesterday} failed`, error);
      }
    }
    return found;
  },
};

export async function listDifferences(db: Db, limit = 200) {
  const [rows, runs] = await Promise.all([
    db.select().from(reconciliationDifferences).orderBy(desc(reconciliationDifferences.detectedAt), desc(reconciliationDifferences.id)).limit(limit),
    db.select().from(reconciliationRuns).orderBy(desc(reconciliationRuns.ranAt)).limit(30),
  ]);
  return { differences: rows, runs };
}
