import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { closeGroupBuy } from '../../src/group-buys/group-buys.close';
import { joinGroupBuy as joinService } from '../../src/group-buys/group-buys.join';
import { callJson, demoToken } from '../helpers/http';
import { seedDatabase } from '../helpers/seed';
import {
  PRODUCTS,
  callWithStripe,
  dbWithInterlude,
  joinBody,
  joinGroupBuy,
  joinPaid,
  openGroupBuy,
  rowCount,
  runCron,
  setClosesAt,
  setStock,
  stockOf,
  stubStripe,
} from '../helpers/group-buys';

let showroom: string;
let stripe: ReturnType<typeof stubStripe> | undefined;

beforeAll(async () => {
  await seedDatabase();
  showroom = await demoToken('showroomManager');
});

afterEach(() => {
  stripe?.restore();
  stripe = undefined;
});

const tally = (statuses: number[]) => statuses.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});

describe('concurrent joins', () => {
  it('Should sell exactly the item cap when more people join at once than it allows', async () => {
    const group = await openGroupBuy(showroom, { items: [{ productId: PRODUCTS.freshShiitake, unitPriceFen: 3280, maxQuantity: 10 }] });
    const stockBefore = await stockOf(PRODUCTS.freshShiitake);
    const results = await Promise.all(
      Array.from({ length: 15 }, () => joinGroupBuy(group.id, { items: [{ productId: PRODUCTS.freshShiitake, quantity: 1 }] })),
    );
    expect(tally(results.map((r) => r.status))).toEqual({ 201: 10, 409: 5 });
    for (const loser of results.filter((r) => r.status === 409)) {
      expect(loser.body).toMatchObject({ code: 'insufficient_stock', productId: PRODUCTS.freshShiitake, available: 0 });
    }
    const read = await callJson(`/api/v1/group-buys/${group.id}`);
    expect(read.body.items[0]).toMatchObject({ soldQuantity: 10, remaining: 0 });
    expect(read.body.progress).toMatchObject({ participants: 10, quantity: 10 });
    expect(await stockOf(PRODUCTS.freshShiitake)).toBe(stockBefore - 10);
    expect(await rowCount('group_buy_participants', 'group_buy_id = ?', group.id)).toBe(10);
  });

  it('Should sell exactly the stock left when more people join at once than there is stock', async () => {
    const group = await openGroupBuy(showroom, { items: [{ productId: PRODUCTS.shiitake, unitPriceFen: 4280 }] });
    await setStock(PRODUCTS.shiitake, 7);
    const results = await Promise.all(
      Array.from({ length: 12 }, () => joinGroupBuy(group.id, { items: [{ productId: PRODUCTS.shiitake, quantity: 1 }] })),
    );
    expect(tally(results.map((r) => r.status))).toEqual({ 201: 7, 409: 5 });
    expect(await stockOf(PRODUCTS.shiitake)).toBe(0);
    expect(await rowCount('group_buy_participants', 'group_buy_id = ?', group.id)).toBe(7);
    await setStock(PRODUCTS.shiitake, 600);
  });

  it('Should take exactly the capacity when more people join at once, then close early', async () => {
    const group = await openGroupBuy(showroom, { minParticipants: 1, capacity: 5 });
    const results = await Promise.all(Array.from({ length: 9 }, () => joinGroupBuy(group.id)));
    expect(tally(results.map((r) => r.status))).toEqual({ 201: 5, 409: 4 });
    const read = await callJson(`/api/v1/group-buys/${group.id}`);
    expect(read.body).toMatchObject({ status: 'succeeded', closedReason: 'capacity' });
    expect(read.body.progress.participants).toBe(5);
    expect(await rowCount('group_buy_participants', 'group_buy_id = ?', group.id)).toBe(5);
    expect(await rowCount('audit_log', "action = 'group_buy.close' AND entity_id = ?", group.id)).toBe(1);
  });
});

