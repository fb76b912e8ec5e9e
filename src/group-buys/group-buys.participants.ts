import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { runBatch, type Statement } from '../db/batch';
import { groupBuyParticipants, payments } from '../db/schema';
import { auditEntry } from '../lib/audit';
import { AppError } from '../lib/errors';
import { closeProviderPayment, getStripe, isProviderMethod } from '../payments';
import type { Actor, Bindings } from '../env';
import { expireCheckout } from './group-buys.checkout';
import type { JoinPaymentMethod } from './group-buys.join';
import { loadParticipations, requireGroupBuy, type GroupBuyRow, type Participation } from './group-buys.queries';
import { pendingRefundIdsOf, pendingRefundStatements, settleRefund, type RefundReason } from './group-buys.refunds';
import {
  bumpedVersion,
  decrementCounters,
  groupTakesParticipants,
  participantUnchanged,
  releaseStatements,
  isGuardFailure,
} from './group-buys.statements';

/**
 * A participant leaving the group (own cancellation, dropped unpaid at close, failed group,
 * payment failed or expired): status, payment, refund, stock and caps. Group counters are the
 * caller's (a close adjusts them once for everyone).
 */
export function withdrawStatements(
  db: Db,
  p: Participation,
  ctx: { now: number; actor: Actor | null; refundReason: RefundReason },
): Statement[] {
  const paid = p.payment?.status === 'succeeded';
  const statements: Statement[] = [
    db
      .update(groupBuyParticipants)
      .set({ status: paid ? 'refunded' : 'cancelled', cancelledAt: ctx.now, updatedAt: bumpedVersion(groupBuyParticipants.updatedAt, ctx.now) })
      .where(eq(groupBuyParticipants.id, p.id)),
    ...releaseStatements(db, p.lines),
  ];
  if (p.payment && paid) {
    statements.push(...pendingRefundStatements(db, { payment: p.payment, participantId: p.id, reason: ctx.refundReason, actor: ctx.actor, now: ctx.now }));
  } else if (p.payment?.status === 'pending') {
    statements.push(db.update(payments).set({ status: 'cancelled', updatedAt: ctx.now }).where(eq(payments.id, p.payment.id)));
  }
  return statements;
}

/** Statuses in which a participant still holds a place (and stock) in the group. */
export const ACTIVE_STATUSES = ['pending_payment', 'paid'] as const;

export async function requireParticipation(db: Db, groupBuyId: string, participantId: string, token: string | undefined) {
  const [participation] = await loadParticipations(db, groupBuyId, { participantId });
  // A wrong token answers like an unknown participant, so neither ids nor tokens can be probed.
  if (!participation || !token || !timingSafeEqual(participation.accessToken, token)) {
    throw new AppError('not_found', `Participant ${participantId} not found`);
  }
  return participation;
}

/** The participant holding `token` in this group (the participant's own page carries only the token). */
export async function requireParticipationByToken(db: Db, groupBuyId: string, token: string | undefined) {
  const [participation] = token ? await loadParticipations(db, groupBuyId, { accessToken: token }) : [];
  if (!participation) throw new AppError('not_found', 'No participation behind this link');
  return participation;
}

function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * A participant cancels before the deadline: place, stock and caps released and the counters
 * decremented in one batch; a paid participant's refund recorded there and pushed through Stripe
 * right after (the cron job finishes it if Stripe is unreachable now).
 */
export async function cancelParticipation(
  db: Db,
  env: Pick<Bindings, 'STRIPE_SECRET_KEY'>,
  input: { groupBuyId: string; participantId: string; token: string | undefined },
  ctx: { now: number; actor: Actor | null },
): Promise<Participation> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const group = await requireGroupBuy(db, input.groupBuyId);
    const p = await requireParticipation(db, group.id, input.participantId, input.token);
    if (!(ACTIVE_STATUSES as readonly string[]).includes(p.status)) {
      throw new AppError('invalid_state', `This participation is already ${p.status}`, { extensions: { participantStatus: p.status } });
    }
    if (group.status !== 'open' || group.closesAt <= ctx.now) {
      throw new AppError('invalid_state', 'The group buy has closed; cancelling is no longer possible', { extensions: { groupBuyStatus: group.status } });
    }
    try {
      await runBatch(db, [
        groupTakesParticipants(db, group.id, ctx.now),
        participantUnchanged(db, p),
        ...withdrawStatements(db, p, { ...ctx, refundReason: 'participant_cancelled' }),
        decrementCounters(db, group.id, 1, p.quantity, ctx.now),
        auditEntry(db, {
          actor: ctx.actor,
          action: 'group_buy.participant_cancel',
          entityType: 'group_buy_participant',
          entityId: p.id,
          organizationId: group.organizerOrganizationId,
          before: { status: p.status },
          after: { status: p.payment?.status === 'succeeded' ? 'refunded' : 'cancelled' },
          at: ctx.now,
        }),
      ]);
    } catch (error) {
      if (isGuardFailure(error)) continue; // closed or paid meanwhile: decide again on fresh data
      throw error;
    }
    await afterWithdrawal(db, env, [p], ctx.now);
    const [after] = await loadParticipations(db, group.id, { participantId: p.id });
    return after!;
  }
  throw new AppError('conflict', 'The group buy changed while cancelling; please try again');
}

