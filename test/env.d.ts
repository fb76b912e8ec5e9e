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
    WECHATPAY_MCHID?: string;
    WECHATPAY_APPID?: string;
    WECHATPAY_SERIAL_NO?: string;
    WECHATPAY_PRIVATE_KEY?: string;
    WECHATPAY_PUBLIC_KEY?: string;
    WECHATPAY_PUBLIC_KEY_ID?: string;
    WECHATPAY_API_V3_KEY?: string;
    WECHATPAY_APP_SECRET?: string;
    WECHATPAY_BASE_URL?: string;
    ALIPAY_APP_ID?: string;
    ALIPAY_PRIVATE_KEY?: string;
    ALIPAY_PUBLIC_KEY?: string;
    ALIPAY_GATEWAY_URL?: string;
    BENCH_MODE?: string;
    GUEST_ORDERS: RateLimit;
    GUEST_QUOTES: RateLimit;
    MESSAGES: Queue<{ notificationId: string; only?: ('sms' | 'email')[] }>;
    OTP_LIMITER?: RateLimit;
    TEST_MIGRATIONS: import('cloudflare:test').D1Migration[];
  }
}
