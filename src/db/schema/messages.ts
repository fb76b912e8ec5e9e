import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/*
 * Delivery of the `notifications` outbox. A notification row is the message; each channel it goes out on
 * (sms, email) gets one delivery record, unique per notification and channel: the consumer claims the record
 * before calling the provider, so a redelivered queue message can never send the same channel twice.
 * The in-app inbox needs no record: the notification row itself is the inbox entry (its `readAt`).
 */

export const MESSAGE_CHANNELS = ['sms', 'email'] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];

/**
 * `sending` claimed by a consumer, provider not yet answered; `retrying` a 5xx/timeout/throttle, the queue
 * redelivers later; `sent` accepted by the provider; `failed` refused for good (bad number, template);
 * `dead` retries exhausted, in the dead-letter queue; `skipped` nothing to send on this channel (no template,
 * quiet hours handled elsewhere, opted out).
 */
export const DELIVERY_STATUSES = ['sending', 'retrying', 'sent', 'failed', 'dead', 'skipped'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const messageDeliveries = sqliteTable(
  'message_deliveries',
  {
    id: text().primaryKey(),
    notificationId: text().notNull(),
    channel: text().$type<MessageChannel>().notNull(),
    status: text().$type<DeliveryStatus>().notNull(),
    /** 'aliyun', 'resend', 'local' (no credentials: kept here for the dev outbox page). */
    provider: text().notNull(),
    recipient: text().notNull(),
    providerMessageId: text(),
    /** Provider's status or error code of the last attempt ('OK', 'isv.BUSINESS_LIMIT_CONTROL', 'http_503'). */
    providerStatus: text(),
    attempts: integer().notNull().default(0),
    /** What was sent: template code and parameters for SMS, subject and text for e-mail. */
    content: text({ mode: 'json' }).$type<Record<string, unknown>>(),
    createdAt: integer().notNull(),
    updatedAt: integer().notNull(),
  },
  (t) => [
    uniqueIndex('message_deliveries_notification_channel_uq').on(t.notificationId, t.channel),
    index('message_deliveries_provider_idx').on(t.provider, t.createdAt),
  ],
);

/** A person's choices. Transactional messages (codes, refunds, pickups) ignore `marketing`. */
export const messagePreferences = sqliteTable('message_preferences', {
  userId: text().primaryKey(),
  marketing: integer({ mode: 'boolean' }).notNull().default(true),
  updatedAt: integer().notNull(),
});
