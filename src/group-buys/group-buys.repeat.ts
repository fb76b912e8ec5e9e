import { and, asc, eq, isNull, ne } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/client';
import { isConstraintError } from '../db/batch';
import { groupBuys } from '../db/schema';
import { AppError } from '../lib/errors';
import { loadGroupItems, type GroupBuyRow } from './group-buys.queries';
import { createGroupBuy, type CreateGroupBuyInput } from './group-buys.service';

export const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * "再开一团": a past group as the input of a new one — same items, group prices, caps, thresholds
 * and pickup point — its deadline and pickup window moved on by whole weeks until the deadline is
 * ahead of `now` (so the new group keeps the weekday and hours the residents know).
 */
export async function repeatInput(db: Db, source: GroupBuyRow, now: number): Promise<CreateGroupBuyInput> {
  const weeks = Math.max(1, Math.floor((now - source.closesAt) / WEEK_MS) + 1);
  const shift = weeks * WEEK_MS;
  const items = await loadGroupItems(db, source.id);
  return {
    organizationId: source.organizerOrganizationId,
    title: source.title,
    description: source.description,
    closesAt: source.closesAt + shift,
    // A group from before pickup windows: the next morning after the deadline, two hours.
    pickupStartsAt: (source.pickupStartsAt ?? source.closesAt + 14 * 60 * 60 * 1000) + shift,
    pickupEndsAt: (source.pickupEndsAt ?? source.closesAt + 16 * 60 * 60 * 1000) + shift,
    pickupOrganizationId: source.pickupOrganizationId,
    minParticipants: source.minParticipants ?? undefined,
    minQuantity: source.minQuantity ?? undefined,
    capacity: source.capacity ?? undefined,
    repeatWeekly: source.repeatWeekly,
    items: items.map((item) => ({ productId: item.productId, unitPriceFen: item.groupPriceFen, maxQuantity: item.maxQuantity ?? undefined })),
  };
}

const next = alias(groupBuys, 'next_group');

/** Closed weekly groups that have no next group yet. */
export async function groupsToRepeat(db: Db, limit = 25) {
  return db
    .select({ group: groupBuys })
    .from(groupBuys)
    .leftJoin(next, eq(next.repeatedFromId, groupBuys.id))
    .where(and(eq(groupBuys.repeatWeekly, true), ne(groupBuys.status, 'open'), isNull(next.id)))
    .orderBy(asc(groupBuys.closesAt))
    .limit(limit);
}

/**
 * The weekly job: for each closed weekly group, opens the next one. The unique repeated_from_id
 * makes a second run (or two at once) open nothing more. A group that can no longer be repeated
 * as it was (a product taken off sale, a price now above the list price) is logged and skipped.
 */
export async function openNextWeeklyGroups(db: Db, now: number): Promise<number> {
  let opened = 0;
  for (const { group } of await groupsToRepeat(db)) {
    try {
      await createGroupBuy(db, null, await repeatInput(db, group, now), { now, repeatOf: group });
      opened += 1;
    } catch (error) {
      if (isConstraintError(error, 'group_buys.repeated_from_id')) continue; // another run opened it
      if (error instanceof AppError) {
        console.warn(`weekly group buy ${group.id} cannot be repeated: ${error.message}`);
        continue;
      }
      throw error;
    }
  }
  return opened;
}
