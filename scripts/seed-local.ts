/**
 * `npm run seed`: writes the seed SQL and applies it through wrangler.
 *   --remote              the Cloudflare D1 database (npm run seed:remote)
 *   --persist-to <dir>    a local D1 kept in <dir> (used by the browser tests' throwaway database)
 *   (default)             the local D1 that `npm start` / `wrangler dev` use
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildGroupBuyDemoStatements } from '../seeds/group-buys';
import { buildSeedStatements } from '../seeds/seed';

function targetArgs(argv: string[]): string[] {
  if (argv.includes('--remote')) return ['--remote'];
  const at = argv.indexOf('--persist-to');
  if (at !== -1) {
    const dir = argv[at + 1];
    if (!dir) throw new Error('--persist-to needs a directory');
    return ['--local', '--persist-to', dir];
  }
  return ['--local'];
}

const target = targetArgs(process.argv.slice(2));
// The demo group buys are dated from now, so only this seed (not the unit tests' fixed one) writes them.
const statements = [...(await buildSeedStatements()), ...buildGroupBuyDemoStatements()];
// A private file per run, so two seeds at once (npm start and the browser tests) never share one.
const dir = mkdtempSync(path.join(tmpdir(), 'shanhai-seed-'));
const file = path.join(dir, 'seed.sql');
try {
  writeFileSync(file, statements.join('\n') + '\n');
  // wrangler prints one result object per statement; keep that to itself unless something fails.
  try {
    execFileSync('npx', ['wrangler', 'd1', 'execute', 'DB', ...target, '--file', file, '--yes'], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    process.stderr.write(`${stdout ?? ''}${stderr ?? ''}`);
    throw error;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`Seeded ${statements.length} statements (${target.join(' ')}).`);
