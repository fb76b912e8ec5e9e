import { and, desc, eq, gte, inArray, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import type { Db } from '../db/client';
import { runBatch, type Statement } from '../db/batch';
import {
  notifications,
  products,
  standingOrderLines,
  standingOrderOccurrences,
  standingOrders,
  user,
  type OccurrenceFailureRule,
  type OccurrenceStatus,
  type StandingOrderStatus,
} from '../db/schema';
import type { Actor, Bindings } from '../env';
import { auditEntry } from '../lib/audit';
import { AppError, type FieldError } from '../lib/errors';
import { newId } from '../lib/ids';
import { formatFen } from '../lib/money';
import { decodeCursor, encodeCursor } from '../lib/pagination';
import { shanghaiDay } from '../lib/time';
import {
  buyerOrganization,
  paymentMethodProblem,
  placeOrder,
  resolveDelivery,
  validateContact,
  type CreateOrderInput,
  type DeliveryInput,
} from '../orders';
import { guardFailure, transition } from '../db/guards';
import { quoteItems } from '../pricing';
import { buyingActor } from './approvals.service';
import { addDays, nextOccurrences, occurrencesBetween, occursOn, type Schedule } from './standing-schedule';
import type { CreateStandingOrderInput, OccurrenceView, StandingOrderView } from './standing-orders.schemas';

/**
 * Standing orders (定期供货). The buyer sets lines, a schedule, delivery and payment once; on each
 * scheduled Shanghai day the job places the order through the ordinary order service, as the person who
 * set it up (their per-order limit, the organisation's credit and the stock all apply as for any order).
 *
 * Once per day, however often it runs: the order goes with the Idempotency-Key `standing:<id>:<day>`
 * (a second or concurrent run replays the first), and the occurrence row is written in the order's own
 * batch behind a guard, so a day the buyer skipped cannot be placed and a placed day cannot be placed
 * again. A day that cannot be placed — short stock, a price risen beyond the buyer's tolerance, credit,
 * a product gone — is not retried behind the buyer's back: it waits with its reason until they retry
 * (optionally accepting the new price) or dismiss it. A day above the purchaser's limit becomes an
 * ordinary approval request for the owner.
 */

export type StandingContext = { db: Db; env: Bindings; now?: number };

/** A missed tick (an outage) is caught up for this many days; older days are not placed late. */
export const CATCH_UP_DAYS = 2;
const UPCOMING = 8;
const RECENT_OCCURRENCES = 30;
const OCCURRENCE_OPERATION = 'standing_orders.occurrence';

type StandingRow = typeof standingOrders.$inferSelect;
type OccurrenceRow = typeof standingOrderOccurrences.$inferSelect;

function unprocessable(detail: string, errors: FieldError[]): AppError {
  return new AppError('unprocessable', detail, { errors });
}

function scheduleOf(row: Pick<StandingRow, 'cadence' | 'weekdays' | 'monthDay'>): Schedule {
  return { cadence: row.cadence, weekdays: row.weekdays ?? null, monthDay: row.monthDay ?? null };
}

function laterDay(a: string, b: string): string {
  return a > b ? a : b;
}

// ----- reading --------------------------------------------------------------------------------------

function toOccurrenceView(row: OccurrenceRow): OccurrenceView {
  return {
    date: row.occurrenceDate,
    status: row.status,
    orderId: row.orderId,
    approvalId: row.approvalId,
    failureRule: row.failureRule,
    failureDetail: row.failureDetail,
    updatedAt: row.updatedAt,
  };
}

/** Views of several standing orders in four queries, whatever their number. */
async function toViews(db: Db, rows: StandingRow[], today: string): Promise<StandingOrderView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [lines, people, occurrences] = await Promise.all([
    db
      .select({ line: standingOrderLines, sku: products.sku, nameZh: products.nameZh, nameEn: products.nameEn })
      .from(standingOrderLines)
      .innerJoin(products, eq(products.id, standingOrderLines.productId))
      .where(inArray(standingOrderLines.standingOrderId, ids))
      .orderBy(standingOrderLines.position),
    db.select({ id: user.id, name: user.name }).from(user).where(inArray(user.id, [...new Set(rows.map((r) => r.createdByUserId))])),
    db
      .select()
      .from(standingOrderOccurrences)
      .where(inArray(standingOrderOccurrences.standingOrderId, ids))
      .orderBy(desc(standingOrderOccurrences.occurrenceDate)),
  ]);
  const names = new Map(people.map((p) => [p.id, p.name]));
  return rows.map((row) => {
    const mine = occurrences.filter((o) => o.standingOrderId === row.id);
    const byDay = new Map(mine.map((o) => [o.occurrenceDate, o]));
    const upcoming =
      row.status === 'active'
        ? nextOccurrences(scheduleOf(row), laterDay(today, row.placeFrom), UPCOMING * 2, row.endDate)
            .filter((day) => !byDay.has(day) || byDay.get(day)!.status === 'skipped')
            .slice(0, UPCOMING)
            .map((day) => ({ date: day, skipped: byDay.has(day) }))
        : [];
    return {
      id: row.id,
      organizationId: row.organizationId,
      title: row.title,
      status: row.status,
      schedule: scheduleOf(row),
      startDate: row.startDate,
      endDate: row.endDate,
      delivery: row.delivery as StandingOrderView['delivery'],
      contact: row.contact as StandingOrderView['contact'],
      paymentMethod: row.paymentMethod,
      priceTolerancePercent: row.priceTolerancePercent,
      lines: lines
        .filter((l) => l.line.standingOrderId === row.id)
        .map((l) => ({ productId: l.line.productId, sku: l.sku, nameZh: l.nameZh, nameEn: l.nameEn, quantity: l.line.quantity, referenceUnitPriceFen: l.line.referenceUnitPriceFen })),
      createdBy: { userId: row.createdByUserId, name: names.get(row.createdByUserId) ?? '' },
      upcoming,
      occurrences: mine
        .filter((o) => o.status !== 'skipped' || o.occurrenceDate < today)
        .slice(0, RECENT_OCCURRENCES)
        .map(toOccurrenceView),
      createdAt: row.createdAt,
    };
  });
}

