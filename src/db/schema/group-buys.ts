import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { organization } from './accounts';
import { products } from './catalog';

export const GROUP_BUY_STATUSES = ['open', 'succeeded', 'failed'] as const;
export type GroupBuyStatus = (typeof GROUP_BUY_STATUSES)[number];

export const groupBuys = sqliteTable(
  'group_buys',
  {
    id: text().primaryKey(),
    /** Short code used in the share link /g/{shortCode}. */
    shortCode: text().notNull().unique(),
    organizerOrganizationId: text()
      .notNull()
      .references(() => organization.id),
    createdByUserId: text().notNull(),
    title: text().notNull(),
    description: text().notNull().default(''),
    pickupOrganizationId: text()
      .notNull()
      .references(() => organization.id),
    closesAt: integer().notNull(),
    /**
     * When residents collect (epoch ms; shown in Asia/Shanghai). Required for every group created
     * since the pickup window exists; rows from before it have none.
     */
    pickupStartsAt: integer(),
    pickupEndsAt: integer(),
    minParticipants: integer(),
    minQuantity: integer(),
    /** Participants at which the group closes early. */
    capacity: integer(),
    status: text({ enum: GROUP_BUY_STATUSES }).notNull().default('open'),
    participantsCount: integer().notNull().default(0),
    quantityTotal: integer().notNull().default(0),
    closedAt: integer(),
    closedReason: text(),
    createdAt: integer().notNull(),
    updatedAt: integer().notNull(),
  },
  (t) => [
    check(
      'group_buys_capacity_respected',
      sql`${t.capacity} IS NULL OR ${t.participantsCount} <= ${t.capacity}`,
    ),
    index('group_buys_status_closes_idx').on(t.status, t.closesAt),
    index('group_buys_organizer_idx').on(t.organizerOrganizationId, t.createdAt),
    index('group_buys_pickup_idx').on(t.pickupOrganizationId, t.status),
  ],
);

export const groupBuyItems = sqliteTable(
  'group_buy_items',
  {
    id: text().primaryKey(),
    groupBuyId: text()
      .notNull()
      .references(() => groupBuys.id, { onDelete: 'cascade' }),
    productId: text()
      .notNull()
      .references(() => products.id),
    unitPriceFen: integer().notNull(),
    maxQuantity: integer(),
    soldQuantity: integer().notNull().default(0),
  },
  (t) => [
    check(
      'group_buy_items_cap_respected',
      sql`${t.maxQuantity} IS NULL OR ${t.soldQuantity} <= ${t.maxQuantity}`,
    ),
    check('group_buy_items_sold_non_negative', sql`${t.soldQuantity} >= 0`),
    uniqueIndex('group_buy_items_product_idx').on(t.groupBuyId, t.productId),
  ],
);

export const PARTICIPANT_STATUSES = ['pending_payment', 'paid', 'picked_up', 'refunded', 'cancelled'] as const;
export type ParticipantStatus = (typeof PARTICIPANT_STATUSES)[number];

export const groupBuyParticipants = sqliteTable(
  'group_buy_participants',
  {
    id: text().primaryKey(),
    groupBuyId: text()
      .notNull()
      .references(() => groupBuys.id, { onDelete: 'cascade' }),
    userId: text(),
    name: text().notNull(),
    phone: text().notNull(),
    pickupCode: text().notNull(),
    /** Unguessable token for the participant's own page. */
    accessToken: text().notNull().unique(),
    status: text({ enum: PARTICIPANT_STATUSES }).notNull(),
    paymentMethod: text().notNull(),
    totalFen: integer().notNull(),
    paidAt: integer(),
    pickedUpAt: integer(),
    cancelledAt: integer(),
    createdAt: integer().notNull(),
    updatedAt: integer().notNull(),
  },
  (t) => [
    uniqueIndex('group_buy_participants_code_idx').on(t.groupBuyId, t.pickupCode),
    index('group_buy_participants_status_idx').on(t.groupBuyId, t.status),
  ],
);

export const groupBuyParticipantItems = sqliteTable(
  'group_buy_participant_items',
  {
    id: text().primaryKey(),
    participantId: text()
      .notNull()
      .references(() => groupBuyParticipants.id, { onDelete: 'cascade' }),
    groupBuyItemId: text().notNull(),
    productId: text().notNull(),
    quantity: integer().notNull(),
    pickedUpQuantity: integer().notNull().default(0),
    unitPriceFen: integer().notNull(),
    lineTotalFen: integer().notNull(),
  },
  (t) => [
    check('gb_participant_items_quantity_positive', sql`${t.quantity} > 0`),
    check(
      'gb_participant_items_pickup_within_quantity',
      sql`${t.pickedUpQuantity} >= 0 AND ${t.pickedUpQuantity} <= ${t.quantity}`,
    ),
    index('gb_participant_items_participant_idx').on(t.participantId),
  ],
);
