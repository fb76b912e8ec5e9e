import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { isConstraintError, runBatch, type Statement } from '../db/batch';
import { groupBuyItems, groupBuyParticipantItems, groupBuyParticipants, groupBuys, payments, products } from '../db/schema';
import type { Actor, Bindings } from '../env';
import { AppError, type FieldError } from '../lib/errors';
import { forgetIdempotencyRecord, idempotent, isIdempotencyConflict, type IdempotencyClaim, type IdempotentResult } from '../lib/idempotency';
import { newId, randomToken } from '../lib/ids';
import { getStripe, isProviderMethod, payPageUrl, providersAvailable } from '../payments';
import { quantityProblem, quote } from '../pricing';
import { CHECKOUT_WINDOW_MS, createParticipantCheckout, recordCheckoutStatement } from './group-buys.checkout';
import { closeIfCapacityReached } from './group-buys.close';
import { meUrl, ownParticipantView, withdrawStatements, type OwnParticipantView } from './group-buys.participants';
import { findGroupBuy, loadGroupItems, loadParticipations, remainingOf, type GroupBuyRow, type GroupItem } from './group-buys.queries';
import { bumpedVersion, decrementCounters, groupTakesParticipants, insertRows, participantUnchanged, isGuardFailure } from './group-buys.statements';
import { randomPickupCode } from './pickup-code';

export const JOIN_PAYMENT_METHODS = ['wechat_pay', 'alipay', 'stripe', 'pay_at_pickup'] as const;
export type JoinPaymentMethod = (typeof JOIN_PAYMENT_METHODS)[number];

export type JoinInput = {
  groupBuyId: string;
  name: string;
  phone: string;
  items: { productId: string; quantity: number }[];
  paymentMethod: JoinPaymentMethod;
};

export type JoinContext = {
  now: number;
  appUrl: string;
  env: Pick<Bindings, 'STRIPE_SECRET_KEY'>;
  actor: Actor | null;
  idempotency?: IdempotencyClaim;
  /** Injected only by the test of the collision retry; production draws crypto-random codes. */
  newPickupCode?: () => string;
};

export type JoinResult = OwnParticipantView & { accessToken: string; replayed: boolean };

const PICKUP_CODE_ATTEMPTS = 5;

/** Whether the group takes participants at `now`: open, before the deadline (the deadline instant itself is closed). */
export function takesParticipants(group: Pick<GroupBuyRow, 'status' | 'closesAt'>, now: number): boolean {
  return group.status === 'open' && group.closesAt > now;
}

/**
 * Joins a group buy. ONE batch writes the participant, its lines and payment, adds to the item
 * caps (CHECK sold <= max), takes the stock (CHECK stock >= 0) and the group's counters (CHECK
 * participants <= capacity), behind a guard that fails the batch unless the group is open and
 * before its deadline when the batch runs — so a join racing a close either lands before it
 * (and counts) or is refused, never half applied.
 */
export async function joinGroupBuy(db: Db, input: JoinInput, ctx: JoinContext): Promise<JoinResult> {
  const group = await findGroupBuy(db, input.groupBuyId);
  if (!group) throw new AppError('not_found', `Group buy ${input.groupBuyId} not found`);
  return idempotent(db, ctx.idempotency, {
    replay: (record) => result(db, group, record.resourceId, ctx.appUrl, true),
    run: (record) => joinNew(db, group, input, ctx, record),
  });
}

