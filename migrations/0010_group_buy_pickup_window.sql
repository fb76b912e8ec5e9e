ALTER TABLE `group_buys` ADD `pickup_starts_at` integer;--> statement-breakpoint
ALTER TABLE `group_buys` ADD `pickup_ends_at` integer;