-- Full-text index over products.search_tokens (see src/catalog/search.ts for the token scheme).
-- External-content FTS5 keyed by the products rowid, kept in sync by triggers. A later migration
-- that rebuilds the products table must end with: INSERT INTO products_fts(products_fts) VALUES('rebuild');
CREATE VIRTUAL TABLE `products_fts` USING fts5(search_tokens, content='products', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `products_fts_after_insert` AFTER INSERT ON `products` BEGIN
  INSERT INTO products_fts(rowid, search_tokens) VALUES (new.rowid, new.search_tokens);
END;
--> statement-breakpoint
CREATE TRIGGER `products_fts_after_delete` AFTER DELETE ON `products` BEGIN
  INSERT INTO products_fts(products_fts, rowid, search_tokens) VALUES ('delete', old.rowid, old.search_tokens);
END;
--> statement-breakpoint
CREATE TRIGGER `products_fts_after_update` AFTER UPDATE OF search_tokens ON `products` BEGIN
  INSERT INTO products_fts(products_fts, rowid, search_tokens) VALUES ('delete', old.rowid, old.search_tokens);
  INSERT INTO products_fts(rowid, search_tokens) VALUES (new.rowid, new.search_tokens);
END;
