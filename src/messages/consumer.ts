/**
 * The delivery queue's consumer. For each notification and each channel (sms, email) it claims a delivery
 * record — insert, or take back one left `retrying` — before calling the provider; a record in any other
 * state means that channel was already handled, so a redelivered message sends nothing twice (at most once
 * per channel). 5xx, timeouts and throttling are retried by the queue with exponential backoff; after the
 * queue's max_retries the message goes to the dead-letter queue, whose consumer marks the records `dead`.
 * Quiet hours (21:00–08:00 Shanghai) hold SMS other than codes until 08:00; e-mail goes at once.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { member, messageDeliveries, notifications, user, type MessageChannel } from '../db/schema';
import { preferencesOf } from './inbox.service';
import { isLocale, type Locale } from '../lib/i18n';
import { newId } from '../lib/ids';
import type { Channels, SendResult } from './channels';
import type { MessageJob, MessageQueue } from './outbox';
import { untilQuietHoursEnd } from './quiet-hours';
import { render, type NotificationRow, type Rendered } from './templates';

/** Addresses made up for phone-only accounts (Better Auth needs an e-mail): never mailed. */
export const PHONE_ACCOUNT_EMAIL_DOMAIN = 'phone.shanhai.invalid';

export type ConsumerContext = { db: Db; channels: Channels; queue: MessageQueue; appUrl: string; now: () => number };

export type Recipients = { phone: string | null; emails: string[]; locale: Locale; userId: string | null };

export function backoffSeconds(attempts: number): number {
  return Math.min(30 * 2 ** Math.max(0, attempts - 1), 600);
}

const mailable = (email: string | null | undefined): email is string => !!email && !email.endsWith(`@${PHONE_ACCOUNT_EMAIL_DOMAIN}`);

export async function recipientsOf(db: Db, row: NotificationRow): Promise<Recipients> {
  const payload = (row.payload ?? {}) as Record<string, unknown>;
  let locale: Locale = isLocale(payload.locale) ? payload.locale : 'zh';
  let phone = row.phone;
  let emails: string[] = [];
  if (row.userId) {
    const person = await db.select({ email: user.email, phoneNumber: user.phoneNumber, phone: user.phone, locale: user.locale }).from(user).where(eq(user.id, row.userId)).get();
    if (person) {
      phone ??= person.phoneNumber ?? person.phone;
      if (mailable(person.email)) emails = [person.email];
      if (isLocale(person.locale)) locale = person.locale;
    }
  } else if (row.organizationId) {
    // An organisation's message goes to its owners; a cooperative run by its clerks alone (staff, no owner
    // account) hears through them, or a settlement paid to it would reach nobody.
    const members = await db
      .select({ email: user.email, locale: user.locale, role: member.role })
      .from(member)
      .innerJoin(user, eq(user.id, member.userId))
      .where(eq(member.organizationId, row.organizationId))
      .orderBy(sql`${member.role} <> 'owner'`, member.createdAt)
      .limit(50);
    const owners = members.some((m) => m.role === 'owner') ? members.filter((m) => m.role === 'owner').slice(0, 20) : members.slice(0, 20);
    emails = owners.map((o) => o.email).filter(mailable);
    if (owners[0] && isLocale(owners[0].locale)) locale = owners[0].locale;
  }
  if (row.kind === 'invitation.email' && typeof payload.to === 'string') emails = [payload.to];
  return { phone, emails, locale, userId: row.userId };
}

type ChannelOutcome = 'done' | 'retry' | { deferMs: number };

/** Claims the (notification, channel) record: true when this consumer may send. */
async function claim(ctx: ConsumerContext, notificationId: string, channel: MessageChannel, provider: string, recipient: string, content: Record<string, unknown>): Promise<boolean> {
  const now = ctx.now();
  const claimed = await ctx.db
    .insert(messageDeliveries)
    .values({ id: newId('dlv'), notificationId, channel, status: 'sending', provider, recipient, attempts: 1, content, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: [messageDeliveries.notificationId, messageDeliveries.channel],
      set: { status: 'sending', attempts: sql`${messageDeliveries.attempts} + 1`, updatedAt: now },
      setWhere: sql`${messageDeliveries.status} = 'retrying'`,
    })
    .returning({ id: messageDeliveries.id });
  return claimed.length === 1;
}

async function record(ctx: ConsumerContext, notificationId: string, channel: MessageChannel, result: SendResult | { outcome: 'skipped'; providerStatus: string }) {
  const status = result.outcome === 'retry' ? 'retrying' : result.outcome;
  await ctx.db
    .update(messageDeliveries)
    .set({ status, providerStatus: result.providerStatus, providerMessageId: result.outcome === 'sent' ? result.providerMessageId : null, updatedAt: ctx.now() })
    .where(and(eq(messageDeliveries.notificationId, notificationId), eq(messageDeliveries.channel, channel)));
}

/** What is kept of a message: all of it for the local outbox; no codes or links for a real provider. */
function kept(provider: string, content: Record<string, unknown>, urgent: boolean): Record<string, unknown> {
  if (provider === 'local' || !urgent) return content;
  const { templateCode, subject } = content;
  return { templateCode, subject, redacted: true };
}

