import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { organization } from './accounts';
import { products } from './catalog';

/** Negotiated prices for one buyer organisation, overriding list and tier prices while valid. */
export const priceListEntries = sqliteTable(
  'price_list_entries',
  {
    id: text().primaryKey(),
    organizationId: text()
      .notNull()
      .references(() => organization.id, { onDelete: 'cascade' }),
    productId: text()
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    unitPriceFen: integer().notNull(),
    /** Inclusive start and exclusive end, ms epoch; null end = open-ended. */
    validFrom: integer().notNull(),
    validTo: integer(),
    createdByUserId: text(),
    createdAt: integer().notNull(),
  },
  (t) => [
    check('price_list_entries_price_positive', sql`${t.unitPriceFen} > 0`),
    index('price_list_entries_org_product_idx').on(t.organizationId, t.productId, t.validFrom),
  ],
);

export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'withdrawn'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** An order a purchaser asked for above their limit, waiting for an owner's decision. */
export const purchaseApprovals = sqliteTable(
  'purchase_approvals',
  {
    id: text().primaryKey(),
    organizationId: text()
      .notNull()
      .references(() => organization.id, { onDelete: 'cascade' }),
    requestedByUserId: text().notNull(),
    /** The order request exactly as it will be placed on approval. */
    request: text({ mode: 'json' }).notNull(),
    totalFen: integer().notNull(),
    status: text({ enum: APPROVAL_STATUSES }).notNull().default('pending'),
    /** Bumped by every change the purchaser makes while pending; an approval decides the revision it read. */
    revision: integer().notNull().default(0),
    revisedAt: integer(),
    decidedByUserId: text(),
    decisionReason: text(),
    orderId: text(),
    createdAt: integer().notNull(),
    decidedAt: integer(),
  },
  (t) => [index('purchase_approvals_org_status_idx').on(t.organizationId, t.status, t.createdAt)],
);
