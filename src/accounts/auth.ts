import { betterAuth } from 'better-auth/minimal';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { APIError, createAuthMiddleware } from 'better-auth/api';
import { bearer } from 'better-auth/plugins';
import { phoneNumber } from 'better-auth/plugins/phone-number';
import type { Bindings } from '../env';
import { configuredOrigins, isTrustedOrigin } from '../lib/origins';
import { textField } from '../lib/text';
import type { Db } from '../db/client';
import { account, rateLimit, session, user, verification } from '../db/schema';
import { hashPassword, verifyPassword } from './password';

/** Sign-up and profile names: trimmed, NFC, no control characters, 1–100 characters. */
const PERSON_NAME = textField({ min: 1, max: 100 });
import { attachPastJoins, limitCodesPerNumber, MAINLAND_MOBILE, phoneAccountEmail, queueAuthMessage } from './phone-sign-in';

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
      resetPasswordTokenExpiresIn: 60 * 60,
      sendResetPassword: ({ user, url }) => queueAuthMessage(db, { kind: 'auth.password_reset_link', userId: user.id, link: url }),
    },
    // Staff sign up by e-mail: each gets a verification link (sent by the delivery queue).
    emailVerification: {
      sendOnSignUp: true,
      autoSignInAfterVerification: true,
      sendVerificationEmail: ({ user, url }) => queueAuthMessage(db, { kind: 'auth.verify_email', userId: user.id, link: url }),
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path === '/phone-number/send-otp' || ctx.path === '/phone-number/request-password-reset') await limitCodesPerNumber(env, ctx.body?.phoneNumber);
        // A person's name goes on pick lists, invoices and SMS: the same text rules as every other name.
        if ((ctx.path === '/sign-up/email' || ctx.path === '/update-user') && ctx.body && 'name' in ctx.body) {
          const name = PERSON_NAME.safeParse(ctx.body.name);
          if (!name.success) {
            const rule = name.error.issues.some((issue) => (issue as { params?: { rule?: string } }).params?.rule) ? 'CONTROL_CHARACTERS' : 'INVALID_NAME';
            throw new APIError('BAD_REQUEST', { code: rule, message: name.error.issues[0]?.message ?? 'Invalid name' });
          }
          return { context: { ...ctx, body: { ...ctx.body, name: name.data } } };
        }
      }),
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
        // Per IP; per number is OTP_LIMITER (phone-sign-in.ts).
        '/phone-number/send-otp': { window: 60, max: 5 },
        '/phone-number/verify': { window: 60, max: 10 },
        '/phone-number/request-password-reset': { window: 60, max: 5 },
        '/request-password-reset': { window: 60, max: 5 },
      },
    },
    advanced: {
      useSecureCookies: env.APP_URL.startsWith('https://'),
      cookiePrefix: 'shanhai',
      ipAddress: { ipAddressHeaders: ['cf-connecting-ip'] },
    },
    plugins: [
      bearer(),
      phoneNumber({
        otpLength: 6,
        expiresIn: 300,
        allowedAttempts: 3,
        phoneNumberValidator: (value) => MAINLAND_MOBILE.test(value),
        sendOTP: ({ phoneNumber: phone, code }) => queueAuthMessage(db, { kind: 'auth.sign_in_code', phone, code }),
        sendPasswordResetOTP: ({ phoneNumber: phone, code }) => queueAuthMessage(db, { kind: 'auth.password_reset_code', phone, code }),
        // A resident's first sign-in creates the account; Better Auth needs an e-mail, never mailed.
        signUpOnVerification: { getTempEmail: phoneAccountEmail, getTempName: (phone) => `${phone.slice(0, 3)}****${phone.slice(-4)}` },
        callbackOnVerification: ({ phoneNumber: phone, user }) => attachPastJoins(db, user.id, phone),
      }),
    ],
  });
}

export type Auth = ReturnType<typeof createAuth>;