async function deliverSms(ctx: ConsumerContext, row: NotificationRow, to: Recipients, rendered: Rendered): Promise<ChannelOutcome> {
  if (!to.phone || !rendered.sms) return 'done';
  if (!rendered.urgent) {
    const wait = untilQuietHoursEnd(ctx.now());
    if (wait > 0) return { deferMs: wait };
  }
  const { sms } = ctx.channels;
  const templateCode = sms.templateCode(rendered.sms.key);
  const content = { templateCode: templateCode ?? rendered.sms.key, params: rendered.sms.params };
  if (!(await claim(ctx, row.id, 'sms', sms.provider, to.phone, kept(sms.provider, content, rendered.urgent)))) return 'done';
  if (!templateCode) {
    await record(ctx, row.id, 'sms', { outcome: 'skipped', providerStatus: 'no_template_code' });
    return 'done';
  }
  const result = await sms.send({ to: to.phone, templateCode, params: rendered.sms.params, reference: `${row.id}-sms` });
  await record(ctx, row.id, 'sms', result);
  return result.outcome === 'retry' ? 'retry' : 'done';
}

async function deliverEmail(ctx: ConsumerContext, row: NotificationRow, to: Recipients, rendered: Rendered): Promise<ChannelOutcome> {
  if (to.emails.length === 0 || !rendered.email) return 'done';
  const { email } = ctx.channels;
  const content = { to: to.emails, subject: rendered.email.subject, text: rendered.email.text };
  if (!(await claim(ctx, row.id, 'email', email.provider, to.emails.join(','), kept(email.provider, content, rendered.urgent)))) return 'done';
  const result = await email.send({ to: to.emails, subject: rendered.email.subject, text: rendered.email.text, reference: `${row.id}-email` });
  await record(ctx, row.id, 'email', result);
  return result.outcome === 'retry' ? 'retry' : 'done';
}

async function optedOut(db: Db, userId: string | null): Promise<boolean> {
  return userId !== null && !(await preferencesOf(db, userId)).marketing;
}

/** Handles one queue message; returns what the queue should do with it. */
export async function deliverNotification(ctx: ConsumerContext, job: MessageJob): Promise<{ action: 'ack' } | { action: 'retry'; delaySeconds: number } | { action: 'defer'; delaySeconds: number }> {
  const row = await ctx.db.select().from(notifications).where(eq(notifications.id, job.notificationId)).get();
  if (!row || (row.deliveredAt !== null && !job.only)) return { action: 'ack' };
  const to = await recipientsOf(ctx.db, row);
  const rendered = render(row, to.locale, ctx.appUrl);
  const channels = job.only ?? (['sms', 'email'] as const);
  const outcomes: ChannelOutcome[] = [];
  if (!(rendered.marketing && (await optedOut(ctx.db, to.userId)))) {
    for (const channel of channels) {
      outcomes.push(channel === 'sms' ? await deliverSms(ctx, row, to, rendered) : await deliverEmail(ctx, row, to, rendered));
    }
  }
  const now = ctx.now();
  if (outcomes.includes('retry')) return { action: 'retry', delaySeconds: 0 };
  const deferred = outcomes.find((o): o is { deferMs: number } => typeof o === 'object');
  if (deferred) {
    const delaySeconds = Math.ceil(deferred.deferMs / 1000);
    // Due later: enqueued_at is the due time, so the sweep does not count the row as stranded meanwhile.
    await ctx.db.update(notifications).set({ enqueuedAt: now + deferred.deferMs }).where(eq(notifications.id, row.id));
    await ctx.queue.sendBatch([{ body: { notificationId: row.id, only: ['sms'] }, delaySeconds }]);
    return { action: 'defer', delaySeconds };
  }
  await ctx.db.update(notifications).set({ deliveredAt: now }).where(eq(notifications.id, row.id));
  return { action: 'ack' };
}

/** The queue handler for the delivery queue. */
export async function consumeMessages(ctx: ConsumerContext, batch: MessageBatch<MessageJob>): Promise<void> {
  for (const message of batch.messages) {
    try {
      const result = await deliverNotification(ctx, message.body);
      if (result.action === 'retry') {
        const delaySeconds = backoffSeconds(message.attempts);
        await ctx.db.update(notifications).set({ enqueuedAt: ctx.now() + delaySeconds * 1000 }).where(eq(notifications.id, message.body.notificationId));
        message.retry({ delaySeconds });
      } else message.ack();
    } catch (error) {
      console.error('message delivery failed', message.body.notificationId, error);
      message.retry({ delaySeconds: backoffSeconds(message.attempts) });
    }
  }
}

/** The dead-letter queue's handler: retries are exhausted; record it and stop the sweep from re-sending. */
export async function consumeDeadLetters(db: Db, batch: MessageBatch<MessageJob>, now: number): Promise<void> {
  const ids = batch.messages.map((m) => m.body.notificationId);
  if (ids.length > 0) {
    await db.batch([
      db.update(messageDeliveries).set({ status: 'dead', updatedAt: now }).where(and(inArray(messageDeliveries.notificationId, ids), eq(messageDeliveries.status, 'retrying'))),
      db.update(notifications).set({ deliveredAt: now }).where(inArray(notifications.id, ids)),
    ]);
  }
  batch.ackAll();
}
