import { betterAuth } from 'better-auth/minimal';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { bearer } from 'better-auth/plugins';
import type { Bindings } from '../env';
import { configuredOrigins, isTrustedOrigin } from '../lib/origins';
import type { Db } from '../db/client';
import { account, rateLimit, session, user, verification } from '../db/schema';
import { hashPassword, verifyPassword } from './password';

/** Used only when BETTER_AUTH_SECRET is not configured (local development and tests). */
const DEVELOPMENT_SECRET = 'shanhai-local-development-secret-not-for-production-0000';

/**
 * Better Auth for one request: e-mail + password, sessions by HTTP-only cookie for pages, bearer tokens
 * for API clients.
 *
 * Organisations, members and invitations live in the organization plugin's tables (same columns), but are
 * managed by src/accounts/organizations.service.ts rather than by the plugin's endpoints: the plugin's
 * `/api/auth/organization/*` routes would be a second way in that bypasses Shanhai's rules (roles that
 * depend on the organisation's kind, a cooperative's county, verification, audit in the same batch), and
 * leaving it out keeps ~20 KiB gzip out of the worker.
 */
export function createAuth(env: Bindings, db: Db) {
  return betterAuth({
    appName: 'Shanhai',
    baseURL: env.APP_URL,
    basePath: '/api/auth',
    secret: env.BETTER_AUTH_SECRET ?? DEVELOPMENT_SECRET,
    // APP_URL and TRUSTED_ORIGINS, plus any loopback port in development (src/lib/origins.ts): the same
    // rule as the app's CSRF check, so a page served on :8819 or a script's Origin is judged once.
    trustedOrigins: (request) => {
      const origin = request?.headers.get('origin');
      const configured = configuredOrigins(env);
      return origin && isTrustedOrigin(origin, env, request?.url) ? [...configured, origin] : configured;
    },
    database: drizzleAdapter(db, {
      provider: 'sqlite',
      schema: { user, session, account, verification, rateLimit },
    }),
    emailAndPassword: {
      enabled: true,
      minPasswordLength: 8,
      maxPasswordLength: 128,
      password: { hash: hashPassword, verify: verifyPassword },
    },
    user: {
      additionalFields: {
        platformRole: { type: 'string', required: false, defaultValue: 'user', input: false },
        phone: { type: 'string', required: false },
        locale: { type: 'string', required: false, defaultValue: 'zh' },
      },
    },
    session: {
      expiresIn: 60 * 60 * 24 * 7,
      updateAge: 60 * 60 * 24,
    },
    // Counted in D1 (table rate_limit) so every isolate shares the limit. Enabled explicitly: workerd
    // has no NODE_ENV, so Better Auth's production default would leave it off.
    rateLimit: {
      enabled: true,
      storage: 'database',
      window: 60,
      max: 100,
      customRules: {
        '/sign-in/email': { window: 60, max: 5 },
        '/sign-up/email': { window: 60, max: 3 },
      },
    },
    advanced: {
      useSecureCookies: env.APP_URL.startsWith('https://'),
      cookiePrefix: 'shanhai',
      ipAddress: { ipAddressHeaders: ['cf-connecting-ip'] },
    },
    plugins: [bearer()],
  });
}

export type Auth = ReturnType<typeof createAuth>;
