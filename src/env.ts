import type { Db } from './db/client';
import type { Locale } from './lib/i18n';
import type { MemberRole, OrganizationKind, OrganizationStatus } from './db/schema';

export type Bindings = {
  DB: D1Database;
  PHOTOS: R2Bucket;
  /** Workers Static Assets (public/): hashed scripts, styles, icons and the API viewer. */
  ASSETS: Fetcher;
  APP_URL: string;
  /** Better Auth signing secret; a fixed development value is used locally when unset. */
  BETTER_AUTH_SECRET?: string;
  /** Stripe is optional: without a key the app runs with invoice and pay-at-pickup only. */
  STRIPE_SECRET_KEY?: string;
  STRIPE_WEBHOOK_SECRET?: string;
  /** Guest orders, checkout and group-buy joins per client address (wrangler.toml `[[ratelimits]]`). */
  GUEST_ORDERS: RateLimit;
  /** Guest quotes per client address. */
  GUEST_QUOTES: RateLimit;
  /** "1" in `npm run bench`: exposes per-request D1 query counts and silences request logs. */
  BENCH_MODE?: string;
};

export type Membership = {
  organizationId: string;
  organizationName: string;
  kind: OrganizationKind;
  status: OrganizationStatus;
  role: MemberRole;
  countyId: string | null;
  /** Purchasers: orders above this (fen) need an owner's approval; null = no limit. */
  perOrderLimitFen: number | null;
};

/** Who is acting on this request; null for guests. */
export type Actor = {
  userId: string;
  email: string;
  name: string;
  isAdmin: boolean;
  sessionId: string;
  memberships: Membership[];
};

export type AppEnv = {
  Bindings: Bindings;
  Variables: {
    db: Db;
    actor: Actor | null;
    locale: Locale;
    /** Statements sent to D1 during this request (counted only in bench mode). */
    queryCounter: { queries: number };
  };
};
