import { and, desc, eq, inArray, lt, or, type SQL } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import type { Db } from '../db/client';
import { chunked, insertChunks, isConstraintError, runBatch, type Statement } from '../db/batch';
import { cartItems, orderLines, orders, payments, products, shipmentItems, shipments, type OrderStatus, type PaymentMethod } from '../db/schema';
import type { Actor, Bindings } from '../env';
import { AppError, type FieldError } from '../lib/errors';
import { DAY_MS } from '../lib/time';
import { newId, randomToken } from '../lib/ids';
import { decodeCursor, encodeCursor } from '../lib/pagination';
import {
  claimIdempotency,
  findIdempotencyRecord,
  idempotent,
  isIdempotencyConflict,
  updateIdempotencyResponse,
  type IdempotencyClaim,
  type IdempotencyRecord,
  type IdempotentResult,
} from '../lib/idempotency';
import { membershipOf } from '../accounts';
import { getStripe } from '../payments';
import { arrivalFromSession, CHECKOUT_WINDOW_MS, closeCheckoutSession } from '../payments';
import { ensureCheckoutSession } from './order-checkout';
import { subjectOf } from '../payments';
import { exceedsPurchaserLimit } from '../accounts';
import { approvalRequestStatements, findApproval } from './approvals.store';
import { CREDIT_GUARD, creditGuardStatement, creditProblem } from './credit';
import type { ApprovalView } from './approvals.schemas';
import { closeProviderPayment, isProviderMethod, payPageUrl, paysOnline, providersAvailable } from '../payments';
import { buyerOrganization, invoiceTermsProblem, type BuyerOrganization, type InvoiceTermsProblem } from './buyer';
import { resolveDelivery, validateContact, type ResolvedDelivery } from './delivery';
import { guardFailure } from '../db/guards';
import { orderCancelledStatements, reserveStockStatements, shipmentNotice } from './lifecycle';
import { loadOrder, orderPageUrl, toOrderView, type OrderBundle } from './order-read';
import type { CreateOrderInput, OrderSummary, OrderView } from './orders.schemas';
import { requireOrderAccess, requireOrderActor } from './policy';
import { quoteItems, type PriceOverrideLookup, type Quote } from '../pricing';

/** Placing, reading, listing and cancelling orders. API handlers and pages both call these. */

export type OrderContext = { db: Db; env: Bindings; actor: Actor | null; now?: number };

export type PlaceOrderOptions = {
  idempotencyKey?: string;
  /**
   * Whose request the Idempotency-Key fingerprints, when not the order input itself: bulk orders key
   * their CSV request, since the lines derived from it depend on stock that the first attempt reserved.
   */
  idempotency?: { operation: string; request: unknown };
  /** The cart the order was checked out from: its ordered items are removed in the order's batch. */
  cartId?: string;
  /** Prices that beat list and tier prices; negotiated prices apply by default — see PriceOverrideLookup. */
  priceOverrides?: PriceOverrideLookup;
  /**
   * An owner approved this purchaser's request: the per-order limit no longer holds it back, and the
   * approval's own guarded transition goes in the order's batch (a second approval fails it).
   */
  approved?: { statements: (orderId: string) => Statement[] };
  /**
   * Statements of the caller's own that must stand or fall with what this call writes — the order, or
   * the approval request — e.g. a standing order's occurrence row (its guard refuses a skipped day).
   */
  alongside?: (written: { orderId: string; approvalId?: undefined } | { approvalId: string; orderId?: undefined }) => Statement[];
};

/** The order placed — or, for a purchaser above their per-order limit, the approval it waits for (202). */
export type PlacedOrder = { view: OrderView; approval?: undefined; replayed: boolean } | { view?: undefined; approval: ApprovalView; replayed: boolean };

function unprocessable(detail: string, errors: FieldError[], extensions?: Record<string, unknown>): AppError {
  return new AppError('unprocessable', detail, { errors, extensions });
}

