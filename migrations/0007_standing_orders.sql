CREATE TABLE `standing_order_lines` (
	`id` text PRIMARY KEY NOT NULL,
	`standing_order_id` text NOT NULL,
	`product_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`reference_unit_price_fen` integer NOT NULL,
	`position` integer NOT NULL,
	FOREIGN KEY (`standing_order_id`) REFERENCES `standing_orders`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "standing_order_lines_quantity_positive" CHECK("standing_order_lines"."quantity" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `standing_order_lines_product_uq` ON `standing_order_lines` (`standing_order_id`,`product_id`);--> statement-breakpoint
CREATE INDEX `standing_order_lines_product_idx` ON `standing_order_lines` (`product_id`);--> statement-breakpoint
CREATE TABLE `standing_order_occurrences` (
	`id` text PRIMARY KEY NOT NULL,
	`standing_order_id` text NOT NULL,
	`occurrence_date` text NOT NULL,
	`status` text NOT NULL,
	`order_id` text,
	`approval_id` text,
	`failure_rule` text,
	`failure_detail` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`standing_order_id`) REFERENCES `standing_orders`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "standing_order_occurrences_failure_has_rule" CHECK("standing_order_occurrences"."status" <> 'failed' OR "standing_order_occurrences"."failure_rule" IS NOT NULL)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `standing_order_occurrences_day_uq` ON `standing_order_occurrences` (`standing_order_id`,`occurrence_date`);--> statement-breakpoint
CREATE TABLE `standing_orders` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`created_by_user_id` text NOT NULL,
	`title` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`cadence` text NOT NULL,
	`weekdays` text,
	`month_day` integer,
	`start_date` text NOT NULL,
	`end_date` text,
	`place_from` text NOT NULL,
	`delivery` text NOT NULL,
	`contact` text NOT NULL,
	`payment_method` text NOT NULL,
	`price_tolerance_percent` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organization`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "standing_orders_schedule_shape" CHECK(("standing_orders"."cadence" = 'weekly' AND "standing_orders"."weekdays" IS NOT NULL AND "standing_orders"."month_day" IS NULL) OR ("standing_orders"."cadence" = 'monthly' AND "standing_orders"."month_day" BETWEEN 1 AND 31 AND "standing_orders"."weekdays" IS NULL)),
	CONSTRAINT "standing_orders_tolerance_range" CHECK("standing_orders"."price_tolerance_percent" BETWEEN 0 AND 100),
	CONSTRAINT "standing_orders_dates_ordered" CHECK("standing_orders"."end_date" IS NULL OR "standing_orders"."end_date" >= "standing_orders"."start_date")
);
--> statement-breakpoint
CREATE INDEX `standing_orders_org_idx` ON `standing_orders` (`organization_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `standing_orders_status_idx` ON `standing_orders` (`status`,`place_from`);