async function findRow(db: Db, organizationId: string, standingOrderId: string): Promise<StandingRow> {
  const row = await db.select().from(standingOrders).where(eq(standingOrders.id, standingOrderId)).get();
  if (!row || row.organizationId !== organizationId) throw new AppError('not_found', `Standing order ${standingOrderId} not found`);
  return row;
}

export async function getStandingOrder(ctx: StandingContext, organizationId: string, standingOrderId: string): Promise<StandingOrderView> {
  const today = shanghaiDay(ctx.now ?? Date.now());
  const [view] = await toViews(ctx.db, [await findRow(ctx.db, organizationId, standingOrderId)], today);
  return view!;
}

const listCursor = z.tuple([z.number(), z.string()]);

/** The organisation's standing orders, newest first. */
export async function listStandingOrders(
  ctx: StandingContext,
  organizationId: string,
  query: { limit: number; cursor?: string },
): Promise<{ items: StandingOrderView[]; nextCursor: string | null }> {
  const conditions: SQL[] = [eq(standingOrders.organizationId, organizationId)];
  if (query.cursor) {
    const [createdAt, id] = decodeCursor(query.cursor, listCursor);
    conditions.push(or(lt(standingOrders.createdAt, createdAt), and(eq(standingOrders.createdAt, createdAt), lt(standingOrders.id, id)))!);
  }
  const rows = await ctx.db
    .select()
    .from(standingOrders)
    .where(and(...conditions))
    .orderBy(desc(standingOrders.createdAt), desc(standingOrders.id))
    .limit(query.limit + 1);
  const items = await toViews(ctx.db, rows.slice(0, query.limit), shanghaiDay(ctx.now ?? Date.now()));
  const last = items.at(-1);
  return { items, nextCursor: rows.length > query.limit && last ? encodeCursor([last.createdAt, last.id]) : null };
}

// ----- setting up -----------------------------------------------------------------------------------