async function joinNew(db: Db, group: GroupBuyRow, input: JoinInput, ctx: JoinContext, record: (result: IdempotentResult) => Statement[]): Promise<JoinResult> {
  if (!takesParticipants(group, ctx.now)) throw closedError(group);
  const stripe = getStripe(ctx.env);
  if (input.paymentMethod === 'stripe' && !stripe) {
    throw new AppError('unprocessable', 'Online payment is not available here; choose to pay at pickup', {
      errors: [{ path: 'body.paymentMethod', message: 'Online payment (Stripe) is not configured' }],
    });
  }
  const provider = isProviderMethod(input.paymentMethod) ? input.paymentMethod : null;
  if (provider && !providersAvailable(ctx.env as Bindings)[provider]) {
    const name = provider === 'wechat_pay' ? 'WeChat Pay' : 'Alipay';
    throw new AppError('unprocessable', `${name} is not available here; choose to pay at pickup`, {
      errors: [{ path: 'body.paymentMethod', rule: `${provider}_unavailable`, message: `${name} is not configured on this site` }],
    });
  }
  const items = await loadGroupItems(db, group.id);
  const lines = priceLines(items, input.items);
  const totalFen = lines.reduce((sum, l) => sum + l.lineTotalFen, 0);
  const quantity = lines.reduce((sum, l) => sum + l.quantity, 0);

  const participantId = newId('gbp');
  const paymentId = newId('pay');
  const accessToken = randomToken(32);
  const draw = ctx.newPickupCode ?? randomPickupCode;
  for (let attempt = 1; ; attempt++) {
    const pickupCode = draw();
    const statements: Statement[] = [
      ...record({ resourceId: participantId, status: 201, body: { participantId, pickupCode }, at: ctx.now }),
      groupTakesParticipants(db, group.id, ctx.now),
      db.insert(groupBuyParticipants).values({
        id: participantId,
        groupBuyId: group.id,
        userId: ctx.actor?.userId ?? null,
        name: input.name,
        phone: input.phone,
        pickupCode,
        accessToken,
        status: 'pending_payment',
        paymentMethod: input.paymentMethod,
        totalFen,
        createdAt: ctx.now,
        updatedAt: ctx.now,
      }),
      ...insertRows(
        db,
        groupBuyParticipantItems,
        lines.map((l) => ({
          id: newId('gbl'),
          participantId,
          groupBuyItemId: l.groupBuyItemId,
          productId: l.productId,
          quantity: l.quantity,
          unitPriceFen: l.unitPriceFen,
          lineTotalFen: l.lineTotalFen,
        })),
      ),
      ...lines.flatMap((l) => [
        db
          .update(groupBuyItems)
          .set({ soldQuantity: sql`${groupBuyItems.soldQuantity} + ${l.quantity}` })
          .where(eq(groupBuyItems.id, l.groupBuyItemId)),
        db
          .update(products)
          .set({ stock: sql`${products.stock} - ${l.quantity}` })
          .where(eq(products.id, l.productId)),
      ]),
      db
        .update(groupBuys)
        .set({
          participantsCount: sql`${groupBuys.participantsCount} + 1`,
          quantityTotal: sql`${groupBuys.quantityTotal} + ${quantity}`,
          updatedAt: bumpedVersion(groupBuys.updatedAt, ctx.now),
        })
        .where(eq(groupBuys.id, group.id)),
      db.insert(payments).values({
        id: paymentId,
        participantId,
        method: input.paymentMethod,
        status: 'pending',
        amountFen: totalFen,
        expiresAt: input.paymentMethod === 'stripe' || provider ? ctx.now + CHECKOUT_WINDOW_MS : null,
        // WeChat Pay / Alipay: our pay page asks the provider for the trade in the channel the browser can use.
        checkoutUrl: provider ? payPageUrl(ctx.appUrl, paymentId, accessToken) : null,
        createdAt: ctx.now,
        updatedAt: ctx.now,
      }),
    ];
    try {
      await runBatch(db, statements);
      break;
    } catch (error) {
      if (isConstraintError(error, 'group_buy_participants.pickup_code') && attempt < PICKUP_CODE_ATTEMPTS) continue;
      // A twin request with the same key won the race: `idempotent` answers with its participant.
      if (isIdempotencyConflict(error)) throw error;
      throw await explainRefusal(db, group, lines, error);
    }
  }

  if (input.paymentMethod === 'stripe') await startCheckout(db, group, participantId, paymentId, ctx);
  // Capacity is fixed at creation: only a group that has one can have just filled up.
  if (group.capacity !== null) await closeIfCapacityReached(db, ctx.env, group.id, { now: ctx.now, actor: null });
  return result(db, group, participantId, ctx.appUrl, false);
}

type PricedLine = { groupBuyItemId: string; productId: string; quantity: number; unitPriceFen: number; lineTotalFen: number; nameZh: string };

