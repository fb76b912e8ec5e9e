/**
 * Phone sign-in for residents and participants, through Better Auth's phone-number plugin: a 6-digit code
 * that expires after 5 minutes, is spent by its first correct use and allows 3 wrong tries (the plugin's own
 * rules); codes are limited per number (OTP_LIMITER binding) and per IP (Better Auth's limiter, custom rules
 * in auth.ts). Codes, reset links and verification mails are notifications like any other: written to the
 * outbox and sent by the delivery queue (src/messages), so no provider is called inside the request.
 * Once a number is verified, that phone's earlier group-buy joins and their messages attach to the account
 * ("找回我的参团"): never before, since an unverified number proves nothing.
 */
import { APIError } from 'better-auth/api';
import { and, eq, isNull, notLike } from 'drizzle-orm';
import type { Db } from '../db/client';
import { groupBuyParticipants, notifications } from '../db/schema';
import type { Bindings } from '../env';
import { newId } from '../lib/ids';
import { PHONE_ACCOUNT_EMAIL_DOMAIN } from '../messages';

export const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;

type AuthMessage =
  | { kind: 'auth.sign_in_code' | 'auth.password_reset_code'; phone: string; code: string }
  | { kind: 'auth.password_reset_link' | 'auth.verify_email'; userId: string; link: string };

const TITLES: Record<AuthMessage['kind'], { zh: string; en: string }> = {
  'auth.sign_in_code': { zh: '山海登录验证码', en: 'Your Shanhai sign-in code' },
  'auth.password_reset_code': { zh: '山海重置密码验证码', en: 'Your Shanhai password reset code' },
  'auth.password_reset_link': { zh: '重置山海账户密码', en: 'Reset your Shanhai password' },
  'auth.verify_email': { zh: '请验证您的邮箱', en: 'Please confirm your e-mail address' },
};

/** Writes the message to the outbox; the app's relay enqueues it when the request ends. */
export async function queueAuthMessage(db: Db, message: AuthMessage, now = Date.now()): Promise<void> {
  const title = TITLES[message.kind];
  await db.insert(notifications).values({
    id: newId('ntf'),
    kind: message.kind,
    phone: 'phone' in message ? message.phone : null,
    userId: 'userId' in message ? message.userId : null,
    titleZh: title.zh,
    titleEn: title.en,
    payload: 'code' in message ? { code: message.code } : { link: message.link },
    createdAt: now,
  });
}

/** Per-number limit, checked before a code is generated (so a refused request leaves the last code valid). */
export async function limitCodesPerNumber(env: Bindings, phoneNumber: unknown): Promise<void> {
  if (typeof phoneNumber !== 'string' || !env.OTP_LIMITER) return;
  const { success } = await env.OTP_LIMITER.limit({ key: `otp:${phoneNumber}` });
  if (!success) throw new APIError('TOO_MANY_REQUESTS', { message: 'Too many codes for this number; try again in a minute', code: 'OTP_RATE_LIMITED' });
}

/** The verified phone's guest joins (and the messages about them) become the account's. */
export async function attachPastJoins(db: Db, userId: string, phoneNumber: string): Promise<void> {
  await db.batch([
    db.update(groupBuyParticipants).set({ userId }).where(and(eq(groupBuyParticipants.phone, phoneNumber), isNull(groupBuyParticipants.userId))),
    db.update(notifications).set({ userId }).where(and(eq(notifications.phone, phoneNumber), isNull(notifications.userId), notLike(notifications.kind, 'auth.%'))),
  ]);
}

export const phoneAccountEmail = (phoneNumber: string) => `${phoneNumber}@${PHONE_ACCOUNT_EMAIL_DOMAIN}`;
