CREATE INDEX `refunds_status_updated_idx` ON `refunds` (`status`,`updated_at`);--> statement-breakpoint
CREATE INDEX `shipments_coop_created_idx` ON `shipments` (`cooperative_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `shipments_status_delivered_idx` ON `shipments` (`status`,`delivered_at`);