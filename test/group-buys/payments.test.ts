import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { runBatch } from '../../src/db/batch';
import { isGuardFailure } from '../../src/group-buys/group-buys.statements';
import { stripeEvents } from '../../src/db/schema';
import {
  applyParticipantPaymentEffect,
  participantPaymentFailedOrExpired,
  participantPaymentSucceeded,
} from '../../src/group-buys/group-buys.payments';
import { deliver, signedEvent } from '../helpers/orders';
import { callJson, demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import { PRODUCTS, callWithStripe, joinBody, openGroupBuy, rowCount, stockOf, stripeEnv, stubStripe } from '../helpers/group-buys';

let showroom: string;
let stripe: ReturnType<typeof stubStripe>;
const db = createDb(env.DB);

beforeAll(async () => {
  await seedDatabase();
  showroom = await demoToken('showroomManager');
});

afterEach(() => stripe?.restore());

async function joinWithStripe(groupBuyId: string, items = [{ productId: PRODUCTS.freshShiitake, quantity: 2 }]) {
  const res = await callWithStripe(`/api/v1/group-buys/${groupBuyId}/participants`, { method: 'POST', json: joinBody({ paymentMethod: 'stripe', items }) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { participantId: string; accessToken: string; totalFen: number; payment: { id: string; checkoutUrl: string; expiresAt: string } };
}

const participant = (id: string) => env.DB.prepare('SELECT status, paid_at FROM group_buy_participants WHERE id = ?').bind(id).first<Record<string, unknown>>();
const payment = (id: string) =>
  env.DB.prepare('SELECT status, stripe_payment_intent_id, stripe_payment_method_type, paid_at, refunded_fen FROM payments WHERE id = ?')
    .bind(id)
    .first<Record<string, unknown>>();
const salesTotals = () => env.DB.prepare('SELECT coalesce(sum(sales_fen), 0) AS sales, coalesce(sum(refunds_fen), 0) AS refunds FROM sales_daily').first<{ sales: number; refunds: number }>();
const eventInsert = (id: string) => db.insert(stripeEvents).values({ id, type: 'checkout.session.completed', receivedAt: Date.now() });

describe('joining with Stripe', () => {
  it('Should open a CNY Checkout Session with card, Alipay and WeChat Pay under a deterministic key', async () => {
    stripe = stubStripe();
    const group = await openGroupBuy(showroom);
    const before = Date.now();
    const joined = await joinWithStripe(group.id);
    const [call] = stripe.checkoutCalls();
    expect(call!.idempotencyKey).toBe(`gb-checkout:${joined.payment.id}`);
    const p = call!.params;
    expect(p.get('mode')).toBe('payment');
    expect(p.get('currency')).toBe('cny');
    expect([0, 1, 2].map((i) => p.get(`allowed_payment_method_types[${i}]`))).toEqual(['card', 'alipay', 'wechat_pay']);
    expect(p.get('payment_method_options[wechat_pay][client]')).toBe('web');
    expect(p.get('metadata[groupBuyId]')).toBe(group.id);
    expect(p.get('metadata[participantId]')).toBe(joined.participantId);
    expect(p.get('metadata[paymentId]')).toBe(joined.payment.id);
    expect(p.get('line_items[0][price_data][unit_amount]')).toBe('3280');
    expect(p.get('line_items[0][quantity]')).toBe('2');
    const expiresAt = Number(p.get('expires_at')) * 1000;
    expect(expiresAt - before).toBeGreaterThanOrEqual(30 * 60 * 1000);
    expect(expiresAt - before).toBeLessThanOrEqual(32 * 60 * 1000);
    expect(joined.payment.checkoutUrl).toBe(`https://checkout.stripe.com/c/pay/cs_test_${joined.payment.id}`);
    expect(await participant(joined.participantId)).toMatchObject({ status: 'pending_payment' });
  });

  it('Should reserve nothing when Stripe cannot open the checkout', async () => {
    stripe = stubStripe({ failCheckout: true });
    const group = await openGroupBuy(showroom);
    const stockBefore = await stockOf(PRODUCTS.freshShiitake);
    const res = await callWithStripe(`/api/v1/group-buys/${group.id}/participants`, { method: 'POST', json: joinBody({ paymentMethod: 'stripe' }) });
    expect(res.status).toBe(502);
    expect(await stockOf(PRODUCTS.freshShiitake)).toBe(stockBefore);
    const read = await callJson(`/api/v1/group-buys/${group.id}`);
    expect(read.body.progress.participants).toBe(0);
    expect(await rowCount('group_buy_participants', "group_buy_id = ? AND status <> 'cancelled'", group.id)).toBe(0);
  });
});

describe('participantPaymentSucceeded (webhook contract)', () => {
  it('Should return the statements that mark the participant paid and count the sale, to run after the event insert', async () => {
    stripe = stubStripe();
    const group = await openGroupBuy(showroom, { minParticipants: 1 });
    const joined = await joinWithStripe(group.id);
    const sales = await salesTotals();
    const at = Date.now();
    const effect = await participantPaymentSucceeded(db, { paymentId: joined.payment.id, stripePaymentIntentId: 'pi_123', paymentMethodType: 'wechat_pay', at });
    expect(effect.statements.length).toBeGreaterThan(0);
    await runBatch(db, [eventInsert('evt_paid_1'), ...effect.statements]);
    await effect.afterCommit(stripeEnv);

    expect(await participant(joined.participantId)).toMatchObject({ status: 'paid', paid_at: at });
    expect(await payment(joined.payment.id)).toMatchObject({ status: 'succeeded', stripe_payment_intent_id: 'pi_123', stripe_payment_method_type: 'wechat_pay' });
    expect((await salesTotals())!.sales - sales!.sales).toBe(joined.totalFen);
    const read = await callJson(`/api/v1/group-buys/${group.id}`);
    expect(read.body.progress).toMatchObject({ committedParticipants: 1, committedQuantity: 2 });

    // Building again finds nothing left to do.
    expect((await participantPaymentSucceeded(db, { paymentId: joined.payment.id, stripePaymentIntentId: 'pi_123', paymentMethodType: 'wechat_pay', at })).statements).toEqual([]);
  });

  it('Should apply a duplicate event once: the repeated event insert rolls back its whole batch', async () => {
    stripe = stubStripe();
    const group = await openGroupBuy(showroom);
    const joined = await joinWithStripe(group.id);
    const sales = await salesTotals();
    const build = () => participantPaymentSucceeded(db, { paymentId: joined.payment.id, stripePaymentIntentId: 'pi_dup', paymentMethodType: 'card', at: Date.now() });
    const first = await build();
    const second = await build(); // built before the first ran, as a concurrent delivery would
    await runBatch(db, [eventInsert('evt_dup'), ...first.statements]);
    await expect(runBatch(db, [eventInsert('evt_dup'), ...second.statements])).rejects.toThrow(/UNIQUE/);
    expect((await salesTotals())!.sales - sales!.sales).toBe(joined.totalFen);
  });

  it('Should refuse a stale effect with a guard failure, and the apply loop should decide again', async () => {
    stripe = stubStripe();
    const group = await openGroupBuy(showroom);
    const joined = await joinWithStripe(group.id);
    const stale = await participantPaymentSucceeded(db, { paymentId: joined.payment.id, stripePaymentIntentId: 'pi_stale', paymentMethodType: 'alipay', at: Date.now() });
    // The participant cancels between the webhook's read and its batch.
    const cancelled = await callWithStripe(`/api/v1/group-buys/${group.id}/participants/${joined.participantId}/cancel?token=${joined.accessToken}`, { method: 'POST' });
    expect(cancelled.body.status).toBe('cancelled');
    const error = await runBatch(db, [eventInsert('evt_stale'), ...stale.statements]).catch((e: unknown) => e);
    expect(isGuardFailure(error)).toBe(true);
    expect(await rowCount('stripe_events', 'id = ?', 'evt_stale')).toBe(0);

    // Decided again: the money came in for a place that is gone, so it goes back.
    await applyParticipantPaymentEffect(
      db,
      stripeEnv,
      () => participantPaymentSucceeded(db, { paymentId: joined.payment.id, stripePaymentIntentId: 'pi_stale', paymentMethodType: 'alipay', at: Date.now() }),
      [eventInsert('evt_stale')],
    );
    expect(await participant(joined.participantId)).toMatchObject({ status: 'refunded' });
    expect(await payment(joined.payment.id)).toMatchObject({ status: 'succeeded', refunded_fen: joined.totalFen });
    expect(stripe.refundCalls().map((c) => [c.idempotencyKey, c.params.get('payment_intent'), c.params.get('amount')])).toEqual([
      [`gb-refund:${joined.participantId}`, 'pi_stale', String(joined.totalFen)],
    ]);
  });

  it('Should refund a payment that lands after the group closed without it', async () => {
    stripe = stubStripe();
    const group = await openGroupBuy(showroom, { minParticipants: 1 });
    await callJson(`/api/v1/group-buys/${group.id}/participants`, { method: 'POST', json: joinBody() });
    const late = await joinWithStripe(group.id);
    const closed = await callWithStripe(`/api/v1/group-buys/${group.id}/close`, { method: 'POST', token: showroom });
    expect(closed.body.status).toBe('succeeded');
    expect(await participant(late.participantId)).toMatchObject({ status: 'cancelled' });
    const sales = await salesTotals();

    await applyParticipantPaymentEffect(db, stripeEnv, () =>
      participantPaymentSucceeded(db, { paymentId: late.payment.id, stripePaymentIntentId: 'pi_late', paymentMethodType: 'card', at: Date.now() }),
    );
    expect(await participant(late.participantId)).toMatchObject({ status: 'refunded' });
    const refund = await env.DB.prepare('SELECT status, reason, idempotency_key FROM refunds WHERE participant_id = ?').bind(late.participantId).first();
    expect(refund).toMatchObject({ status: 'succeeded', reason: 'late_payment', idempotency_key: `gb-refund:${late.participantId}` });
    const after = await salesTotals();
    expect(after!.sales - sales!.sales).toBe(late.totalFen);
    expect(after!.refunds - sales!.refunds).toBe(late.totalFen);
  });
});

describe('the Stripe webhook with a participant payment (signed events)', () => {
  it('Should mark the participant paid on checkout.session.completed, once', async () => {
    stripe = stubStripe();
    const group = await openGroupBuy(showroom, { minParticipants: 1 });
    const joined = await joinWithStripe(group.id);
    const sales = await salesTotals();
    const session = {
      id: `cs_test_${joined.payment.id}`,
      object: 'checkout.session',
      status: 'complete',
      payment_status: 'paid',
      payment_intent: 'pi_webhook_1',
      metadata: { groupBuyId: group.id, participantId: joined.participantId, paymentId: joined.payment.id },
    };
    const event = await signedEvent('checkout.session.completed', session);
    const first = await deliver(event);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(await participant(joined.participantId)).toMatchObject({ status: 'paid' });
    expect(await payment(joined.payment.id)).toMatchObject({ status: 'succeeded', stripe_payment_intent_id: 'pi_webhook_1' });
    await deliver(event);
    expect((await salesTotals())!.sales - sales!.sales).toBe(joined.totalFen);
  });

  it('Should release the place on checkout.session.expired', async () => {
    stripe = stubStripe();
    const group = await openGroupBuy(showroom);
    const stockBefore = await stockOf(PRODUCTS.freshShiitake);
    const joined = await joinWithStripe(group.id);
    const res = await deliver(
      await signedEvent('checkout.session.expired', {
        id: `cs_test_${joined.payment.id}`,
        object: 'checkout.session',
        status: 'expired',
        payment_status: 'unpaid',
        payment_intent: null,
        metadata: { groupBuyId: group.id, participantId: joined.participantId, paymentId: joined.payment.id },
      }),
    );
    expect(res.status).toBe(200);
    expect(await participant(joined.participantId)).toMatchObject({ status: 'cancelled' });
    expect(await stockOf(PRODUCTS.freshShiitake)).toBe(stockBefore);
  });
});

describe('participantPaymentFailedOrExpired (webhook contract)', () => {
  it('Should release the place, stock and caps of a checkout that expired unpaid, once', async () => {
    stripe = stubStripe();
    const group = await openGroupBuy(showroom);
    const stockBefore = await stockOf(PRODUCTS.freshShiitake);
    const joined = await joinWithStripe(group.id);
    expect(await stockOf(PRODUCTS.freshShiitake)).toBe(stockBefore - 2);
    await applyParticipantPaymentEffect(db, stripeEnv, () => participantPaymentFailedOrExpired(db, { paymentId: joined.payment.id, at: Date.now(), outcome: 'expired' }));
    expect(await participant(joined.participantId)).toMatchObject({ status: 'cancelled' });
    expect(await payment(joined.payment.id)).toMatchObject({ status: 'cancelled' });
    expect(await stockOf(PRODUCTS.freshShiitake)).toBe(stockBefore);
    const read = await callJson(`/api/v1/group-buys/${group.id}`);
    expect(read.body.progress.participants).toBe(0);
    expect((await participantPaymentFailedOrExpired(db, { paymentId: joined.payment.id, at: Date.now() })).statements).toEqual([]);
    expect(await stockOf(PRODUCTS.freshShiitake)).toBe(stockBefore);
  });

  it('Should mark an asynchronous payment failure as failed', async () => {
    stripe = stubStripe();
    const group = await openGroupBuy(showroom);
    const joined = await joinWithStripe(group.id);
    await applyParticipantPaymentEffect(db, stripeEnv, () => participantPaymentFailedOrExpired(db, { paymentId: joined.payment.id, at: Date.now(), outcome: 'failed' }));
    expect(await payment(joined.payment.id)).toMatchObject({ status: 'failed' });
    expect(await participant(joined.participantId)).toMatchObject({ status: 'cancelled' });
  });

  it('Should do nothing for a payment that is not a participant payment', async () => {
    expect((await participantPaymentFailedOrExpired(db, { paymentId: 'pay_unknown', at: Date.now() })).statements).toEqual([]);
    expect((await participantPaymentSucceeded(db, { paymentId: 'pay_unknown', stripePaymentIntentId: null, paymentMethodType: null, at: Date.now() })).statements).toEqual([]);
  });
});

describe('cancelling after paying', () => {
  it('Should refund through Stripe under the participant key and release the stock', async () => {
    stripe = stubStripe({ refundStatus: 'pending' });
    const group = await openGroupBuy(showroom);
    const stockBefore = await stockOf(PRODUCTS.freshShiitake);
    const joined = await joinWithStripe(group.id);
    await applyParticipantPaymentEffect(db, stripeEnv, () =>
      participantPaymentSucceeded(db, { paymentId: joined.payment.id, stripePaymentIntentId: 'pi_cancel', paymentMethodType: 'alipay', at: Date.now() }),
    );
    const res = await callWithStripe(`/api/v1/group-buys/${group.id}/participants/${joined.participantId}/cancel?token=${joined.accessToken}`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'refunded', refund: { status: 'pending', amountFen: joined.totalFen } });
    expect(await stockOf(PRODUCTS.freshShiitake)).toBe(stockBefore);
    expect(stripe.refundCalls().map((c) => c.idempotencyKey)).toEqual([`gb-refund:${joined.participantId}`]);

    // Alipay settles the refund later; Stripe's refund.updated event, through the real webhook, records it.
    const refund = await env.DB.prepare('SELECT id, stripe_refund_id FROM refunds WHERE participant_id = ?').bind(joined.participantId).first<{ id: string; stripe_refund_id: string }>();
    const sales = await salesTotals();
    const refundObject = {
      id: refund!.stripe_refund_id,
      object: 'refund',
      amount: joined.totalFen,
      currency: 'cny',
      payment_intent: 'pi_cancel',
      status: 'succeeded',
      metadata: { refundId: refund!.id, participantId: joined.participantId },
    };
    const delivered = await deliver(await signedEvent('refund.updated', refundObject));
    expect(delivered.status).toBe(200);
    expect(await env.DB.prepare('SELECT status FROM refunds WHERE participant_id = ?').bind(joined.participantId).first('status')).toBe('succeeded');
    expect(await payment(joined.payment.id)).toMatchObject({ refunded_fen: joined.totalFen });
    expect((await salesTotals())!.refunds - sales!.refunds).toBe(joined.totalFen);
    // The same news again changes nothing.
    await deliver(await signedEvent('refund.updated', refundObject));
    expect((await salesTotals())!.refunds - sales!.refunds).toBe(joined.totalFen);
  });
});
