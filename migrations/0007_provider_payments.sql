CREATE TABLE `provider_notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`provider` text NOT NULL,
	`kind` text NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `payments` ADD `provider_trade_no` text;--> statement-breakpoint
ALTER TABLE `payments` ADD `pay_channel` text;