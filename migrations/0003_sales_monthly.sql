CREATE TABLE `impact_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sales_monthly` (
	`month` text NOT NULL,
	`cooperative_id` text NOT NULL,
	`county_id` text NOT NULL,
	`district_id` text DEFAULT '' NOT NULL,
	`category` text NOT NULL,
	`sales_fen` integer DEFAULT 0 NOT NULL,
	`refunds_fen` integer DEFAULT 0 NOT NULL,
	`orders` integer DEFAULT 0 NOT NULL,
	`category_orders` integer DEFAULT 0 NOT NULL,
	`units` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`month`, `cooperative_id`, `category`)
);
--> statement-breakpoint
CREATE INDEX `sales_monthly_county_idx` ON `sales_monthly` (`county_id`,`month`);--> statement-breakpoint
CREATE INDEX `sales_monthly_district_idx` ON `sales_monthly` (`district_id`,`month`);