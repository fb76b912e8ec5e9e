import { defineConfig } from 'drizzle-kit';

// Migrations are applied by wrangler (`wrangler d1 migrations apply`), never by drizzle-kit push/migrate.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/schema/index.ts',
  out: './migrations',
  casing: 'snake_case',
});