/** After a withdrawal batch: push refunds to Stripe and stop unpaid checkouts. */
export async function afterWithdrawal(db: Db, env: Pick<Bindings, 'STRIPE_SECRET_KEY'>, withdrawn: Participation[], now: number) {
  const stripe = getStripe(env);
  for (const p of withdrawn) {
    if (p.payment?.status === 'pending' && p.payment.stripeCheckoutSessionId) await expireCheckout(stripe, p.payment.stripeCheckoutSessionId);
    // A WeChat Pay / Alipay trade of a place that is gone is closed, so it can take no money; money that came
    // meanwhile is recorded (and, the place being gone, refunded).
    if (p.payment?.status === 'pending' && isProviderMethod(p.payment.method) && p.payment.checkoutUrl) {
      await closeProviderPayment({ db, env: env as Bindings, stripe, now }, p.payment);
    }
  }
  for (const refundId of await pendingRefundIdsOf(db, withdrawn.map((p) => p.id))) {
    await settleRefund(db, env, refundId, now);
  }
}

/** What the pickup desk and the pickup list see of a participation. */
export function participantView(group: GroupBuyRow, p: Participation) {
  return {
    participantId: p.id,
    groupBuyId: group.id,
    name: p.name,
    phone: maskPhone(p.phone),
    pickupCode: p.pickupCode,
    status: p.status,
    paymentMethod: p.paymentMethod as JoinPaymentMethod,
    totalFen: p.totalFen,
    items: p.lines.map((l) => ({
      productId: l.productId,
      nameZh: l.nameZh,
      nameEn: l.nameEn,
      unitZh: l.unitZh,
      unitEn: l.unitEn,
      quantity: l.quantity,
      pickedUpQuantity: l.pickedUpQuantity,
      unitPriceFen: l.unitPriceFen,
      lineTotalFen: l.lineTotalFen,
    })),
    payment: p.payment
      ? {
          id: p.payment.id,
          method: p.payment.method,
          status: p.payment.status,
          amountFen: p.payment.amountFen,
          checkoutUrl: p.payment.status === 'pending' ? p.payment.checkoutUrl : null,
          expiresAt: p.payment.expiresAt === null ? null : new Date(p.payment.expiresAt).toISOString(),
        }
      : null,
    refund: p.refund ? { status: p.refund.status, amountFen: p.refund.amountFen } : null,
    createdAt: new Date(p.createdAt).toISOString(),
    paidAt: p.paidAt === null ? null : new Date(p.paidAt).toISOString(),
    pickedUpAt: p.pickedUpAt === null ? null : new Date(p.pickedUpAt).toISOString(),
    cancelledAt: p.cancelledAt === null ? null : new Date(p.cancelledAt).toISOString(),
  };
}

/** What the participant (holding the access token) sees: the same plus the link to their own page. */
export function ownParticipantView(group: GroupBuyRow, p: Participation, appUrl: string) {
  return { ...participantView(group, p), meUrl: meUrl(group, p, appUrl) };
}

export type OwnParticipantView = ReturnType<typeof ownParticipantView>;

export function meUrl(group: Pick<GroupBuyRow, 'shortCode'>, p: Pick<Participation, 'accessToken'>, appUrl: string): string {
  return new URL(`/g/${group.shortCode}/me?token=${p.accessToken}`, appUrl).toString();
}

/** 138****1234: enough for the desk to confirm with the person in front of it, no more on screen. */
export function maskPhone(phone: string): string {
  return phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : phone;
}

/** Sum of a set of participants' quantities, for counter updates. */
export const totalQuantity = (ps: Participation[]) => ps.reduce((sum, p) => sum + p.quantity, 0);
