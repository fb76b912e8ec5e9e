CREATE TABLE `account` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`provider_id` text NOT NULL,
	`user_id` text NOT NULL,
	`access_token` text,
	`refresh_token` text,
	`id_token` text,
	`access_token_expires_at` integer,
	`refresh_token_expires_at` integer,
	`scope` text,
	`password` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `account_user_id_idx` ON `account` (`user_id`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` text PRIMARY KEY NOT NULL,
	`actor_user_id` text,
	`actor_label` text,
	`action` text NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text NOT NULL,
	`organization_id` text,
	`before` text,
	`after` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_log_created_idx` ON `audit_log` (`created_at`);--> statement-breakpoint
CREATE INDEX `audit_log_entity_idx` ON `audit_log` (`entity_type`,`entity_id`);--> statement-breakpoint
CREATE INDEX `audit_log_actor_idx` ON `audit_log` (`actor_user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `audit_log_action_idx` ON `audit_log` (`action`,`created_at`);--> statement-breakpoint
CREATE TABLE `delivery_locations` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`label` text NOT NULL,
	`recipient` text NOT NULL,
	`phone` text NOT NULL,
	`district_id` text NOT NULL,
	`street` text NOT NULL,
	`receiving_hours` text,
	`is_default` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organization`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `delivery_locations_org_idx` ON `delivery_locations` (`organization_id`);--> statement-breakpoint
CREATE TABLE `invitation` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`email` text NOT NULL,
	`role` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`expires_at` integer NOT NULL,
	`inviter_id` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organization`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`inviter_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `invitation_org_idx` ON `invitation` (`organization_id`);--> statement-breakpoint
CREATE INDEX `invitation_email_idx` ON `invitation` (`email`);--> statement-breakpoint
CREATE TABLE `member` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`user_id` text NOT NULL,
	`role` text DEFAULT 'member' NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`per_order_limit_fen` integer,
	FOREIGN KEY (`organization_id`) REFERENCES `organization`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `member_org_user_idx` ON `member` (`organization_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `member_user_idx` ON `member` (`user_id`);--> statement-breakpoint
CREATE TABLE `organization` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`slug` text NOT NULL,
	`logo` text,
	`metadata` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`kind` text DEFAULT 'canteen' NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`name_en` text,
	`contact_phone` text,
	`county_id` text,
	`certification_no` text,
	`households_benefited` integer DEFAULT 0 NOT NULL,
	`story_zh` text,
	`story_en` text,
	`shipping_flat_fee_fen` integer DEFAULT 0 NOT NULL,
	`free_shipping_above_fen` integer,
	`invoice_title` text,
	`tax_id` text,
	`annual_target_fen` integer DEFAULT 0 NOT NULL,
	`payment_terms_days` integer DEFAULT 0 NOT NULL,
	`credit_limit_fen` integer DEFAULT 0 NOT NULL,
	`pickup_address` text,
	`district_id` text,
	`verified_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `organization_slug_unique` ON `organization` (`slug`);--> statement-breakpoint
CREATE INDEX `organization_kind_status_idx` ON `organization` (`kind`,`status`);--> statement-breakpoint
CREATE INDEX `organization_county_idx` ON `organization` (`county_id`);--> statement-breakpoint
CREATE TABLE `rate_limit` (
	`id` text PRIMARY KEY NOT NULL,
	`key` text NOT NULL,
	`count` integer NOT NULL,
	`last_request` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rate_limit_key_unique` ON `rate_limit` (`key`);--> statement-breakpoint
CREATE TABLE `session` (
	`id` text PRIMARY KEY NOT NULL,
	`expires_at` integer NOT NULL,
	`token` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`ip_address` text,
	`user_agent` text,
	`user_id` text NOT NULL,
	`active_organization_id` text,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `session_token_unique` ON `session` (`token`);--> statement-breakpoint
CREATE INDEX `session_user_id_idx` ON `session` (`user_id`);--> statement-breakpoint
CREATE TABLE `user` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`email` text NOT NULL,
	`email_verified` integer DEFAULT false NOT NULL,
	`image` text,
	`platform_role` text DEFAULT 'user' NOT NULL,
	`phone` text,
	`locale` text DEFAULT 'zh' NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `user_email_unique` ON `user` (`email`);--> statement-breakpoint
CREATE TABLE `verification` (
	`id` text PRIMARY KEY NOT NULL,
	`identifier` text NOT NULL,
	`value` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `verification_identifier_idx` ON `verification` (`identifier`);--> statement-breakpoint
CREATE TABLE `counties` (
	`id` text PRIMARY KEY NOT NULL,
	`name_zh` text NOT NULL,
	`name_en` text NOT NULL,
	`prefecture_zh` text NOT NULL,
	`prefecture_en` text NOT NULL,
	`province_zh` text NOT NULL,
	`province_en` text NOT NULL,
	`district_id` text,
	`pairing_kind` text NOT NULL,
	`summary_zh` text DEFAULT '' NOT NULL,
	`summary_en` text DEFAULT '' NOT NULL,
	FOREIGN KEY (`district_id`) REFERENCES `districts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `counties_district_idx` ON `counties` (`district_id`);--> statement-breakpoint
CREATE TABLE `districts` (
	`id` text PRIMARY KEY NOT NULL,
	`name_zh` text NOT NULL,
	`name_en` text NOT NULL,
	`pairing_note_zh` text DEFAULT '' NOT NULL,
	`pairing_note_en` text DEFAULT '' NOT NULL,
	`sort_order` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `product_images` (
	`id` text PRIMARY KEY NOT NULL,
	`product_id` text NOT NULL,
	`r2_key` text NOT NULL,
	`content_type` text NOT NULL,
	`byte_size` integer NOT NULL,
	`etag` text NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `product_images_r2Key_unique` ON `product_images` (`r2_key`);--> statement-breakpoint
CREATE INDEX `product_images_product_idx` ON `product_images` (`product_id`,`position`);--> statement-breakpoint
CREATE TABLE `products` (
	`id` text PRIMARY KEY NOT NULL,
	`sku` text NOT NULL,
	`cooperative_id` text NOT NULL,
	`county_id` text NOT NULL,
	`category` text NOT NULL,
	`name_zh` text NOT NULL,
	`name_en` text NOT NULL,
	`description_zh` text DEFAULT '' NOT NULL,
	`description_en` text DEFAULT '' NOT NULL,
	`unit_zh` text NOT NULL,
	`unit_en` text NOT NULL,
	`spec_zh` text DEFAULT '' NOT NULL,
	`spec_en` text DEFAULT '' NOT NULL,
	`unit_price_fen` integer NOT NULL,
	`price_tiers` text DEFAULT '[]' NOT NULL,
	`min_order_quantity` integer DEFAULT 1 NOT NULL,
	`order_step` integer DEFAULT 1 NOT NULL,
	`stock` integer DEFAULT 0 NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`shelf_life_days` integer,
	`storage_zh` text DEFAULT '' NOT NULL,
	`storage_en` text DEFAULT '' NOT NULL,
	`certification_no` text,
	`featured` integer DEFAULT false NOT NULL,
	`sold_count` integer DEFAULT 0 NOT NULL,
	`image_key` text,
	`search_tokens` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`cooperative_id`) REFERENCES `organization`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`county_id`) REFERENCES `counties`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "products_stock_non_negative" CHECK("products"."stock" >= 0),
	CONSTRAINT "products_price_positive" CHECK("products"."unit_price_fen" > 0),
	CONSTRAINT "products_moq_positive" CHECK("products"."min_order_quantity" >= 1),
	CONSTRAINT "products_step_positive" CHECK("products"."order_step" >= 1)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `products_sku_unique` ON `products` (`sku`);--> statement-breakpoint
CREATE INDEX `products_status_created_idx` ON `products` (`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `products_status_price_idx` ON `products` (`status`,`unit_price_fen`,`id`);--> statement-breakpoint
CREATE INDEX `products_status_sold_idx` ON `products` (`status`,`sold_count`,`id`);--> statement-breakpoint
CREATE INDEX `products_category_idx` ON `products` (`category`,`status`);--> statement-breakpoint
CREATE INDEX `products_county_idx` ON `products` (`county_id`,`status`);--> statement-breakpoint
CREATE INDEX `products_cooperative_idx` ON `products` (`cooperative_id`,`status`);--> statement-breakpoint
CREATE TABLE `stock_adjustments` (
	`id` text PRIMARY KEY NOT NULL,
	`product_id` text NOT NULL,
	`delta` integer NOT NULL,
	`reason` text NOT NULL,
	`actor_user_id` text,
	`stock_after` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `stock_adjustments_product_idx` ON `stock_adjustments` (`product_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `cart_items` (
	`cart_id` text NOT NULL,
	`product_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`added_at` integer NOT NULL,
	PRIMARY KEY(`cart_id`, `product_id`),
	FOREIGN KEY (`cart_id`) REFERENCES `carts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "cart_items_quantity_positive" CHECK("cart_items"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE `carts` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `carts_user_idx` ON `carts` (`user_id`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`scope` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`resource_id` text NOT NULL,
	`response_status` integer NOT NULL,
	`response_body` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`scope`, `key`)
);
--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text,
	`user_id` text,
	`phone` text,
	`kind` text NOT NULL,
	`title_zh` text NOT NULL,
	`title_en` text NOT NULL,
	`payload` text,
	`read_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `notifications_org_idx` ON `notifications` (`organization_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `notifications_user_idx` ON `notifications` (`user_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `order_lines` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`shipment_id` text NOT NULL,
	`product_id` text NOT NULL,
	`cooperative_id` text NOT NULL,
	`county_id` text NOT NULL,
	`category` text NOT NULL,
	`sku` text NOT NULL,
	`name_zh` text NOT NULL,
	`name_en` text NOT NULL,
	`quantity` integer NOT NULL,
	`unit_price_fen` integer NOT NULL,
	`line_total_fen` integer NOT NULL,
	`price_source` text NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "order_lines_quantity_positive" CHECK("order_lines"."quantity" > 0)
);
--> statement-breakpoint
CREATE INDEX `order_lines_order_idx` ON `order_lines` (`order_id`);--> statement-breakpoint
CREATE INDEX `order_lines_product_idx` ON `order_lines` (`product_id`);--> statement-breakpoint
CREATE TABLE `orders` (
	`id` text PRIMARY KEY NOT NULL,
	`access_token` text NOT NULL,
	`buyer_user_id` text,
	`organization_id` text,
	`status` text NOT NULL,
	`payment_method` text NOT NULL,
	`subtotal_fen` integer NOT NULL,
	`shipping_fen` integer DEFAULT 0 NOT NULL,
	`total_fen` integer NOT NULL,
	`refunded_fen` integer DEFAULT 0 NOT NULL,
	`delivery_method` text NOT NULL,
	`recipient` text,
	`recipient_phone` text,
	`ship_district_id` text,
	`ship_street` text,
	`delivery_location_id` text,
	`pickup_organization_id` text,
	`contact_name` text NOT NULL,
	`contact_phone` text NOT NULL,
	`contact_email` text,
	`note` text,
	`payment_due_at` integer,
	`paid_at` integer,
	`cancelled_at` integer,
	`cancel_reason` text,
	`invoice_due_at` integer,
	`invoice_status` text,
	`fapiao_title` text,
	`fapiao_tax_id` text,
	`fapiao_requested_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`buyer_user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`organization_id`) REFERENCES `organization`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`pickup_organization_id`) REFERENCES `organization`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "orders_refund_within_total" CHECK("orders"."refunded_fen" >= 0 AND "orders"."refunded_fen" <= "orders"."total_fen")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `orders_accessToken_unique` ON `orders` (`access_token`);--> statement-breakpoint
CREATE INDEX `orders_buyer_idx` ON `orders` (`buyer_user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `orders_org_idx` ON `orders` (`organization_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `orders_status_due_idx` ON `orders` (`status`,`payment_due_at`);--> statement-breakpoint
CREATE INDEX `orders_invoice_due_idx` ON `orders` (`invoice_status`,`invoice_due_at`);--> statement-breakpoint
CREATE INDEX `orders_created_idx` ON `orders` (`created_at`);--> statement-breakpoint
CREATE TABLE `payments` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text,
	`participant_id` text,
	`method` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`amount_fen` integer NOT NULL,
	`refunded_fen` integer DEFAULT 0 NOT NULL,
	`stripe_checkout_session_id` text,
	`stripe_payment_intent_id` text,
	`stripe_payment_method_type` text,
	`checkout_url` text,
	`expires_at` integer,
	`paid_at` integer,
	`confirmed_by_user_id` text,
	`bank_reference` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "payments_refund_within_amount" CHECK("payments"."refunded_fen" >= 0 AND "payments"."refunded_fen" <= "payments"."amount_fen")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payments_stripeCheckoutSessionId_unique` ON `payments` (`stripe_checkout_session_id`);--> statement-breakpoint
CREATE INDEX `payments_order_idx` ON `payments` (`order_id`);--> statement-breakpoint
CREATE INDEX `payments_participant_idx` ON `payments` (`participant_id`);--> statement-breakpoint
CREATE INDEX `payments_status_idx` ON `payments` (`status`,`method`);--> statement-breakpoint
CREATE INDEX `payments_intent_idx` ON `payments` (`stripe_payment_intent_id`);--> statement-breakpoint
CREATE TABLE `refunds` (
	`id` text PRIMARY KEY NOT NULL,
	`payment_id` text NOT NULL,
	`order_id` text,
	`participant_id` text,
	`amount_fen` integer NOT NULL,
	`reason` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`idempotency_key` text NOT NULL,
	`stripe_refund_id` text,
	`created_by_user_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`payment_id`) REFERENCES `payments`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "refunds_amount_positive" CHECK("refunds"."amount_fen" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `refunds_idempotencyKey_unique` ON `refunds` (`idempotency_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `refunds_stripeRefundId_unique` ON `refunds` (`stripe_refund_id`);--> statement-breakpoint
CREATE INDEX `refunds_payment_idx` ON `refunds` (`payment_id`);--> statement-breakpoint
CREATE INDEX `refunds_order_idx` ON `refunds` (`order_id`);--> statement-breakpoint
CREATE INDEX `refunds_created_idx` ON `refunds` (`created_at`);--> statement-breakpoint
CREATE TABLE `shipment_items` (
	`id` text PRIMARY KEY NOT NULL,
	`shipment_id` text NOT NULL,
	`product_id` text NOT NULL,
	`sku` text NOT NULL,
	`name_zh` text NOT NULL,
	`name_en` text NOT NULL,
	`quantity` integer NOT NULL,
	`unit_price_fen` integer NOT NULL,
	`line_total_fen` integer NOT NULL,
	FOREIGN KEY (`shipment_id`) REFERENCES `shipments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `shipment_items_shipment_idx` ON `shipment_items` (`shipment_id`);--> statement-breakpoint
CREATE TABLE `shipments` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text,
	`group_buy_id` text,
	`cooperative_id` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`released` integer DEFAULT false NOT NULL,
	`delivery_method` text NOT NULL,
	`pickup_organization_id` text,
	`recipient` text,
	`recipient_phone` text,
	`ship_district_id` text,
	`ship_street` text,
	`subtotal_fen` integer NOT NULL,
	`shipping_fen` integer DEFAULT 0 NOT NULL,
	`carrier` text,
	`tracking_number` text,
	`accepted_at` integer,
	`shipped_at` integer,
	`delivered_at` integer,
	`receipt_confirmed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`cooperative_id`) REFERENCES `organization`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `shipments_coop_status_idx` ON `shipments` (`cooperative_id`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `shipments_order_idx` ON `shipments` (`order_id`);--> statement-breakpoint
CREATE INDEX `shipments_group_buy_idx` ON `shipments` (`group_buy_id`);--> statement-breakpoint
CREATE INDEX `shipments_status_shipped_idx` ON `shipments` (`status`,`shipped_at`);--> statement-breakpoint
CREATE TABLE `stripe_events` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `group_buy_items` (
	`id` text PRIMARY KEY NOT NULL,
	`group_buy_id` text NOT NULL,
	`product_id` text NOT NULL,
	`unit_price_fen` integer NOT NULL,
	`max_quantity` integer,
	`sold_quantity` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`group_buy_id`) REFERENCES `group_buys`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "group_buy_items_cap_respected" CHECK("group_buy_items"."max_quantity" IS NULL OR "group_buy_items"."sold_quantity" <= "group_buy_items"."max_quantity"),
	CONSTRAINT "group_buy_items_sold_non_negative" CHECK("group_buy_items"."sold_quantity" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `group_buy_items_product_idx` ON `group_buy_items` (`group_buy_id`,`product_id`);--> statement-breakpoint
CREATE TABLE `group_buy_participant_items` (
	`id` text PRIMARY KEY NOT NULL,
	`participant_id` text NOT NULL,
	`group_buy_item_id` text NOT NULL,
	`product_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`picked_up_quantity` integer DEFAULT 0 NOT NULL,
	`unit_price_fen` integer NOT NULL,
	`line_total_fen` integer NOT NULL,
	FOREIGN KEY (`participant_id`) REFERENCES `group_buy_participants`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "gb_participant_items_quantity_positive" CHECK("group_buy_participant_items"."quantity" > 0),
	CONSTRAINT "gb_participant_items_pickup_within_quantity" CHECK("group_buy_participant_items"."picked_up_quantity" >= 0 AND "group_buy_participant_items"."picked_up_quantity" <= "group_buy_participant_items"."quantity")
);
--> statement-breakpoint
CREATE INDEX `gb_participant_items_participant_idx` ON `group_buy_participant_items` (`participant_id`);--> statement-breakpoint
CREATE TABLE `group_buy_participants` (
	`id` text PRIMARY KEY NOT NULL,
	`group_buy_id` text NOT NULL,
	`user_id` text,
	`name` text NOT NULL,
	`phone` text NOT NULL,
	`pickup_code` text NOT NULL,
	`access_token` text NOT NULL,
	`status` text NOT NULL,
	`payment_method` text NOT NULL,
	`total_fen` integer NOT NULL,
	`paid_at` integer,
	`picked_up_at` integer,
	`cancelled_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`group_buy_id`) REFERENCES `group_buys`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `group_buy_participants_accessToken_unique` ON `group_buy_participants` (`access_token`);--> statement-breakpoint
CREATE UNIQUE INDEX `group_buy_participants_code_idx` ON `group_buy_participants` (`group_buy_id`,`pickup_code`);--> statement-breakpoint
CREATE INDEX `group_buy_participants_status_idx` ON `group_buy_participants` (`group_buy_id`,`status`);--> statement-breakpoint
CREATE TABLE `group_buys` (
	`id` text PRIMARY KEY NOT NULL,
	`short_code` text NOT NULL,
	`organizer_organization_id` text NOT NULL,
	`created_by_user_id` text NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`pickup_organization_id` text NOT NULL,
	`closes_at` integer NOT NULL,
	`min_participants` integer,
	`min_quantity` integer,
	`capacity` integer,
	`status` text DEFAULT 'open' NOT NULL,
	`participants_count` integer DEFAULT 0 NOT NULL,
	`quantity_total` integer DEFAULT 0 NOT NULL,
	`closed_at` integer,
	`closed_reason` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`organizer_organization_id`) REFERENCES `organization`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`pickup_organization_id`) REFERENCES `organization`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "group_buys_capacity_respected" CHECK("group_buys"."capacity" IS NULL OR "group_buys"."participants_count" <= "group_buys"."capacity")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `group_buys_shortCode_unique` ON `group_buys` (`short_code`);--> statement-breakpoint
CREATE INDEX `group_buys_status_closes_idx` ON `group_buys` (`status`,`closes_at`);--> statement-breakpoint
CREATE INDEX `group_buys_organizer_idx` ON `group_buys` (`organizer_organization_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `group_buys_pickup_idx` ON `group_buys` (`pickup_organization_id`,`status`);--> statement-breakpoint
CREATE TABLE `price_list_entries` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`product_id` text NOT NULL,
	`unit_price_fen` integer NOT NULL,
	`valid_from` integer NOT NULL,
	`valid_to` integer,
	`created_by_user_id` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organization`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "price_list_entries_price_positive" CHECK("price_list_entries"."unit_price_fen" > 0)
);
--> statement-breakpoint
CREATE INDEX `price_list_entries_org_product_idx` ON `price_list_entries` (`organization_id`,`product_id`,`valid_from`);--> statement-breakpoint
CREATE TABLE `purchase_approvals` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`requested_by_user_id` text NOT NULL,
	`request` text NOT NULL,
	`total_fen` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`decided_by_user_id` text,
	`decision_reason` text,
	`order_id` text,
	`created_at` integer NOT NULL,
	`decided_at` integer,
	FOREIGN KEY (`organization_id`) REFERENCES `organization`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `purchase_approvals_org_status_idx` ON `purchase_approvals` (`organization_id`,`status`,`created_at`);--> statement-breakpoint
CREATE TABLE `platform_settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `settlement_lines` (
	`id` text PRIMARY KEY NOT NULL,
	`settlement_id` text NOT NULL,
	`kind` text NOT NULL,
	`shipment_id` text,
	`refund_id` text,
	`beneficiary_organization_id` text,
	`amount_fen` integer NOT NULL,
	`description` text NOT NULL,
	FOREIGN KEY (`settlement_id`) REFERENCES `settlements`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `settlement_lines_settlement_idx` ON `settlement_lines` (`settlement_id`);--> statement-breakpoint
CREATE INDEX `settlement_lines_shipment_idx` ON `settlement_lines` (`shipment_id`);--> statement-breakpoint
CREATE INDEX `settlement_lines_refund_idx` ON `settlement_lines` (`refund_id`);--> statement-breakpoint
CREATE TABLE `settlements` (
	`id` text PRIMARY KEY NOT NULL,
	`cooperative_id` text NOT NULL,
	`period_start` integer NOT NULL,
	`period_end` integer NOT NULL,
	`gross_fen` integer NOT NULL,
	`refunds_fen` integer NOT NULL,
	`fee_fen` integer NOT NULL,
	`commission_fen` integer NOT NULL,
	`net_fen` integer NOT NULL,
	`fee_rate_bp` integer NOT NULL,
	`commission_rate_bp` integer NOT NULL,
	`status` text DEFAULT 'issued' NOT NULL,
	`bank_reference` text,
	`paid_at` integer,
	`created_by_user_id` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`cooperative_id`) REFERENCES `organization`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `settlements_coop_period_idx` ON `settlements` (`cooperative_id`,`period_start`,`period_end`);--> statement-breakpoint
CREATE INDEX `settlements_status_idx` ON `settlements` (`status`,`created_at`);--> statement-breakpoint
CREATE TABLE `sales_daily` (
	`day` text NOT NULL,
	`cooperative_id` text NOT NULL,
	`county_id` text NOT NULL,
	`district_id` text DEFAULT '' NOT NULL,
	`category` text NOT NULL,
	`sales_fen` integer DEFAULT 0 NOT NULL,
	`refunds_fen` integer DEFAULT 0 NOT NULL,
	`orders` integer DEFAULT 0 NOT NULL,
	`units` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `cooperative_id`, `category`)
);
--> statement-breakpoint
CREATE INDEX `sales_daily_county_idx` ON `sales_daily` (`county_id`,`day`);--> statement-breakpoint
CREATE INDEX `sales_daily_district_idx` ON `sales_daily` (`district_id`,`day`);