import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * WeChat Pay and Alipay notifications already applied (`<provider>:<their id>`); the insert is the
 * first statement of each effect batch, so a redelivered notification rolls its batch back.
 */
export const providerNotifications = sqliteTable('provider_notifications', {
  id: text().primaryKey(),
  provider: text().notNull(),
  kind: text().notNull(),
  receivedAt: integer().notNull(),
});