function scheduleColumns(input: CreateStandingOrderInput['schedule']) {
  return input.cadence === 'weekly'
    ? { cadence: 'weekly' as const, weekdays: [...input.weekdays].sort((a, b) => a - b), monthDay: null }
    : { cadence: 'monthly' as const, weekdays: null, monthDay: input.monthDay };
}

/**
 * Sets a standing order up for an organisation the actor buys for. Everything an order needs is checked
 * now — products orderable in these quantities, the delivery location the organisation's, the payment
 * method open to it — so that a day fails only for what changed since.
 */
export async function createStandingOrder(ctx: StandingContext, actor: Actor, organizationId: string, input: CreateStandingOrderInput): Promise<StandingOrderView> {
  const { db, env } = ctx;
  const now = ctx.now ?? Date.now();
  const today = shanghaiDay(now);
  const buyer = await buyerOrganization(db, actor, organizationId);
  const endDate = input.endDate ?? null;
  if (input.startDate < today) throw unprocessable('The first day cannot be in the past', [{ path: 'body.startDate', message: `Start on ${today} or later`, rule: 'start_in_past' }]);
  if (endDate && endDate < input.startDate) throw unprocessable('The last day is before the first', [{ path: 'body.endDate', message: 'End on or after the start', rule: 'end_before_start' }]);
  const schedule = scheduleColumns(input.schedule);
  if (nextOccurrences(schedule, input.startDate, 1, endDate).length === 0) {
    throw unprocessable('No scheduled day falls between the start and the end', [{ path: 'body.schedule', message: 'No scheduled day in this period', rule: 'no_occurrence' }]);
  }
  const delivery = await resolveDelivery(db, input.delivery as DeliveryInput, { organizationId });
  const contact = validateContact(input.contact);
  const quote = await quoteItems(db, { items: input.items, delivery: delivery.method, organizationId }, { at: now });
  if (quote.problems.length) {
    throw unprocessable(
      quote.problems.length === 1 ? quote.problems[0]!.message : 'Some items cannot be ordered as asked',
      quote.problems.map((p) => ({ path: `body.${p.path}`, message: p.message, rule: p.rule })),
    );
  }
  // Credit is judged on each day's order; here only whether the method is open to this buyer at all.
  const methodProblem = await paymentMethodProblem(db, env, input.paymentMethod, { delivery, buyer, totalFen: 0 });
  if (methodProblem) throw unprocessable(methodProblem.message, [{ path: 'body.paymentMethod', message: methodProblem.message, rule: 'payment_method' }]);

  const row: StandingRow = {
    id: newId('sto'),
    organizationId,
    createdByUserId: actor.userId,
    title: input.title,
    status: 'active',
    ...schedule,
    startDate: input.startDate,
    endDate,
    placeFrom: input.startDate,
    delivery: input.delivery,
    contact: { name: contact.name, phone: contact.phone, ...(contact.email ? { email: contact.email } : {}) },
    paymentMethod: input.paymentMethod,
    priceTolerancePercent: input.priceTolerancePercent,
    createdAt: now,
    updatedAt: now,
  };
  const lines = quote.lines.map((line, position) => ({
    id: newId('stl'),
    standingOrderId: row.id,
    productId: line.productId,
    quantity: line.quantity,
    referenceUnitPriceFen: line.unitPriceFen,
    position,
  }));
  await runBatch(db, [
    db.insert(standingOrders).values(row),
    db.insert(standingOrderLines).values(lines),
    auditEntry(db, {
      actor,
      action: 'standing_order.create',
      entityType: 'standing_order',
      entityId: row.id,
      organizationId,
      after: { schedule, startDate: row.startDate, endDate, lines: lines.length, paymentMethod: row.paymentMethod, priceTolerancePercent: row.priceTolerancePercent },
      at: now,
    }),
  ]);
  return getStandingOrder({ ...ctx, now }, organizationId, row.id);
}

const STATUS_CHANGES = {
  pause: { from: ['active'], to: 'paused' },
  resume: { from: ['paused'], to: 'active' },
  end: { from: ['active', 'paused'], to: 'ended' },
} as const satisfies Record<string, { from: readonly StandingOrderStatus[]; to: StandingOrderStatus }>;
export type StatusChange = keyof typeof STATUS_CHANGES;

