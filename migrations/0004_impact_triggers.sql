-- The impact report's derived data, kept by the database itself (see src/db/schema/impact.ts):
-- 1. sales_monthly follows sales_daily: every insert, update and delete of a daily row adds its
--    difference to the row of its month. Upserts on sales_daily fire the INSERT or the UPDATE
--    trigger, so the payment, refund, county-move and rebuild batches need nothing more.
-- 2. impact_state.version takes a new random value on every such write, whenever a cooperative's
--    households change and whenever a district or county is added, renamed, moved or removed, so the
--    report can cache its figures and names per version and never serve stale ones.
INSERT INTO impact_state (id, version) VALUES (1, random());
--> statement-breakpoint
CREATE TRIGGER `sales_daily_after_insert` AFTER INSERT ON `sales_daily` BEGIN
  INSERT INTO sales_monthly (month, cooperative_id, county_id, district_id, category, sales_fen, refunds_fen, orders, category_orders, units)
  VALUES (substr(new.day, 1, 7), new.cooperative_id, new.county_id, new.district_id, new.category, new.sales_fen, new.refunds_fen, new.orders, new.category_orders, new.units)
  ON CONFLICT (month, cooperative_id, category) DO UPDATE SET
    sales_fen = sales_fen + excluded.sales_fen,
    refunds_fen = refunds_fen + excluded.refunds_fen,
    orders = orders + excluded.orders,
    category_orders = category_orders + excluded.category_orders,
    units = units + excluded.units,
    county_id = excluded.county_id,
    district_id = excluded.district_id;
  UPDATE impact_state SET version = random() WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sales_daily_after_update` AFTER UPDATE ON `sales_daily` BEGIN
  UPDATE sales_monthly SET
    sales_fen = sales_fen - old.sales_fen,
    refunds_fen = refunds_fen - old.refunds_fen,
    orders = orders - old.orders,
    category_orders = category_orders - old.category_orders,
    units = units - old.units
  WHERE month = substr(old.day, 1, 7) AND cooperative_id = old.cooperative_id AND category = old.category;
  INSERT INTO sales_monthly (month, cooperative_id, county_id, district_id, category, sales_fen, refunds_fen, orders, category_orders, units)
  VALUES (substr(new.day, 1, 7), new.cooperative_id, new.county_id, new.district_id, new.category, new.sales_fen, new.refunds_fen, new.orders, new.category_orders, new.units)
  ON CONFLICT (month, cooperative_id, category) DO UPDATE SET
    sales_fen = sales_fen + excluded.sales_fen,
    refunds_fen = refunds_fen + excluded.refunds_fen,
    orders = orders + excluded.orders,
    category_orders = category_orders + excluded.category_orders,
    units = units + excluded.units,
    county_id = excluded.county_id,
    district_id = excluded.district_id;
  UPDATE impact_state SET version = random() WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sales_daily_after_delete` AFTER DELETE ON `sales_daily` BEGIN
  UPDATE sales_monthly SET
    sales_fen = sales_fen - old.sales_fen,
    refunds_fen = refunds_fen - old.refunds_fen,
    orders = orders - old.orders,
    category_orders = category_orders - old.category_orders,
    units = units - old.units
  WHERE month = substr(old.day, 1, 7) AND cooperative_id = old.cooperative_id AND category = old.category;
  UPDATE impact_state SET version = random() WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `organization_households_impact_version` AFTER UPDATE OF households_benefited ON `organization` BEGIN
  UPDATE impact_state SET version = random() WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `districts_after_insert_impact_version` AFTER INSERT ON `districts` BEGIN
  UPDATE impact_state SET version = random() WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `districts_after_update_impact_version` AFTER UPDATE ON `districts` BEGIN
  UPDATE impact_state SET version = random() WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `districts_after_delete_impact_version` AFTER DELETE ON `districts` BEGIN
  UPDATE impact_state SET version = random() WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `counties_after_insert_impact_version` AFTER INSERT ON `counties` BEGIN
  UPDATE impact_state SET version = random() WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `counties_after_update_impact_version` AFTER UPDATE ON `counties` BEGIN
  UPDATE impact_state SET version = random() WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `counties_after_delete_impact_version` AFTER DELETE ON `counties` BEGIN
  UPDATE impact_state SET version = random() WHERE id = 1;
END;
--> statement-breakpoint
-- Databases that already hold daily rows get their months.
INSERT INTO sales_monthly (month, cooperative_id, county_id, district_id, category, sales_fen, refunds_fen, orders, category_orders, units)
SELECT substr(day, 1, 7), cooperative_id, MAX(county_id), MAX(district_id), category, SUM(sales_fen), SUM(refunds_fen), SUM(orders), SUM(category_orders), SUM(units)
FROM sales_daily WHERE true GROUP BY substr(day, 1, 7), cooperative_id, category
ON CONFLICT (month, cooperative_id, category) DO NOTHING;
