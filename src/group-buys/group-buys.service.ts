import { and, desc, eq, inArray, lt, or } from 'drizzle-orm';
import type { Db } from '../db/client';
import { isConstraintError, runBatch } from '../db/batch';
import { groupBuyItems, groupBuys, organization, products, type GroupBuyStatus } from '../db/schema';
import type { Actor } from '../env';
import { auditEntry } from '../lib/audit';
import { AppError, type FieldError } from '../lib/errors';
import { newId, randomToken } from '../lib/ids';
import { DAY_MS } from '../lib/time';
import {
  committedProgress,
  findGroupBuy,
  loadGroupItems,
  organizationsByIds,
  remainingOf,
  type GroupBuyRow,
  type GroupItem,
} from './group-buys.queries';
import { insertRows } from './group-buys.statements';
import { openedAnnouncement } from './group-buys.announce';

/** Who may organise a group buy: institutions buying for their staff or residents. */
export const ORGANIZER_KINDS = ['canteen', 'enterprise', 'showroom'] as const;
/** A group buy runs at most this long: beyond it, prices and stock promised today mean little. */
export const MAX_OPEN_DAYS = 60;
/** Fresh produce waits at most this long between the deadline and its pickup, and a window lasts at most this long. */
export const MAX_PICKUP_DELAY_DAYS = 14;

/**
 * The pickup window rules: it ends after it starts, starts after the deadline (nothing can be
 * collected before the group has formed), and lies within MAX_PICKUP_DELAY_DAYS of the deadline.
 */
export function pickupWindowProblems(input: { closesAt: number; pickupStartsAt: number; pickupEndsAt: number }): FieldError[] {
  const errors: FieldError[] = [];
  if (input.pickupEndsAt <= input.pickupStartsAt) {
    errors.push({ path: 'body.pickupEndsAt', rule: 'pickup_window_inverted', message: 'The pickup window must end after it starts' });
  }
  if (input.pickupStartsAt <= input.closesAt) {
    errors.push({ path: 'body.pickupStartsAt', rule: 'pickup_before_deadline', message: 'The pickup window must start after the deadline' });
  } else if (input.pickupEndsAt > input.closesAt + MAX_PICKUP_DELAY_DAYS * DAY_MS) {
    errors.push({
      path: 'body.pickupEndsAt',
      rule: 'pickup_too_late',
      message: `The pickup window must end within ${MAX_PICKUP_DELAY_DAYS} days of the deadline`,
    });
  }
  return errors;
}

export type CreateGroupBuyInput = {
  organizationId: string;
  title: string;
  description?: string;
  closesAt: number;
  /** The pickup window (epoch ms): residents collect between these instants. */
  pickupStartsAt: number;
  pickupEndsAt: number;
  pickupOrganizationId: string;
  minParticipants?: number;
  minQuantity?: number;
  capacity?: number;
  /** Open the same group again a week on once this one closes. */
  repeatWeekly?: boolean;
  items: { productId: string; unitPriceFen?: number; maxQuantity?: number }[];
};

/** The API's ISO instants as the service's epoch milliseconds (the schema has already checked they parse). */
export function instantsOf<T extends { closesAt: string; pickupStartsAt: string; pickupEndsAt: string }>(body: T) {
  return { ...body, closesAt: Date.parse(body.closesAt), pickupStartsAt: Date.parse(body.pickupStartsAt), pickupEndsAt: Date.parse(body.pickupEndsAt) };
}

export function shareUrl(appUrl: string, shortCode: string): string {
  return new URL(`/g/${shortCode}`, appUrl).toString();
}

/**
 * Creates a group buy after checking every rule; on any problem nothing is written and the
 * 422 names each offending field. The caller has already checked the actor's role
 * (requireOrgRole); the organiser's kind and verification are checked here again so an admin
 * acting for an organisation meets the same rules.
 */
