-- Custom (drizzle-kit cannot generate data changes): notifications written before delivery existed were
-- never meant to be sent; mark them delivered so the first outbox sweep does not text or mail history.
UPDATE `notifications` SET `enqueued_at` = `created_at`, `delivered_at` = `created_at` WHERE `delivered_at` IS NULL;
