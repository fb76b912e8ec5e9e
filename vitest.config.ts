import path from 'node:path';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

export default defineConfig(async () => {
  // The real drizzle-kit migrations, applied to each test run's local D1 by test/setup/apply-migrations.ts.
  const migrations = await readD1Migrations(path.join(import.meta.dirname, 'migrations'));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          bindings: { TEST_MIGRATIONS: migrations, APP_URL: 'http://localhost:8787' },
        },
      }),
    ],
    test: {
      include: ['test/**/*.test.ts'],
      exclude: ['test/e2e/**', 'test/bench/**', 'node_modules/**'],
      setupFiles: ['./test/setup/apply-migrations.ts'],
      // Two files at a time: one file's workerd start-up and migrations are mostly waiting, so on 2 cores the
      // default (cores - 1 = one file at a time) leaves a core idle for most of the run.
      maxWorkers: 2,
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  };
});
