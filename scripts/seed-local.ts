/** `npm run seed`: writes the seed SQL and applies it to the local D1 through wrangler. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { buildSeedStatements } from '../seeds/seed';

const target = process.argv.includes('--remote') ? '--remote' : '--local';
const statements = await buildSeedStatements();
mkdirSync('.wrangler', { recursive: true });
const file = '.wrangler/seed.sql';
writeFileSync(file, statements.join('\n') + '\n');
execFileSync('npx', ['wrangler', 'd1', 'execute', 'DB', target, '--file', file, '--yes'], { stdio: 'inherit' });
console.log(`Seeded ${statements.length} statements (${target}).`);