/**
 * Pause, resume or end. Resuming places nothing for the paused days: the job starts again from the
 * day of the resumption.
 */
export async function changeStandingOrderStatus(ctx: StandingContext, actor: Actor, organizationId: string, standingOrderId: string, change: StatusChange): Promise<StandingOrderView> {
  const now = ctx.now ?? Date.now();
  const row = await findRow(ctx.db, organizationId, standingOrderId);
  const { from, to } = STATUS_CHANGES[change];
  if (!(from as readonly string[]).includes(row.status)) throw new AppError('invalid_state', `This standing order is ${row.status}; it cannot ${change}`);
  const today = shanghaiDay(now);
  try {
    await runBatch(ctx.db, [
      ctx.db
        .update(standingOrders)
        .set({ status: transition(standingOrders.status, from, to) as unknown as StandingOrderStatus, updatedAt: now, ...(change === 'resume' ? { placeFrom: laterDay(today, row.startDate) } : {}) })
        .where(eq(standingOrders.id, row.id)),
      auditEntry(ctx.db, { actor, action: `standing_order.${change}`, entityType: 'standing_order', entityId: row.id, organizationId, before: { status: row.status }, after: { status: to }, at: now }),
    ]);
  } catch (error) {
    if (guardFailure(error) === 'standing_orders.status') throw new AppError('invalid_state', 'This standing order changed meanwhile; reload it');
    throw error;
  }
  return getStandingOrder({ ...ctx, now }, organizationId, row.id);
}