export async function createGroupBuy(
  db: Db,
  actor: Actor | null,
  input: CreateGroupBuyInput,
  ctx: { now: number; repeatOf?: Pick<GroupBuyRow, 'id' | 'createdByUserId'> },
): Promise<GroupBuyRow> {
  const [organizer] = await organizationsByIds(db, [input.organizationId]);
  if (!organizer) throw new AppError('not_found', `Organisation ${input.organizationId} not found`);
  if (!(ORGANIZER_KINDS as readonly string[]).includes(organizer.kind) || organizer.status !== 'verified') {
    throw new AppError('forbidden', `${organizer.name} cannot organise group buys (a verified canteen, enterprise or showroom can)`);
  }

  const errors: FieldError[] = [];
  if (input.closesAt <= ctx.now) errors.push({ path: 'body.closesAt', rule: 'deadline_past', message: 'The deadline must be in the future' });
  if (input.closesAt > ctx.now + MAX_OPEN_DAYS * DAY_MS) {
    errors.push({ path: 'body.closesAt', rule: 'deadline_too_far', message: `The deadline may be at most ${MAX_OPEN_DAYS} days ahead` });
  }
  errors.push(...pickupWindowProblems(input));
  if (input.capacity !== undefined && input.minParticipants !== undefined && input.capacity < input.minParticipants) {
    errors.push({ path: 'body.capacity', rule: 'capacity_below_minimum', message: 'Capacity is below the minimum number of participants: the group could never form' });
  }
  await checkPickupPoint(db, input, errors);
  const productRows = await checkItems(db, input.items, errors);
  if (errors.length > 0) {
    throw new AppError('unprocessable', `The group buy cannot be created: ${errors.map((e) => e.message).join('; ')}`, { errors });
  }

  const id = newId('gb');
  const byId = new Map(productRows.map((p) => [p.id, p]));
  const row = {
    id,
    shortCode: randomToken(8),
    organizerOrganizationId: organizer.id,
    // The weekly job (no actor) opens the next group in the name of whoever created the first.
    createdByUserId: actor?.userId ?? ctx.repeatOf?.createdByUserId ?? 'system',
    title: input.title,
    description: input.description ?? '',
    pickupOrganizationId: input.pickupOrganizationId,
    closesAt: input.closesAt,
    pickupStartsAt: input.pickupStartsAt,
    pickupEndsAt: input.pickupEndsAt,
    minParticipants: input.minParticipants ?? null,
    minQuantity: input.minQuantity ?? null,
    capacity: input.capacity ?? null,
    repeatWeekly: input.repeatWeekly ?? false,
    repeatedFromId: ctx.repeatOf?.id ?? null,
    status: 'open' as const,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  // Item ids share one random stem and end in the item's position: the pages list items by id, so the share
  // page shows them in the order the organiser listed them (its first item is the one preselected).
  const itemStem = newId('gbi');
  const itemRows = input.items.map((item, index) => ({
    id: `${itemStem}_${String(index).padStart(2, '0')}`,
    groupBuyId: id,
    productId: item.productId,
    unitPriceFen: item.unitPriceFen ?? byId.get(item.productId)!.unitPriceFen,
    maxQuantity: item.maxQuantity ?? null,
  }));
  for (let attempt = 0; ; attempt++) {
    try {
      await runBatch(db, [
        db.insert(groupBuys).values(row),
        ...insertRows(db, groupBuyItems, itemRows),
        openedAnnouncement(db, row, ctx.now),
        auditEntry(db, {
          actor,
          action: ctx.repeatOf ? 'group_buy.repeat' : 'group_buy.create',
          entityType: 'group_buy',
          entityId: id,
          organizationId: organizer.id,
          after: { ...row, items: itemRows },
          at: ctx.now,
        }),
      ]);
      return { ...row, participantsCount: 0, quantityTotal: 0, closedAt: null, closedReason: null };
    } catch (error) {
      // 32^8 short codes: a collision is rare, and a fresh draw settles it.
      if (attempt < 3 && isConstraintError(error, 'group_buys.short_code')) {
        row.shortCode = randomToken(8);
        continue;
      }
      throw error;
    }
  }
}

async function checkPickupPoint(db: Db, input: CreateGroupBuyInput, errors: FieldError[]) {
  if (input.pickupOrganizationId === input.organizationId) return;
  const [pickup] = await organizationsByIds(db, [input.pickupOrganizationId]);
  if (!pickup || pickup.kind !== 'showroom' || pickup.status !== 'verified') {
    errors.push({
      path: 'body.pickupOrganizationId',
      rule: 'pickup_point_invalid',
      message: 'The pickup point must be the organiser itself or a verified showroom',
    });
  }
}

async function checkItems(db: Db, items: CreateGroupBuyInput['items'], errors: FieldError[]) {
  const ids = [...new Set(items.map((i) => i.productId))];
  const rows = await db.select().from(products).where(inArray(products.id, ids));
  const byId = new Map(rows.map((p) => [p.id, p]));
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const path = `body.items.${index}`;
    if (seen.has(item.productId)) {
      errors.push({ path: `${path}.productId`, rule: 'duplicate_product', message: `Product ${item.productId} is listed twice` });
      return;
    }
    seen.add(item.productId);
    const product = byId.get(item.productId);
    if (!product) {
      errors.push({ path: `${path}.productId`, rule: 'unknown_product', message: `Product ${item.productId} does not exist` });
      return;
    }
    if (product.status !== 'published') {
      errors.push({ path: `${path}.productId`, rule: 'product_unavailable', message: `Product ${item.productId} is not on sale` });
      return;
    }
    if (item.unitPriceFen !== undefined && item.unitPriceFen > product.unitPriceFen) {
      errors.push({
        path: `${path}.unitPriceFen`,
        rule: 'price_above_list',
        message: `The group price may not exceed the list price (${product.unitPriceFen} fen)`,
      });
    }
    if (item.maxQuantity !== undefined && item.maxQuantity < product.minOrderQuantity) {
      errors.push({
        path: `${path}.maxQuantity`,
        rule: 'cap_below_moq',
        message: `The cap is below the product's minimum order quantity (${product.minOrderQuantity})`,
      });
    }
  });
  return rows;
}

