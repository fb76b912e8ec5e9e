import type { VersionsProbe } from './lib/public-cache';
import type { Db } from './db/client';
import type { Locale } from './lib/i18n';
import type { MemberRole, MessageChannel, OrganizationKind, OrganizationStatus } from './db/schema';

export type Bindings = {
  DB: D1Database;
  PHOTOS: R2Bucket;
  /** Workers Static Assets (public/): hashed scripts, styles, icons and the API viewer. */
  ASSETS: Fetcher;
  APP_URL: string;
  /** More origins allowed to post with cookies and to sign in (comma-separated); see src/lib/origins.ts. */
  TRUSTED_ORIGINS?: string;
  /** Better Auth signing secret; a fixed development value is used locally when unset. */
  BETTER_AUTH_SECRET?: string;
  /** Stripe is optional: without a key the app runs with invoice and pay-at-pickup only. */
  STRIPE_SECRET_KEY?: string;
  STRIPE_WEBHOOK_SECRET?: string;
  /** WeChat Pay API v3 (all of these, or it is off): see src/payments/providers/registry.ts. */
  WECHATPAY_MCHID?: string;
  WECHATPAY_APPID?: string;
  WECHATPAY_SERIAL_NO?: string;
  WECHATPAY_PRIVATE_KEY?: string;
  WECHATPAY_PUBLIC_KEY?: string;
  WECHATPAY_PUBLIC_KEY_ID?: string;
  WECHATPAY_API_V3_KEY?: string;
  /** The Official Account's AppSecret, for WeChat's OAuth web authorisation (JSAPI openid); without it JSAPI is off. */
  WECHATPAY_APP_SECRET?: string;
  /** Overrides https://api.mch.weixin.qq.com (a fake provider server in browser journeys). */
  WECHATPAY_BASE_URL?: string;
  /** Alipay (all three, or it is off). */
  ALIPAY_APP_ID?: string;
  ALIPAY_PRIVATE_KEY?: string;
  ALIPAY_PUBLIC_KEY?: string;
  /** Overrides https://openapi.alipay.com/gateway.do (sandbox, or a fake server in browser journeys). */
  ALIPAY_GATEWAY_URL?: string;
  /** Guest orders, checkout and group-buy joins per client address (wrangler.toml `[[ratelimits]]`). */
  GUEST_ORDERS: RateLimit;
  /** Guest quotes per client address. */
  GUEST_QUOTES: RateLimit;
  /** The delivery queue: one message per notification id (src/messages). */
  MESSAGES: Queue<{ notificationId: string; only?: MessageChannel[] }>;
  /** Per-number limit on sign-in codes (Cloudflare rate-limiting binding). */
  OTP_LIMITER?: RateLimit;
  /** Alibaba Cloud SMS; without all three, SMS go to the local outbox. */
  ALIYUN_ACCESS_KEY_ID?: string;
  ALIYUN_ACCESS_KEY_SECRET?: string;
  /** The registered signature (签名), e.g. 山海消费帮扶. */
  ALIYUN_SMS_SIGN_NAME?: string;
  /** JSON object: our template key → the provider's approved template code, e.g. {"sign_in_code":"SMS_123"}. */
  SMS_TEMPLATES?: string;
  /** Resend transactional e-mail; without both, e-mail goes to the local outbox. */
  RESEND_API_KEY?: string;
  EMAIL_FROM?: string;
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
  /** Unread inbox messages, counted for page requests only (shown in the header). */
  unreadMessages?: number;
};

export type AppEnv = {
  Bindings: Bindings;
  Variables: {
    db: Db;
    actor: Actor | null;
    locale: Locale;
    /** Statements sent to D1 during this request (counted only in bench mode). */
    queryCounter: { queries: number };
    /** The data versions this request's last batch left (src/lib/public-cache.ts). */
    versionsProbe: VersionsProbe;
  };
};