/** Skip one scheduled day that has not been placed yet (today included, until the job placed it). */
export async function skipOccurrence(ctx: StandingContext, actor: Actor, organizationId: string, standingOrderId: string, day: string): Promise<StandingOrderView> {
  const now = ctx.now ?? Date.now();
  const row = await findRow(ctx.db, organizationId, standingOrderId);
  const today = shanghaiDay(now);
  if (row.status === 'ended') throw new AppError('invalid_state', 'This standing order has ended');
  const scheduled = occursOn(scheduleOf(row), day) && day >= row.startDate && (!row.endDate || day <= row.endDate);
  if (!scheduled) throw unprocessable(`${day} is not one of this standing order's days`, [{ path: 'body.date', message: 'Not a scheduled day', rule: 'not_scheduled' }]);
  if (day < today) throw unprocessable(`${day} has passed`, [{ path: 'body.date', message: 'This day has passed', rule: 'day_passed' }]);
  const inserted = await ctx.db
    .insert(standingOrderOccurrences)
    .values({ id: newId('soc'), standingOrderId: row.id, occurrenceDate: day, status: 'skipped', createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .returning({ id: standingOrderOccurrences.id });
  if (inserted.length === 0) throw new AppError('invalid_state', `${day} was already skipped or placed`);
  await auditEntry(ctx.db, { actor, action: 'standing_order.skip', entityType: 'standing_order', entityId: row.id, organizationId, after: { date: day }, at: now });
  return getStandingOrder({ ...ctx, now }, organizationId, row.id);
}

/** Undo a skip of a day still to come. */
export async function unskipOccurrence(ctx: StandingContext, actor: Actor, organizationId: string, standingOrderId: string, day: string): Promise<StandingOrderView> {
  const now = ctx.now ?? Date.now();
  const row = await findRow(ctx.db, organizationId, standingOrderId);
  const removed = await ctx.db
    .delete(standingOrderOccurrences)
    .where(
      and(
        eq(standingOrderOccurrences.standingOrderId, row.id),
        eq(standingOrderOccurrences.occurrenceDate, day),
        eq(standingOrderOccurrences.status, 'skipped'),
        gte(standingOrderOccurrences.occurrenceDate, shanghaiDay(now)),
      ),
    )
    .returning({ id: standingOrderOccurrences.id });
  if (removed.length === 0) throw new AppError('not_found', `${day} is not a skipped day still to come`);
  await auditEntry(ctx.db, { actor, action: 'standing_order.unskip', entityType: 'standing_order', entityId: row.id, organizationId, after: { date: day }, at: now });
  return getStandingOrder({ ...ctx, now }, organizationId, row.id);
}

// ----- placing a day --------------------------------------------------------------------------------

type Outcome = { status: OccurrenceStatus; orderId?: string; approvalId?: string; rule?: OccurrenceFailureRule; detail?: string };

function occurrenceKey(row: StandingRow, day: string): string {
  return `standing:${row.id}:${day}`;
}

/**
 * The occurrence row as placed (or waiting for approval), in the batch of the order or approval: a new
 * day, or a failed day retried. Any other existing state (skipped, placed, dismissed) sets the NOT NULL
 * status to NULL, which rolls the whole batch back — the order is not placed.
 */
function placedStatement(db: Db, row: StandingRow, day: string, outcome: { status: 'placed' | 'awaiting_approval'; orderId?: string; approvalId?: string }, now: number): Statement {
  return db
    .insert(standingOrderOccurrences)
    .values({ id: newId('soc'), standingOrderId: row.id, occurrenceDate: day, status: outcome.status, orderId: outcome.orderId ?? null, approvalId: outcome.approvalId ?? null, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: [standingOrderOccurrences.standingOrderId, standingOrderOccurrences.occurrenceDate],
      set: {
        status: sql`CASE WHEN ${standingOrderOccurrences.status} = 'failed' THEN excluded.status ELSE NULL END`,
        orderId: sql`excluded.order_id`,
        approvalId: sql`excluded.approval_id`,
        failureRule: null,
        failureDetail: null,
        updatedAt: now,
      },
    });
}

/**
 * A failed day: new (then its owner is told, once — the notice goes only with the row this call
 * inserted), or a failed one failing again on a retry (its reason refreshed); never over a placed or
 * skipped day.
 */
async function recordFailure(db: Db, row: StandingRow, day: string, rule: OccurrenceFailureRule, detail: string, now: number): Promise<void> {
  const inserted = await db
    .insert(standingOrderOccurrences)
    .values({ id: newId('soc'), standingOrderId: row.id, occurrenceDate: day, status: 'failed', failureRule: rule, failureDetail: detail, createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .returning({ id: standingOrderOccurrences.id });
  if (inserted.length) {
    await db.insert(notifications).values({
      id: newId('ntf'),
      userId: row.createdByUserId,
      organizationId: row.organizationId,
      kind: 'standing_order.failed',
      titleZh: `定期供货「${row.title}」${day} 未能下单，等你处理`,
      titleEn: `Standing order "${row.title}" could not be placed on ${day}; it waits for you`,
      payload: { standingOrderId: row.id, date: day, rule },
      createdAt: now,
    });
    return;
  }
  await db
    .update(standingOrderOccurrences)
    .set({ failureRule: rule, failureDetail: detail, updatedAt: now })
    .where(and(eq(standingOrderOccurrences.standingOrderId, row.id), eq(standingOrderOccurrences.occurrenceDate, day), eq(standingOrderOccurrences.status, 'failed')));
}

/** Lines whose unit price rose above the reference by more than the tolerance, worded for the buyer. */
async function priceRises(db: Db, row: StandingRow, lines: (typeof standingOrderLines.$inferSelect)[], deliveryMethod: 'ship' | 'pickup', now: number): Promise<string | null> {
  const quote = await quoteItems(db, { items: lines.map((l) => ({ productId: l.productId, quantity: l.quantity })), delivery: deliveryMethod, organizationId: row.organizationId }, { at: now });
  const reference = new Map(lines.map((l) => [l.productId, l.referenceUnitPriceFen]));
  const risen = quote.lines.filter((q) => q.unitPriceFen * 100 > reference.get(q.productId)! * (100 + row.priceTolerancePercent));
  if (risen.length === 0) return null;
  return risen.map((q) => `${q.sku} ${formatFen(reference.get(q.productId)!)} → ${formatFen(q.unitPriceFen)}`).join('; ');
}

/** Which rule an order refusal broke, for the buyer's list of days waiting for them. */
function failureRuleOf(error: AppError): OccurrenceFailureRule {
  if (error.code === 'insufficient_stock') return 'short_stock';
  const paymentError = error.errors?.find((e) => e.path === 'body.paymentMethod');
  if (paymentError) return error.extensions && 'availableCreditFen' in error.extensions ? 'credit' : 'payment_method';
  return 'unavailable';
}

async function placeDay(ctx: StandingContext, row: StandingRow, day: string, options: { acceptPriceChange?: boolean } = {}): Promise<Outcome> {
  const { db } = ctx;
  const now = ctx.now ?? Date.now();
  const lines = await db.select().from(standingOrderLines).where(eq(standingOrderLines.standingOrderId, row.id)).orderBy(standingOrderLines.position);
  const delivery = row.delivery as CreateOrderInput['delivery'];
  const fail = async (rule: OccurrenceFailureRule, detail: string): Promise<Outcome> => {
    await recordFailure(db, row, day, rule, detail, now);
    return { status: 'failed', rule, detail };
  };
  const actor = await buyingActor(db, row.createdByUserId, row.organizationId);
  if (!actor) return fail('purchaser_gone', 'The person who set this standing order up no longer buys for the organisation');
  if (!options.acceptPriceChange) {
    const risen = await priceRises(db, row, lines, delivery.method, now);
    if (risen) return fail('price_tolerance', `Prices rose more than ${row.priceTolerancePercent}%: ${risen}`);
  }
  const input: CreateOrderInput = {
    items: lines.map((l) => ({ productId: l.productId, quantity: l.quantity })),
    delivery,
    contact: row.contact as CreateOrderInput['contact'],
    organizationId: row.organizationId,
    paymentMethod: row.paymentMethod,
  };
  try {
    const placed = await placeOrder({ db, env: ctx.env, actor, now }, input, {
      idempotencyKey: occurrenceKey(row, day),
      // The key stands for the day, whatever the lines say by the time a second run replays it.
      idempotency: { operation: OCCURRENCE_OPERATION, request: { standingOrderId: row.id, date: day } },
      alongside: (written) => [
        written.orderId
          ? placedStatement(db, row, day, { status: 'placed', orderId: written.orderId }, now)
          : placedStatement(db, row, day, { status: 'awaiting_approval', approvalId: written.approvalId }, now),
      ],
    });
    return placed.view ? { status: 'placed', orderId: placed.view.id } : { status: 'awaiting_approval', approvalId: placed.approval.id };
  } catch (error) {
    if (guardFailure(error) === 'standing_order_occurrences.status') {
      const current = await db
        .select()
        .from(standingOrderOccurrences)
        .where(and(eq(standingOrderOccurrences.standingOrderId, row.id), eq(standingOrderOccurrences.occurrenceDate, day)))
        .get();
      return current ? { status: current.status, orderId: current.orderId ?? undefined, approvalId: current.approvalId ?? undefined } : { status: 'skipped' };
    }
    if (error instanceof AppError && error.status < 500) return fail(failureRuleOf(error), error.message);
    throw error;
  }
}

/** The days the job owes a standing order now: scheduled, from its placing start, not older than the catch-up. */
export function dueDays(row: Pick<StandingRow, 'cadence' | 'weekdays' | 'monthDay' | 'placeFrom' | 'endDate'>, today: string): string[] {
  const from = laterDay(row.placeFrom, addDays(today, -CATCH_UP_DAYS));
  const to = row.endDate && row.endDate < today ? row.endDate : today;
  return occurrencesBetween(scheduleOf(row), from, to);
}

/**
 * The scheduled job: every active standing order's due days that have no occurrence yet are placed (or
 * recorded as waiting for the buyer). Returns how many days it recorded.
 */
export async function placeDueOccurrences(ctx: StandingContext): Promise<number> {
  const { db } = ctx;
  const now = ctx.now ?? Date.now();
  const today = shanghaiDay(now);
  const active = await db
    .select()
    .from(standingOrders)
    .where(and(eq(standingOrders.status, 'active'), lte(standingOrders.placeFrom, today), or(isNull(standingOrders.endDate), gte(standingOrders.endDate, addDays(today, -CATCH_UP_DAYS)))));
  let recorded = 0;
  for (const row of active) {
    const due = dueDays(row, today);
    if (due.length === 0) continue;
    const done = await db
      .select({ day: standingOrderOccurrences.occurrenceDate })
      .from(standingOrderOccurrences)
      .where(and(eq(standingOrderOccurrences.standingOrderId, row.id), inArray(standingOrderOccurrences.occurrenceDate, due)));
    const taken = new Set(done.map((d) => d.day));
    for (const day of due.filter((d) => !taken.has(d))) {
      try {
        await placeDay({ ...ctx, now }, row, day);
        recorded += 1;
      } catch (error) {
        // One standing order's unexpected failure must not hold the others; the next tick tries again.
        console.error(`standing order ${row.id} ${day} failed`, error);
      }
    }
  }
  return recorded;
}

async function failedOccurrence(db: Db, row: StandingRow, day: string): Promise<OccurrenceRow> {
  const occurrence = await db
    .select()
    .from(standingOrderOccurrences)
    .where(and(eq(standingOrderOccurrences.standingOrderId, row.id), eq(standingOrderOccurrences.occurrenceDate, day)))
    .get();
  if (!occurrence) throw new AppError('not_found', `No occurrence on ${day}`);
  if (occurrence.status !== 'failed') throw new AppError('invalid_state', `The occurrence of ${day} is ${occurrence.status}`);
  return occurrence;
}

/** The buyer tries a failed day again now, accepting risen prices if they say so. */
export async function retryOccurrence(ctx: StandingContext, actor: Actor, organizationId: string, standingOrderId: string, day: string, options: { acceptPriceChange: boolean }): Promise<OccurrenceView> {
  const now = ctx.now ?? Date.now();
  const row = await findRow(ctx.db, organizationId, standingOrderId);
  if (row.status === 'ended') throw new AppError('invalid_state', 'This standing order has ended');
  await failedOccurrence(ctx.db, row, day);
  await placeDay({ ...ctx, now }, row, day, options);
  await auditEntry(ctx.db, { actor, action: 'standing_order.retry', entityType: 'standing_order', entityId: row.id, organizationId, after: { date: day, ...options }, at: now });
  const occurrence = await ctx.db
    .select()
    .from(standingOrderOccurrences)
    .where(and(eq(standingOrderOccurrences.standingOrderId, row.id), eq(standingOrderOccurrences.occurrenceDate, day)))
    .get();
  return toOccurrenceView(occurrence!);
}

/** The buyer lets a failed day go: it is not placed. */
export async function dismissOccurrence(ctx: StandingContext, actor: Actor, organizationId: string, standingOrderId: string, day: string): Promise<OccurrenceView> {
  const now = ctx.now ?? Date.now();
  const row = await findRow(ctx.db, organizationId, standingOrderId);
  const occurrence = await failedOccurrence(ctx.db, row, day);
  try {
    await runBatch(ctx.db, [
      ctx.db
        .update(standingOrderOccurrences)
        .set({ status: transition(standingOrderOccurrences.status, ['failed'], 'dismissed') as unknown as OccurrenceStatus, updatedAt: now })
        .where(eq(standingOrderOccurrences.id, occurrence.id)),
      auditEntry(ctx.db, { actor, action: 'standing_order.dismiss', entityType: 'standing_order', entityId: row.id, organizationId, after: { date: day }, at: now }),
    ]);
  } catch (error) {
    if (guardFailure(error) === 'standing_order_occurrences.status') throw new AppError('invalid_state', 'This day changed meanwhile; reload it');
    throw error;
  }
  return toOccurrenceView({ ...occurrence, status: 'dismissed', updatedAt: now });
}

/** Product ids of the SKUs a page form names (unknown SKUs are absent). */
export async function productIdsBySku(db: Db, skus: string[]): Promise<Map<string, string>> {
  if (skus.length === 0) return new Map();
  const rows = await db.select({ id: products.id, sku: products.sku }).from(products).where(inArray(products.sku, skus));
  return new Map(rows.map((r) => [r.sku, r.id]));
}