/** The public view of a group buy: what the join page, the organiser and the API show. */
export type GroupBuyView = Awaited<ReturnType<typeof groupBuyView>>;

export async function groupBuyView(db: Db, group: GroupBuyRow, ctx: { now: number; appUrl: string }) {
  const [items, orgs, committed] = await Promise.all([
    loadGroupItems(db, group.id),
    organizationsByIds(db, [...new Set([group.organizerOrganizationId, group.pickupOrganizationId])]),
    committedProgress(db, group.id),
  ]);
  const organizer = orgs.find((o) => o.id === group.organizerOrganizationId);
  const pickup = orgs.find((o) => o.id === group.pickupOrganizationId);
  const open = group.status === 'open' && group.closesAt > ctx.now;
  return {
    id: group.id,
    shortCode: group.shortCode,
    shareUrl: shareUrl(ctx.appUrl, group.shortCode),
    title: group.title,
    description: group.description,
    status: group.status,
    /** True while a participant can still join (open and before the deadline). */
    joinable: open && (group.capacity === null || group.participantsCount < group.capacity),
    organizer: { id: group.organizerOrganizationId, name: organizer?.name ?? '', nameEn: organizer?.nameEn ?? null },
    pickup: {
      id: group.pickupOrganizationId,
      name: pickup?.name ?? '',
      nameEn: pickup?.nameEn ?? null,
      address: pickup?.pickupAddress ?? null,
      phone: pickup?.contactPhone ?? null,
    },
    closesAt: new Date(group.closesAt).toISOString(),
    pickupWindow: pickupWindowView(group),
    secondsLeft: open ? Math.ceil((group.closesAt - ctx.now) / 1000) : 0,
    closedAt: group.closedAt === null ? null : new Date(group.closedAt).toISOString(),
    closedReason: group.closedReason,
    minParticipants: group.minParticipants,
    minQuantity: group.minQuantity,
    capacity: group.capacity,
    repeatWeekly: group.repeatWeekly,
    repeatedFromId: group.repeatedFromId,
    progress: {
      participants: group.participantsCount,
      quantity: group.quantityTotal,
      committedParticipants: committed.participants,
      committedQuantity: committed.quantity,
    },
    items: items.map((item) => itemView(item)),
    createdAt: new Date(group.createdAt).toISOString(),
  };
}

