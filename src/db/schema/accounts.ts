import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/*
 * Better Auth's tables (core + organization plugin), in the same schema as the rest so one set of
 * drizzle-kit migrations creates everything. Column names follow the adapter's field names.
 * Organisation columns beyond the plugin's own are Shanhai's profile of a buyer or cooperative.
 */

const authTimestamp = (name: string) =>
  integer(name, { mode: 'timestamp_ms' })
    .notNull()
    .default(sql`(cast(unixepoch('subsecond') * 1000 as integer))`);

export const user = sqliteTable('user', {
  id: text().primaryKey(),
  name: text().notNull(),
  email: text().notNull().unique(),
  emailVerified: integer({ mode: 'boolean' }).notNull().default(false),
  image: text(),
  /** 'admin' for platform administrators, 'user' for everyone else. Never settable by the user. */
  platformRole: text().notNull().default('user'),
  phone: text(),
  locale: text().notNull().default('zh'),
  createdAt: authTimestamp('created_at'),
  updatedAt: authTimestamp('updated_at'),
});

export const session = sqliteTable(
  'session',
  {
    id: text().primaryKey(),
    expiresAt: integer({ mode: 'timestamp_ms' }).notNull(),
    token: text().notNull().unique(),
    createdAt: authTimestamp('created_at'),
    updatedAt: authTimestamp('updated_at'),
    ipAddress: text(),
    userAgent: text(),
    userId: text()
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    activeOrganizationId: text(),
  },
  (t) => [index('session_user_id_idx').on(t.userId)],
);

export const account = sqliteTable(
  'account',
  {
    id: text().primaryKey(),
    accountId: text().notNull(),
    providerId: text().notNull(),
    userId: text()
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    accessToken: text(),
    refreshToken: text(),
    idToken: text(),
    accessTokenExpiresAt: integer({ mode: 'timestamp_ms' }),
    refreshTokenExpiresAt: integer({ mode: 'timestamp_ms' }),
    scope: text(),
    password: text(),
    createdAt: authTimestamp('created_at'),
    updatedAt: authTimestamp('updated_at'),
  },
  (t) => [index('account_user_id_idx').on(t.userId)],
);

export const verification = sqliteTable(
  'verification',
  {
    id: text().primaryKey(),
    identifier: text().notNull(),
    value: text().notNull(),
    expiresAt: integer({ mode: 'timestamp_ms' }).notNull(),
    createdAt: authTimestamp('created_at'),
    updatedAt: authTimestamp('updated_at'),
  },
  (t) => [index('verification_identifier_idx').on(t.identifier)],
);

export const ORGANIZATION_KINDS = ['platform', 'canteen', 'enterprise', 'showroom', 'cooperative'] as const;
export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];
/** The kinds that buy: they get the procurement portal, invoices and negotiated prices. */
export const BUYER_KINDS = ['canteen', 'enterprise', 'showroom'] as const satisfies readonly OrganizationKind[];
export type BuyerKind = (typeof BUYER_KINDS)[number];
export function isBuyerKind(kind: OrganizationKind): kind is BuyerKind {
  return (BUYER_KINDS as readonly string[]).includes(kind);
}
export const ORGANIZATION_STATUSES = ['pending', 'verified', 'suspended'] as const;
export type OrganizationStatus = (typeof ORGANIZATION_STATUSES)[number];

