declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import('../src/index');
  }
  interface Env {
    DB: D1Database;
    PHOTOS: R2Bucket;
    ASSETS: Fetcher;
    APP_URL: string;
    BETTER_AUTH_SECRET?: string;
    STRIPE_SECRET_KEY?: string;
    STRIPE_WEBHOOK_SECRET?: string;
    BENCH_MODE?: string;
    MESSAGES: Queue<{ notificationId: string; only?: ('sms' | 'email')[] }>;
    OTP_LIMITER?: RateLimit;
    TEST_MIGRATIONS: import('cloudflare:test').D1Migration[];
  }
}
