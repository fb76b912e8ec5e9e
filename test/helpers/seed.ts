import { env } from 'cloudflare:workers';
import { buildSeedStatements } from '../../seeds/seed';

let cached: string[] | undefined;

/** Applies the same seed as `npm start` to this test file's isolated D1. */
export async function seedDatabase(): Promise<void> {
  cached ??= await buildSeedStatements();
  // D1 batches are limited in size; apply in chunks.
  for (let i = 0; i < cached.length; i += 50) {
    await env.DB.batch(cached.slice(i, i + 50).map((sql) => env.DB.prepare(sql)));
  }
}
