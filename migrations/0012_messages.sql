CREATE TABLE `message_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`notification_id` text NOT NULL,
	`channel` text NOT NULL,
	`status` text NOT NULL,
	`provider` text NOT NULL,
	`recipient` text NOT NULL,
	`provider_message_id` text,
	`provider_status` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`content` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `message_deliveries_notification_channel_uq` ON `message_deliveries` (`notification_id`,`channel`);--> statement-breakpoint
CREATE INDEX `message_deliveries_provider_idx` ON `message_deliveries` (`provider`,`created_at`);--> statement-breakpoint
CREATE TABLE `message_preferences` (
	`user_id` text PRIMARY KEY NOT NULL,
	`marketing` integer DEFAULT true NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `user` ADD `phone_number` text;--> statement-breakpoint
ALTER TABLE `user` ADD `phone_number_verified` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `user_phoneNumber_unique` ON `user` (`phone_number`);--> statement-breakpoint
ALTER TABLE `notifications` ADD `enqueued_at` integer;--> statement-breakpoint
ALTER TABLE `notifications` ADD `delivered_at` integer;--> statement-breakpoint
CREATE INDEX `notifications_outbox_idx` ON `notifications` (`delivered_at`,`enqueued_at`);--> statement-breakpoint
CREATE INDEX `notifications_phone_idx` ON `notifications` (`phone`);