/** Which payment methods this order may use, as a problem naming `paymentMethod`, or null. */
export async function paymentMethodProblem(
  db: Db,
  env: Bindings,
  method: PaymentMethod,
  context: { delivery: ResolvedDelivery; buyer: BuyerOrganization | null; totalFen: number },
): Promise<InvoiceTermsProblem | null> {
  switch (method) {
    case 'stripe':
      return getStripe(env) ? null : { rule: 'stripe_unavailable', message: 'Card, Alipay and WeChat Pay are unavailable: online payment (Stripe) is not configured on this site' };
    case 'wechat_pay':
      return providersAvailable(env).wechat_pay ? null : { rule: 'wechat_pay_unavailable', message: 'WeChat Pay is not configured on this site' };
    case 'alipay':
      return providersAvailable(env).alipay ? null : { rule: 'alipay_unavailable', message: 'Alipay is not configured on this site' };
    case 'pay_at_pickup':
      return context.delivery.method === 'pickup' && context.delivery.pickupKind === 'showroom'
        ? null
        : { rule: 'pay_at_pickup_showroom_only', message: 'Pay at pickup is only for orders collected at a showroom' };
    case 'invoice':
      return invoiceTermsProblem(db, context.buyer, context.totalFen);
  }
}

function paymentMethodError(problem: InvoiceTermsProblem): AppError {
  return unprocessable(problem.message, [{ path: 'body.paymentMethod', rule: problem.rule, message: problem.message }], problem.extensions);
}

function insufficientStock(productId: string, available: number, requested: number): AppError {
  return new AppError('insufficient_stock', `Only ${available} left of ${productId}; you asked for ${requested}`, {
    extensions: { productId, available },
  });
}

/** After a batch refused an oversell: the first line whose product now has less than ordered. */
async function shortageAfterRace(db: Db, quote: Quote): Promise<AppError> {
  const ids = quote.lines.map((l) => l.productId);
  const rows = await db.select({ id: products.id, stock: products.stock }).from(products).where(inArray(products.id, ids));
  const stock = new Map(rows.map((r) => [r.id, r.stock]));
  const short = quote.lines.find((l) => (stock.get(l.productId) ?? 0) < l.quantity) ?? quote.lines[0]!;
  return insufficientStock(short.productId, stock.get(short.productId) ?? 0, short.quantity);
}

type BuiltOrder = { bundle: OrderBundle; statements: Statement[] };