/** Null only for groups created before pickup windows existed. */
export function pickupWindowView(group: Pick<GroupBuyRow, 'pickupStartsAt' | 'pickupEndsAt'>) {
  if (group.pickupStartsAt === null || group.pickupEndsAt === null) return null;
  return { startsAt: new Date(group.pickupStartsAt).toISOString(), endsAt: new Date(group.pickupEndsAt).toISOString() };
}

function itemView(item: GroupItem) {
  return {
    productId: item.productId,
    sku: item.sku,
    nameZh: item.nameZh,
    nameEn: item.nameEn,
    unitZh: item.unitZh,
    unitEn: item.unitEn,
    specZh: item.specZh,
    specEn: item.specEn,
    cooperativeId: item.cooperativeId,
    category: item.category,
    groupPriceFen: item.groupPriceFen,
    listPriceFen: item.listPriceFen,
    maxQuantity: item.maxQuantity,
    soldQuantity: item.soldQuantity,
    remaining: remainingOf(item),
    minOrderQuantity: item.minOrderQuantity,
    orderStep: item.orderStep,
  };
}

export async function requireGroupBuyView(db: Db, id: string, ctx: { now: number; appUrl: string }) {
  const group = await findGroupBuy(db, id);
  if (!group) throw new AppError('not_found', `Group buy ${id} not found`);
  return groupBuyView(db, group, ctx);
}

/** Group buys an organisation organises or hosts as pickup point, newest first, keyset-paginated. */
export async function listGroupBuys(
  db: Db,
  filter: { organizationIds: string[]; status?: GroupBuyStatus },
  page: { limit: number; after?: { createdAt: number; id: string } },
) {
  if (filter.organizationIds.length === 0) return { rows: [] as GroupBuyRow[], hasMore: false };
  const conditions = [
    or(inArray(groupBuys.organizerOrganizationId, filter.organizationIds), inArray(groupBuys.pickupOrganizationId, filter.organizationIds)),
  ];
  if (filter.status) conditions.push(eq(groupBuys.status, filter.status));
  if (page.after) {
    conditions.push(
      or(lt(groupBuys.createdAt, page.after.createdAt), and(eq(groupBuys.createdAt, page.after.createdAt), lt(groupBuys.id, page.after.id))),
    );
  }
  const rows = await db
    .select()
    .from(groupBuys)
    .where(and(...conditions))
    .orderBy(desc(groupBuys.createdAt), desc(groupBuys.id))
    .limit(page.limit + 1);
  return { rows: rows.slice(0, page.limit), hasMore: rows.length > page.limit };
}


/** Published products for the organiser's picker, by category. */
export async function pickableProducts(db: Db) {
  return db
    .select({
      id: products.id,
      sku: products.sku,
      category: products.category,
      nameZh: products.nameZh,
      nameEn: products.nameEn,
      unitZh: products.unitZh,
      unitEn: products.unitEn,
      specZh: products.specZh,
      specEn: products.specEn,
      unitPriceFen: products.unitPriceFen,
      minOrderQuantity: products.minOrderQuantity,
      stock: products.stock,
    })
    .from(products)
    .where(eq(products.status, 'published'))
    .orderBy(products.category, products.sku);
}

/** Verified showrooms: the pickup points an organiser may choose besides itself. */
export async function verifiedShowrooms(db: Db) {
  return db
    .select({ id: organization.id, name: organization.name, nameEn: organization.nameEn, pickupAddress: organization.pickupAddress })
    .from(organization)
    .where(and(eq(organization.kind, 'showroom'), eq(organization.status, 'verified')))
    .orderBy(organization.name);
}
