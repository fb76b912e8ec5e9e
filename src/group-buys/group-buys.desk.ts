import { and, eq, inArray, like, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { runBatch } from '../db/batch';
import { groupBuyParticipantItems, groupBuyParticipants } from '../db/schema';
import type { Actor } from '../env';
import { auditEntry } from '../lib/audit';
import { AppError } from '../lib/errors';
import { loadParticipations, type GroupBuyRow, type Participation } from './group-buys.queries';

/** What the pickup desk needs beyond a code: the queue's tally, a lookup by phone tail, a call back. */

export type DeskTally = { handedOver: number; partial: number; waiting: number };

/** 已提 / 部分 / 未提 over everyone holding a place in the group. */
export async function deskTally(db: Db, groupBuyId: string): Promise<DeskTally> {
  const picked = sql<number>`coalesce((SELECT sum(${groupBuyParticipantItems.pickedUpQuantity}) FROM ${groupBuyParticipantItems} WHERE ${groupBuyParticipantItems.participantId} = ${groupBuyParticipants.id}), 0)`;
  const rows = await db
    .select({
      handedOver: sql<number>`sum(CASE WHEN ${groupBuyParticipants.status} = 'picked_up' THEN 1 ELSE 0 END)`,
      partial: sql<number>`sum(CASE WHEN ${groupBuyParticipants.status} <> 'picked_up' AND ${picked} > 0 THEN 1 ELSE 0 END)`,
      waiting: sql<number>`sum(CASE WHEN ${groupBuyParticipants.status} <> 'picked_up' AND ${picked} = 0 THEN 1 ELSE 0 END)`,
    })
    .from(groupBuyParticipants)
    .where(and(eq(groupBuyParticipants.groupBuyId, groupBuyId), inArray(groupBuyParticipants.status, ['pending_payment', 'paid', 'picked_up'])));
  const row = rows[0];
  return { handedOver: Number(row?.handedOver ?? 0), partial: Number(row?.partial ?? 0), waiting: Number(row?.waiting ?? 0) };
}

export const PHONE_TAIL_PATTERN = /^\d{4}$/;
const PHONE_TAIL_MATCHES = 20;

/**
 * A resident who lost the code gives the last four digits of the phone; the desk picks them from
 * the list by name. Staff only (the caller checks), and only in a formed group.
 */
export async function findByPhoneTail(db: Db, group: GroupBuyRow, tail: string): Promise<Participation[]> {
  if (!PHONE_TAIL_PATTERN.test(tail)) {
    throw new AppError('unprocessable', 'Give the last 4 digits of the phone number', {
      errors: [{ path: 'query.phoneTail', rule: 'phone_tail_shape', message: 'Give the last 4 digits of the phone number' }],
    });
  }
  if (group.status !== 'succeeded') {
    const message = group.status === 'open' ? 'The group buy has not closed yet' : 'The group buy did not form: nothing to pick up';
    throw new AppError('invalid_state', message, {
      errors: [{ path: 'query.phoneTail', rule: group.status === 'open' ? 'group_not_formed_yet' : 'group_failed', message }],
    });
  }
  const ids = await db
    .select({ id: groupBuyParticipants.id })
    .from(groupBuyParticipants)
    .where(
      and(
        eq(groupBuyParticipants.groupBuyId, group.id),
        inArray(groupBuyParticipants.status, ['pending_payment', 'paid', 'picked_up']),
        like(groupBuyParticipants.phone, `%${tail}`),
      ),
    )
    .limit(PHONE_TAIL_MATCHES);
  const rows = await loadParticipations(db, group.id, { ids: ids.map((r) => r.id) });
  return rows.sort((a, b) => a.name.localeCompare(b.name, 'zh'));
}

/** "张阿姨" → "张**": enough for a neighbour to recognise, not enough to read a stranger's name off a screen. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return chars.join('');
  return `${chars[0]}${'*'.repeat(Math.min(chars.length - 1, 2))}`;
}

/** The desk reveals a participant's full phone number to call them back; every reveal is in the audit log. */
export async function revealPhone(db: Db, group: GroupBuyRow, participantId: string, ctx: { now: number; actor: Actor }): Promise<string> {
  const [p] = await db
    .select({ id: groupBuyParticipants.id, phone: groupBuyParticipants.phone })
    .from(groupBuyParticipants)
    .where(and(eq(groupBuyParticipants.id, participantId), eq(groupBuyParticipants.groupBuyId, group.id)))
    .limit(1);
  if (!p) throw new AppError('not_found', `Participant ${participantId} not found`);
  await runBatch(db, [
    auditEntry(db, {
      actor: ctx.actor,
      action: 'group_buy.phone_reveal',
      entityType: 'group_buy_participant',
      entityId: p.id,
      organizationId: group.pickupOrganizationId,
      after: { groupBuyId: group.id },
      at: ctx.now,
    }),
  ]);
  return p.phone;
}