/** The rows of a new order and the statements that write them (without stock and idempotency). */
function buildOrder(
  db: Db,
  input: { quote: Quote; delivery: ResolvedDelivery; contact: { name: string; phone: string; email: string | null }; method: PaymentMethod; actor: Actor | null; buyer: BuyerOrganization | null; now: number; appUrl: string },
): BuiltOrder {
  const { quote, delivery, contact, method, now } = input;
  const orderId = newId('ord');
  const paymentId = newId('pay');
  // Invoice and pay-at-pickup orders go to the cooperatives at once; online ones once paid.
  const released = !paysOnline(method);
  const expiresAt = paysOnline(method) ? Math.floor((now + CHECKOUT_WINDOW_MS) / 1000) * 1000 : null;
  const accessToken = randomToken(32);
  const status: OrderStatus = method === 'invoice' ? 'invoiced' : 'pending_payment';
  const order: OrderBundle['order'] = {
    id: orderId,
    accessToken,
    buyerUserId: input.actor?.userId ?? null,
    organizationId: input.buyer?.id ?? null,
    status,
    paymentMethod: method,
    subtotalFen: quote.subtotalFen,
    shippingFen: quote.shippingFen,
    totalFen: quote.totalFen,
    refundedFen: 0,
    deliveryMethod: delivery.method,
    recipient: delivery.recipient,
    recipientPhone: delivery.recipientPhone,
    shipDistrictId: delivery.shipDistrictId,
    shipStreet: delivery.shipStreet,
    deliveryLocationId: delivery.deliveryLocationId,
    pickupOrganizationId: delivery.pickupOrganizationId,
    contactName: contact.name,
    contactPhone: contact.phone,
    contactEmail: contact.email,
    note: null,
    paymentDueAt: expiresAt,
    paidAt: null,
    cancelledAt: null,
    cancelReason: null,
    invoiceDueAt: method === 'invoice' ? now + input.buyer!.paymentTermsDays * DAY_MS : null,
    invoiceStatus: method === 'invoice' ? 'open' : null,
    fapiaoTitle: null,
    fapiaoTaxId: null,
    fapiaoRequestedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  const shipmentRows: OrderBundle['shipments'] = quote.groups.map((group) => ({
    id: newId('shp'),
    orderId,
    groupBuyId: null,
    cooperativeId: group.cooperativeId,
    cooperativeName: group.cooperativeName,
    cooperativeNameEn: group.cooperativeNameEn,
    status: 'pending',
    released,
    deliveryMethod: delivery.method,
    pickupOrganizationId: delivery.pickupOrganizationId,
    recipient: delivery.recipient,
    recipientPhone: delivery.recipientPhone,
    shipDistrictId: delivery.shipDistrictId,
    shipStreet: delivery.shipStreet,
    subtotalFen: group.subtotalFen,
    shippingFen: group.shippingFen,
    carrier: null,
    trackingNumber: null,
    acceptedAt: null,
    shippedAt: null,
    deliveredAt: null,
    receiptConfirmedAt: null,
    createdAt: now,
    updatedAt: now,
  }));
  const shipmentOf = new Map(shipmentRows.map((s) => [s.cooperativeId, s.id]));
  const lineRows: OrderBundle['lines'] = quote.lines.map((line) => ({
    id: newId('oln'),
    orderId,
    shipmentId: shipmentOf.get(line.cooperativeId)!,
    productId: line.productId,
    cooperativeId: line.cooperativeId,
    countyId: line.countyId,
    category: line.category,
    sku: line.sku,
    nameZh: line.nameZh,
    nameEn: line.nameEn,
    quantity: line.quantity,
    unitPriceFen: line.unitPriceFen,
    lineTotalFen: line.lineTotalFen,
    priceSource: line.priceSource,
  }));
  const payment: NonNullable<OrderBundle['payment']> = {
    id: paymentId,
    orderId,
    participantId: null,
    method,
    status: 'pending',
    amountFen: quote.totalFen,
    refundedFen: 0,
    stripeCheckoutSessionId: null,
    stripePaymentIntentId: null,
    stripePaymentMethodType: null,
    // WeChat Pay and Alipay: our own page asks them for the trade, choosing the channel by the browser.
    checkoutUrl: isProviderMethod(method) ? payPageUrl(input.appUrl, paymentId, accessToken) : null,
    providerTradeNo: null,
    payChannel: null,
    expiresAt,
    paidAt: null,
    confirmedByUserId: null,
    bankReference: null,
    createdAt: now,
    updatedAt: now,
  };
  const itemRows = lineRows.map((l) => ({
    id: newId('shi'),
    shipmentId: l.shipmentId,
    productId: l.productId,
    sku: l.sku,
    nameZh: l.nameZh,
    nameEn: l.nameEn,
    quantity: l.quantity,
    unitPriceFen: l.unitPriceFen,
    lineTotalFen: l.lineTotalFen,
  }));
  const statements: Statement[] = [
    db.insert(orders).values(order),
    ...insertChunks(shipmentRows.map(({ cooperativeName: _n, cooperativeNameEn: _e, ...row }) => row)).map((part) => db.insert(shipments).values(part)),
    ...insertChunks(itemRows).map((part) => db.insert(shipmentItems).values(part)),
    ...insertChunks(lineRows).map((part) => db.insert(orderLines).values(part)),
    db.insert(payments).values(payment),
    ...(released ? shipmentRows.map((s) => shipmentNotice(db, s, 'released', now)) : []),
  ];
  return { bundle: { order, lines: lineRows, shipments: shipmentRows, payment, refunds: [], pickup: delivery.pickup }, statements };
}

/**
 * `POST /orders`: validates everything first (nothing is written for bad input), prices on the server,
 * then writes the order, its lines, one shipment per cooperative, the stock reservations, the payment
 * and the idempotency record in ONE batch. For Stripe it then opens the Checkout Session.
 */
export async function placeOrder(ctx: OrderContext, input: CreateOrderInput, options: PlaceOrderOptions = {}): Promise<PlacedOrder> {
  const idempotency = options.idempotency ?? { operation: 'orders.create', request: input };
  const claim = await claimIdempotency(idempotency.operation, ctx.actor, options.idempotencyKey, idempotency.request);
  return idempotent(ctx.db, claim, {
    replay: (record) => replayPlacedOrder(ctx, claim!, record),
    run: (record) => placeNewOrder(ctx, input, options, { claim, record }),
  });
}

type IdempotencyWriter = { claim: IdempotencyClaim | undefined; record: (result: IdempotentResult) => Statement[] };

async function placeNewOrder(ctx: OrderContext, input: CreateOrderInput, options: PlaceOrderOptions, idempotency: IdempotencyWriter): Promise<PlacedOrder> {
  const { db, env, actor } = ctx;
  const now = ctx.now ?? Date.now();
  const buyer = input.organizationId ? await buyerOrganization(db, actor, input.organizationId) : null;
  // The delivery (pickup point or saved location) and the products are independent reads: sent together,
  // the order waits for one D1 round trip instead of two. A delivery refusal still comes first.
  const [delivery, quote] = await Promise.all([
    resolveDelivery(db, input.delivery, { organizationId: buyer?.id ?? null }),
    quoteItems(db, { items: input.items, delivery: input.delivery.method, organizationId: buyer?.id ?? null }, { priceOverrides: options.priceOverrides, at: now }),
  ]);
  const contact = validateContact(input.contact);
  if (quote.problems.length) {
    throw unprocessable(
      quote.problems.length === 1 ? quote.problems[0]!.message : 'Some items cannot be ordered as asked',
      quote.problems.map((p) => ({ path: `body.${p.path}`, rule: p.rule, message: p.message })),
      { problems: quote.problems },
    );
  }
  const methodProblem = await paymentMethodProblem(db, env, input.paymentMethod, { delivery, buyer, totalFen: quote.totalFen });
  if (methodProblem) throw paymentMethodError(methodProblem);
  const short = quote.shortages[0];
  if (short) throw insufficientStock(short.productId, short.available, short.requested);

  // Spending control: a purchaser's order above their per-order limit waits for an owner instead.
  if (buyer && !options.approved && exceedsPurchaserLimit(membershipOf(actor, buyer.id) ?? null, quote.totalFen)) {
    const pending = approvalRequestStatements(db, { actor: actor!, organizationId: buyer.id, request: input, totalFen: quote.totalFen, now });
    await runBatch(db, [...idempotency.record({ resourceId: pending.view.id, status: 202, body: { approvalId: pending.view.id }, at: now }), ...pending.statements, ...(options.alongside?.({ approvalId: pending.view.id }) ?? [])]);
    return { approval: pending.view, replayed: false };
  }

  const built = buildOrder(db, { quote, delivery, contact, method: input.paymentMethod, actor, buyer, now, appUrl: ctx.env.APP_URL });
  const view = toOrderView(built.bundle, { appUrl: env.APP_URL, withToken: true });
  const orderedProducts = quote.lines.map((l) => l.productId);
  try {
    await runBatch(db, [
      ...idempotency.record({ resourceId: built.bundle.order.id, status: 201, body: view, at: now }),
      ...reserveStockStatements(db, quote.lines),
      ...built.statements,
      // After the order row: the database refuses the batch when open invoices pass the credit limit.
      ...(input.paymentMethod === 'invoice' && buyer ? [creditGuardStatement(db, buyer.id)] : []),
      ...(options.approved?.statements(built.bundle.order.id) ?? []),
      ...(options.alongside?.({ orderId: built.bundle.order.id }) ?? []),
      ...(options.cartId
        ? chunked(orderedProducts, 90).map((ids) => db.delete(cartItems).where(and(eq(cartItems.cartId, options.cartId!), inArray(cartItems.productId, ids))))
        : []),
    ]);
  } catch (error) {
    // A twin request with the same key won: `idempotent` replays it.
    if (isIdempotencyConflict(error)) throw error;
    if (isConstraintError(error, 'products_stock_non_negative')) throw await shortageAfterRace(db, quote);
    if (guardFailure(error) === 'products.stock') {
      throw unprocessable('A product was taken off sale while you ordered', [{ path: 'body.items', message: 'A product is no longer for sale' }]);
    }
    if (guardFailure(error) === CREDIT_GUARD && buyer) {
      // A concurrent invoice order took the credit first: say how much is left now.
      const problem = await creditProblem(db, buyer, quote.totalFen);
      throw paymentMethodError(problem ?? { message: 'The invoice credit changed while you ordered; try again' });
    }
    throw error;
  }

  if (input.paymentMethod === 'stripe') {
    view.payment!.checkoutUrl = await openCheckout(ctx, built.bundle);
    if (idempotency.claim) await updateIdempotencyResponse(db, idempotency.claim, view);
  }
  return { view, replayed: false };
}

async function openCheckout(ctx: OrderContext, bundle: OrderBundle): Promise<string> {
  const payment = bundle.payment;
  if (payment && isProviderMethod(payment.method)) {
    if (payment.status !== 'pending' || !payment.checkoutUrl) throw new AppError('invalid_state', 'This order has no payment waiting');
    return payment.checkoutUrl;
  }
  try {
    return await ensureCheckoutSession(ctx.db, getStripe(ctx.env), bundle, ctx.env.APP_URL);
  } catch (error) {
    if (error instanceof AppError && error.code === 'payment_provider_error') {
      // The order and its stock are held until the payment window closes: say where to find it.
      throw new AppError('payment_provider_error', `${error.message}. Retry with the same Idempotency-Key, or open the order page to pay.`, {
        extensions: { orderId: bundle.order.id, orderUrl: orderPageUrl(ctx.env.APP_URL, bundle.order) },
      });
    }
    throw error;
  }
}

/**
 * What an Idempotency-Key already produced — the order (or approval request) made the first time — or
 * null when the key is new. Callers that derive the order from another request (bulk CSV) ask first,
 * before deriving anything from the stock the first attempt changed.
 */
export async function replayIfPlaced(ctx: OrderContext, key: string | undefined, idempotency: { operation: string; request: unknown }): Promise<PlacedOrder | null> {
  const claim = await claimIdempotency(idempotency.operation, ctx.actor, key, idempotency.request);
  const record = claim ? await findIdempotencyRecord(ctx.db, claim) : undefined;
  return record ? replayPlacedOrder(ctx, claim!, record) : null;
}

/** The same key and body again: the order created the first time (opening its Checkout if that had failed). */
async function replayPlacedOrder(ctx: OrderContext, claim: IdempotencyClaim, record: IdempotencyRecord): Promise<PlacedOrder> {
  if (record.responseStatus === 202) {
    const approval = await findApproval(ctx.db, record.resourceId);
    if (!approval) throw new AppError('not_found', 'The approval this key created no longer exists');
    return { approval, replayed: true };
  }
  const view = JSON.parse(record.responseBody) as OrderView;
  if (view.paymentMethod === 'stripe' && view.payment && !view.payment.checkoutUrl) {
    const bundle = await loadOrder(ctx.db, record.resourceId);
    if (bundle?.order.status === 'pending_payment' && bundle.payment?.status === 'pending') {
      view.payment.checkoutUrl = await openCheckout(ctx, bundle);
      await updateIdempotencyResponse(ctx.db, claim, view);
    }
  }
  return { view, replayed: true };
}

export async function getOrder(ctx: OrderContext, orderId: string, token?: string): Promise<OrderView> {
  const { bundle, access } = requireOrderAccess(ctx.actor, await loadOrder(ctx.db, orderId), token);
  return access.kind === 'cooperative'
    ? toOrderView(bundle, { appUrl: ctx.env.APP_URL, cooperativeIds: access.cooperativeIds })
    : toOrderView(bundle, { appUrl: ctx.env.APP_URL, withToken: access.withToken });
}

/** The Stripe Checkout URL of an unpaid order (order page "Pay now"), opening the Session if needed. */
export async function checkoutUrlFor(ctx: OrderContext, orderId: string, token?: string): Promise<string> {
  const bundle = requireOrderActor(ctx.actor, await loadOrder(ctx.db, orderId), token);
  if (bundle.order.status !== 'pending_payment') throw new AppError('invalid_state', `This order is ${bundle.order.status}`);
  return openCheckout(ctx, bundle);
}

const CANCELLABLE: OrderStatus[] = ['pending_payment', 'invoiced'];

/**
 * The buyer calls an unpaid order off: stock goes back in the same batch. Not once paid (that is a
 * refund, by the platform), not once a cooperative accepted its shipment, not twice.
 */
export async function cancelOrder(ctx: OrderContext, orderId: string, token?: string): Promise<OrderView> {
  const now = ctx.now ?? Date.now();
  const bundle = requireOrderActor(ctx.actor, await loadOrder(ctx.db, orderId), token);
  const { order, payment } = bundle;
  if (!CANCELLABLE.includes(order.status) || (payment && payment.status !== 'pending')) {
    throw new AppError('invalid_state', order.status === 'cancelled' ? 'This order is already cancelled' : `This order is ${order.status}; paid orders are refunded by the platform, not cancelled`);
  }
  if (bundle.shipments.some((s) => s.status !== 'pending')) {
    throw new AppError('invalid_state', 'A cooperative has already started on this order; contact the platform to change it');
  }
  if (payment?.method === 'stripe') {
    const stripe = getStripe(ctx.env);
    const closure = await closeCheckoutSession(stripe, payment.stripeCheckoutSessionId);
    if (closure.outcome === 'paid') {
      // It was paid a moment ago: record that instead of cancelling.
      await subjectOf(payment).moneyArrived({ db: ctx.db, env: ctx.env, stripe, now }, payment, await arrivalFromSession(stripe, closure.session, { from: ['pending'] }));
      throw new AppError('invalid_state', 'This order has just been paid; it can no longer be cancelled');
    }
    if (closure.outcome === 'processing') throw new AppError('invalid_state', 'A payment for this order is being processed; it cannot be cancelled now');
  }
  if (payment && isProviderMethod(payment.method)) {
    const closure = await closeProviderPayment({ db: ctx.db, env: ctx.env, stripe: null, now }, payment);
    if (closure.outcome === 'paid') throw new AppError('invalid_state', 'This order has just been paid; it can no longer be cancelled');
    if (closure.outcome === 'pending') throw new AppError('invalid_state', 'A payment for this order is under way; it cannot be cancelled now');
  }
  try {
    await runBatch(ctx.db, orderCancelledStatements(ctx.db, bundle, { at: now, reason: 'cancelled_by_buyer', from: CANCELLABLE, paymentStatus: 'cancelled' }));
  } catch (error) {
    if (guardFailure(error)) throw new AppError('invalid_state', 'This order changed meanwhile (paid, accepted or already cancelled); reload it');
    throw error;
  }
  return getOrder({ ...ctx, now }, orderId, token);
}

const listCursor = z.tuple([z.number(), z.string()]);

/** My orders, or an organisation's orders for its members, newest first. */
export async function listOrders(
  ctx: OrderContext,
  query: { organizationId?: string; limit: number; cursor?: string },
): Promise<{ items: OrderSummary[]; nextCursor: string | null }> {
  const actor = ctx.actor;
  if (!actor) throw new AppError('unauthenticated', 'Sign in to see your orders');
  const conditions: SQL[] = [];
  if (query.organizationId) {
    if (!membershipOf(actor, query.organizationId) && !actor.isAdmin) throw new AppError('not_found', `Organisation ${query.organizationId} not found`);
    conditions.push(eq(orders.organizationId, query.organizationId));
  } else {
    conditions.push(eq(orders.buyerUserId, actor.userId));
  }
  if (query.cursor) {
    const [createdAt, id] = decodeCursor(query.cursor, listCursor);
    conditions.push(or(lt(orders.createdAt, createdAt), and(eq(orders.createdAt, createdAt), lt(orders.id, id)))!);
  }
  const rows = await ctx.db
    .select({
      id: orders.id,
      status: orders.status,
      paymentMethod: orders.paymentMethod,
      organizationId: orders.organizationId,
      totalFen: orders.totalFen,
      deliveryMethod: orders.deliveryMethod,
      createdAt: orders.createdAt,
    })
    .from(orders)
    .where(and(...conditions))
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(query.limit + 1);
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > query.limit && last ? encodeCursor([last.createdAt, last.id]) : null };
}