describe('closing while people join', () => {
  it('Should refuse a join whose batch comes after a close, though the group was open when it looked', async () => {
    const group = await openGroupBuy(showroom, { minParticipants: 1 });
    await joinGroupBuy(group.id);
    const stockBefore = await stockOf(PRODUCTS.shiitake);
    // The join reads an open group; the organiser's close commits before the join's batch runs.
    const db = dbWithInterlude(() => closeGroupBuy(createDb(env.DB), env, group.id, { now: Date.now(), reason: 'organizer', actor: null }));
    const late = joinService(db, { groupBuyId: group.id, ...joinBody(), paymentMethod: 'pay_at_pickup' }, { now: Date.now(), appUrl: env.APP_URL, env, actor: null });
    await expect(late).rejects.toMatchObject({ code: 'invalid_state' });
    expect(await rowCount('group_buy_participants', 'group_buy_id = ?', group.id)).toBe(1);
    expect(await stockOf(PRODUCTS.shiitake)).toBe(stockBefore);
    const read = await callJson(`/api/v1/group-buys/${group.id}`);
    expect(read.body).toMatchObject({ status: 'succeeded', progress: { participants: 1, quantity: 2 } });
  });

  it('Should decide again when a join lands between the close reading and writing', async () => {
    const group = await openGroupBuy(showroom, { minParticipants: 2 });
    await joinGroupBuy(group.id);
    // The close reads one participant (not enough); a second joins before the close's batch runs.
    const db = dbWithInterlude(() => joinGroupBuy(group.id));
    const result = await closeGroupBuy(db, env, group.id, { now: Date.now(), reason: 'organizer', actor: null });
    expect(result.closedNow).toBe(true);
    expect(result.group).toMatchObject({ status: 'succeeded', participantsCount: 2 });
    expect(await rowCount('group_buy_participants', "group_buy_id = ? AND status = 'pending_payment'", group.id)).toBe(2);
  });

  it('Should let only one of two closers that read at the same moment apply the close', async () => {
    const group = await openGroupBuy(showroom, { minParticipants: 1 });
    await joinGroupBuy(group.id);
    const now = Date.now();
    let inner: Awaited<ReturnType<typeof closeGroupBuy>> | undefined;
    const db = dbWithInterlude(async () => {
      inner = await closeGroupBuy(createDb(env.DB), env, group.id, { now, reason: 'deadline', actor: null });
    });
    await setClosesAt(group.id, now);
    const outer = await closeGroupBuy(db, env, group.id, { now, reason: 'organizer', actor: null });
    expect(inner!.closedNow).toBe(true);
    expect(outer.closedNow).toBe(false);
    expect(outer.group).toMatchObject({ status: 'succeeded', closedReason: 'deadline' });
    expect(await rowCount('shipments', 'group_buy_id = ?', group.id)).toBe(1);
    expect(await rowCount('audit_log', "action = 'group_buy.close' AND entity_id = ?", group.id)).toBe(1);
  });

  it('Should count every join that landed before the close and refuse every one after, with nothing half applied', async () => {
    const group = await openGroupBuy(showroom, { minParticipants: 1, items: [{ productId: PRODUCTS.freshShiitake, unitPriceFen: 3280 }] });
    const stockBefore = await stockOf(PRODUCTS.freshShiitake);
    await joinGroupBuy(group.id, { items: [{ productId: PRODUCTS.freshShiitake, quantity: 1 }] });
    const joins = Array.from({ length: 10 }, () => joinGroupBuy(group.id, { items: [{ productId: PRODUCTS.freshShiitake, quantity: 1 }] }));
    const close = callJson(`/api/v1/group-buys/${group.id}/close`, { method: 'POST', token: showroom });
    const [closed, ...joined] = await Promise.all([close, ...joins]);
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('succeeded');
    const accepted = joined.filter((r) => r.status === 201).length;
    expect(joined.every((r) => r.status === 201 || r.status === 409)).toBe(true);

    const rows = await rowCount('group_buy_participants', 'group_buy_id = ?', group.id);
    expect(rows).toBe(1 + accepted);
    const shipped = await env.DB.prepare(
      'SELECT coalesce(sum(i.quantity), 0) AS q FROM shipment_items i JOIN shipments s ON s.id = i.shipment_id WHERE s.group_buy_id = ?',
    )
      .bind(group.id)
      .first<number>('q');
    // Everyone who got in is in the shipment and the tally; the stock moved by exactly that much.
    expect(shipped).toBe(1 + accepted);
    const read = await callJson(`/api/v1/group-buys/${group.id}`);
    expect(read.body.progress.participants).toBe(1 + accepted);
    expect(await stockOf(PRODUCTS.freshShiitake)).toBe(stockBefore - (1 + accepted));
    // And a join after the close is refused.
    expect((await joinGroupBuy(group.id, { items: [{ productId: PRODUCTS.freshShiitake, quantity: 1 }] })).status).toBe(409);
  });

  it('Should close once and refund once when the cron job and the organiser close at the same moment', async () => {
    stripe = stubStripe();
    const group = await openGroupBuy(showroom, { minParticipants: 5 });
    const a = await joinPaid(group.id, { items: [{ productId: PRODUCTS.shiitake, quantity: 2 }] });
    const b = await joinPaid(group.id, { items: [{ productId: PRODUCTS.shiitake, quantity: 1 }] });
    await setClosesAt(group.id, Date.now() - 1);
    const refundsBefore = (await env.DB.prepare('SELECT coalesce(sum(refunds_fen), 0) AS r FROM sales_daily').first<number>('r'))!;

    const [cron, organiser] = await Promise.all([
      runCron(),
      callWithStripe(`/api/v1/group-buys/${group.id}/close`, { method: 'POST', token: showroom }),
    ]);
    const closedByCron = cron['group-buys.close-due'] ?? 0;
    const closedByOrganiser = organiser.status === 200 ? 1 : 0;
    expect(closedByCron + closedByOrganiser).toBe(1);
    if (organiser.status !== 200) expect(organiser.status).toBe(409);
    expect(await rowCount('audit_log', "action = 'group_buy.close' AND entity_id = ?", group.id)).toBe(1);

    const { results: refunds } = await env.DB.prepare(
      `SELECT r.participant_id, r.status, r.stripe_refund_id, p.refunded_fen, p.amount_fen FROM refunds r JOIN payments p ON p.id = r.payment_id
       WHERE r.participant_id IN (?, ?)`,
    )
      .bind(a.participantId, b.participantId)
      .all<Record<string, unknown>>();
    expect(refunds).toHaveLength(2);
    for (const r of refunds) expect(r).toMatchObject({ status: 'succeeded', refunded_fen: r.amount_fen });
    // Stripe may have been asked twice for the same refund (both closers settle), always under one key each.
    const keys = new Set(stripe.refundCalls().map((c) => c.idempotencyKey));
    expect(keys).toEqual(new Set([`gb-refund:${a.participantId}`, `gb-refund:${b.participantId}`]));
    expect(new Set(refunds.map((r) => r.stripe_refund_id)).size).toBe(2);
    const refundsAfter = (await env.DB.prepare('SELECT sum(refunds_fen) AS r FROM sales_daily').first<number>('r'))!;
    expect(refundsAfter - refundsBefore).toBe(3 * 4280);
  });
});