/** Validates the requested quantities (group items only, MOQ and step) and prices them at the group price. */
function priceLines(items: GroupItem[], requested: JoinInput['items']): PricedLine[] {
  const errors: FieldError[] = [];
  const byProduct = new Map(items.map((i) => [i.productId, i]));
  const seen = new Set<string>();
  const lines: PricedLine[] = [];
  requested.forEach((line, index) => {
    const path = `body.items.${index}`;
    const item = byProduct.get(line.productId);
    if (!item) return void errors.push({ path: `${path}.productId`, message: `Product ${line.productId} is not part of this group buy` });
    if (seen.has(line.productId)) return void errors.push({ path: `${path}.productId`, message: `Product ${line.productId} is listed twice` });
    seen.add(line.productId);
    if (item.productStatus !== 'published') return void errors.push({ path: `${path}.productId`, message: `${item.nameZh} is no longer on sale` });
    const problem = quantityProblem(item, line.quantity);
    if (problem) return void errors.push({ path: `${path}.quantity`, message: problem.message });
    const priced = quote({ ...item, unitPriceFen: item.listPriceFen }, line.quantity, { unitPriceFen: item.groupPriceFen, source: 'group' });
    lines.push({
      groupBuyItemId: item.id,
      productId: item.productId,
      quantity: line.quantity,
      unitPriceFen: priced.unitPriceFen,
      lineTotalFen: priced.lineTotalFen,
      nameZh: item.nameZh,
    });
  });
  if (errors.length > 0) {
    throw new AppError('unprocessable', `Cannot join: ${errors.map((e) => e.message).join('; ')}`, { errors });
  }
  return lines;
}

function closedError(group: GroupBuyRow): AppError {
  return new AppError('invalid_state', 'This group buy is closed and takes no more participants', {
    extensions: { groupBuyStatus: group.status },
  });
}

/** Turns a refused join batch into the answer the client needs (which product ran short, closed, full). */
async function explainRefusal(db: Db, group: GroupBuyRow, lines: PricedLine[], error: unknown): Promise<unknown> {
  if (isGuardFailure(error)) return closedError((await findGroupBuy(db, group.id)) ?? group);
  if (isConstraintError(error, 'group_buys_capacity_respected')) {
    return new AppError('conflict', 'This group buy is full', { extensions: { capacity: group.capacity } });
  }
  if (isConstraintError(error, 'products_stock_non_negative') || isConstraintError(error, 'group_buy_items_cap_respected')) {
    const fresh = await loadGroupItems(db, group.id);
    const short = lines
      .map((l) => ({ line: l, available: remainingOf(fresh.find((i) => i.id === l.groupBuyItemId) ?? { stock: 0, maxQuantity: 0, soldQuantity: 0 }) }))
      .find(({ line, available }) => available < line.quantity);
    return new AppError('insufficient_stock', short ? `Only ${short.available} left of ${short.line.nameZh}` : 'Not enough left of one of the products', {
      extensions: short ? { productId: short.line.productId, available: short.available } : {},
    });
  }
  return error;
}

async function startCheckout(db: Db, group: GroupBuyRow, participantId: string, paymentId: string, ctx: JoinContext) {
  const stripe = getStripe(ctx.env)!;
  const [p] = await loadParticipations(db, group.id, { participantId });
  try {
    const checkout = await createParticipantCheckout(stripe, {
      groupBuyId: group.id,
      groupTitle: group.title,
      participantId,
      paymentId,
      lines: p!.lines,
      expiresAt: p!.payment!.expiresAt!,
      returnUrl: meUrl(group, p!, ctx.appUrl),
    });
    await runBatch(db, [recordCheckoutStatement(db, paymentId, checkout, ctx.now)]);
  } catch (error) {
    // No checkout, no place: give the stock back so it is not held by a payment that cannot happen.
    const release: Statement[] = [
      participantUnchanged(db, p!),
      ...withdrawStatements(db, p!, { now: ctx.now, actor: null, refundReason: 'participant_cancelled' }),
      decrementCounters(db, group.id, 1, p!.quantity, ctx.now),
    ];
    if (ctx.idempotency) release.push(forgetIdempotencyRecord(db, ctx.idempotency));
    try {
      await runBatch(db, release);
    } catch (releaseError) {
      // A close got to this unpaid participant first and has already released its place.
      if (!isGuardFailure(releaseError)) throw releaseError;
    }
    throw error;
  }
}

/** The participant as the joiner sees it; a replay (same Idempotency-Key, same body) gets the first request's participant. */
async function result(db: Db, group: GroupBuyRow, participantId: string, appUrl: string, replayed: boolean): Promise<JoinResult> {
  const [p] = await loadParticipations(db, group.id, { participantId });
  if (!p) throw new AppError('not_found', `Participant ${participantId} not found`);
  return { ...ownParticipantView(group, p, appUrl), accessToken: p.accessToken, replayed };
}
