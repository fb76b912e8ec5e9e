ALTER TABLE `group_buys` ADD `pickup_starts_at` integer;--> statement-breakpoint
ALTER TABLE `group_buys` ADD `pickup_ends_at` integer;--> statement-breakpoint
ALTER TABLE `group_buys` ADD `repeat_weekly` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `group_buys` ADD `repeated_from_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `group_buys_repeated_from_idx` ON `group_buys` (`repeated_from_id`);