export const organization = sqliteTable(
  'organization',
  {
    id: text().primaryKey(),
    name: text().notNull(),
    slug: text().notNull().unique(),
    logo: text(),
    metadata: text(),
    createdAt: authTimestamp('created_at'),
    kind: text({ enum: ORGANIZATION_KINDS }).notNull().default('canteen'),
    status: text({ enum: ORGANIZATION_STATUSES }).notNull().default('pending'),
    nameEn: text(),
    contactPhone: text(),
    /** Cooperatives: the county they are bound to, their certification and story. */
    countyId: text(),
    certificationNo: text(),
    householdsBenefited: integer().notNull().default(0),
    storyZh: text(),
    storyEn: text(),
    /** Cooperatives: shipping fee rule — flat fee per shipment, free at or above an amount. */
    shippingFlatFeeFen: integer().notNull().default(0),
    freeShippingAboveFen: integer(),
    /** Buyer institutions: fapiao title and tax id, yearly consumption-assistance target. */
    invoiceTitle: text(),
    taxId: text(),
    annualTargetFen: integer().notNull().default(0),
    /** Invoice terms, set by the platform admin for verified buyers. 0 = no terms. */
    paymentTermsDays: integer().notNull().default(0),
    creditLimitFen: integer().notNull().default(0),
    /** Showrooms acting as pickup points (自提点): the address residents come to. */
    pickupAddress: text(),
    districtId: text(),
    verifiedAt: integer(),
  },
  (t) => [
    index('organization_kind_status_idx').on(t.kind, t.status),
    index('organization_county_idx').on(t.countyId),
  ],
);

export const MEMBER_ROLES = ['owner', 'purchaser', 'member', 'staff'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

export const member = sqliteTable(
  'member',
  {
    id: text().primaryKey(),
    organizationId: text()
      .notNull()
      .references(() => organization.id, { onDelete: 'cascade' }),
    userId: text()
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    role: text().notNull().default('member'),
    createdAt: authTimestamp('created_at'),
    /** Purchasers: orders above this wait for an owner's approval. Null = no limit. */
    perOrderLimitFen: integer(),
  },
  (t) => [
    uniqueIndex('member_org_user_idx').on(t.organizationId, t.userId),
    index('member_user_idx').on(t.userId),
  ],
);

export const invitation = sqliteTable(
  'invitation',
  {
    id: text().primaryKey(),
    organizationId: text()
      .notNull()
      .references(() => organization.id, { onDelete: 'cascade' }),
    email: text().notNull(),
    role: text(),
    status: text().notNull().default('pending'),
    expiresAt: integer({ mode: 'timestamp_ms' }).notNull(),
    inviterId: text()
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    createdAt: authTimestamp('created_at'),
  },
  (t) => [index('invitation_org_idx').on(t.organizationId), index('invitation_email_idx').on(t.email)],
);

/** Delivery and pickup locations of a buyer organisation (canteen kitchen, receiving hours, contact). */
export const deliveryLocations = sqliteTable(
  'delivery_locations',
  {
    id: text().primaryKey(),
    organizationId: text()
      .notNull()
      .references(() => organization.id, { onDelete: 'cascade' }),
    label: text().notNull(),
    recipient: text().notNull(),
    phone: text().notNull(),
    districtId: text().notNull(),
    street: text().notNull(),
    receivingHours: text(),
    isDefault: integer({ mode: 'boolean' }).notNull().default(false),
    createdAt: integer().notNull(),
  },
  (t) => [index('delivery_locations_org_idx').on(t.organizationId)],
);

/** Who did what, when, with before/after: every admin and money-related action. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: text().primaryKey(),
    actorUserId: text(),
    actorLabel: text(),
    action: text().notNull(),
    entityType: text().notNull(),
    entityId: text().notNull(),
    organizationId: text(),
    before: text({ mode: 'json' }),
    after: text({ mode: 'json' }),
    createdAt: integer().notNull(),
  },
  (t) => [
    index('audit_log_created_idx').on(t.createdAt),
    index('audit_log_entity_idx').on(t.entityType, t.entityId),
    index('audit_log_actor_idx').on(t.actorUserId, t.createdAt),
    index('audit_log_action_idx').on(t.action, t.createdAt),
  ],
);

/** Better Auth's rate-limit counters (storage: 'database'), limiting sign-in and sign-up per IP in D1. */
export const rateLimit = sqliteTable('rate_limit', {
  id: text().primaryKey(),
  key: text().notNull().unique(),
  count: integer().notNull(),
  lastRequest: integer().notNull(),
});
