CREATE TABLE `provider_notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`provider` text NOT NULL,
	`kind` text NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `reconciliation_differences` (
	`id` text PRIMARY KEY NOT NULL,
	`run_id` text NOT NULL,
	`provider` text NOT NULL,
	`statement_date` text NOT NULL,
	`kind` text NOT NULL,
	`reference` text NOT NULL,
	`ours_fen` integer,
	`theirs_fen` integer,
	`our_status` text,
	`their_status` text,
	`detected_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `reconciliation_differences_detected_idx` ON `reconciliation_differences` (`detected_at`);--> statement-breakpoint
CREATE TABLE `reconciliation_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`provider` text NOT NULL,
	`statement_date` text NOT NULL,
	`lines` integer NOT NULL,
	`differences` integer NOT NULL,
	`ran_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `payments` ADD `provider_trade_no` text;--> statement-breakpoint
ALTER TABLE `payments` ADD `pay_channel` text;