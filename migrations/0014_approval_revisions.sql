ALTER TABLE `purchase_approvals` ADD `revision` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `purchase_approvals` ADD `revised_at` integer;