-- catalog_state.version takes a new random value on every write to what a public catalog read shows:
-- products (price, stock, status, sold count...), their photos, cooperatives, counties and districts.
-- A trigger runs inside the writing statement, so the bump is part of that write's own batch and
-- rolls back with it. Public reads are cached per version (src/lib/public-cache.ts); same mechanism
-- as impact_state (migration 0004).
INSERT INTO catalog_state (id, version) VALUES (1, random());
--> statement-breakpoint
CREATE TRIGGER `products_catalog_version_after_insert` AFTER INSERT ON `products` BEGIN
  UPDATE catalog_state SET version = random() WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `products_catalog_version_after_update` AFTER UPDATE ON `products` BEGIN
  UPDATE catalog_state SET version = random() WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `products_catalog_version_after_delete` AFTER DELETE ON `products` BEGIN
  UPDATE catalog_state SET version = random() WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `product_images_catalog_version_after_insert` AFTER INSERT ON `product_images` BEGIN
  UPDATE catalog_state SET version = random() WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `product_images_catalog_version_after_update` AFTER UPDATE ON `product_images` BEGIN
  UPDATE catalog_state SET version = random() WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `product_images_catalog_version_after_delete` AFTER DELETE ON `product_images` BEGIN
  UPDATE catalog_state SET version = random() WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `counties_catalog_version_after_insert` AFTER INSERT ON `counties` BEGIN
  UPDATE catalog_state SET version = random() WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `counties_catalog_version_after_update` AFTER UPDATE ON `counties` BEGIN
  UPDATE catalog_state SET version = random() WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `counties_catalog_version_after_delete` AFTER DELETE ON `counties` BEGIN
  UPDATE catalog_state SET version = random() WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `districts_catalog_version_after_insert` AFTER INSERT ON `districts` BEGIN
  UPDATE catalog_state SET version = random() WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `districts_catalog_version_after_update` AFTER UPDATE ON `districts` BEGIN
  UPDATE catalog_state SET version = random() WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `districts_catalog_version_after_delete` AFTER DELETE ON `districts` BEGIN
  UPDATE catalog_state SET version = random() WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `organization_catalog_version_after_insert` AFTER INSERT ON `organization` WHEN new.kind = 'cooperative' BEGIN
  UPDATE catalog_state SET version = random() WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `organization_catalog_version_after_update` AFTER UPDATE ON `organization` WHEN new.kind = 'cooperative' OR old.kind = 'cooperative' BEGIN
  UPDATE catalog_state SET version = random() WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `organization_catalog_version_after_delete` AFTER DELETE ON `organization` WHEN old.kind = 'cooperative' BEGIN
  UPDATE catalog_state SET version = random() WHERE id = 1;
END;
