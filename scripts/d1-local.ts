/**
 * The local D1 database from the command line, quietly: migrations, backup, restore, and a checked round trip.
 *
 *   npm run db:migrate                                 # apply migrations to .wrangler/state, one summary line
 *   npm run db:backup -- [--out backups/x.sql]         # export the local database to one SQL file
 *   npm run db:restore -- backups/x.sql --persist-to d # restore that file into a fresh database under d
 *   npm run db:verify-backup                           # export, restore into a scratch database, compare row counts
 *
 * Every command takes `--persist-to <dir>` for a database other than .wrangler/state (as wrangler dev does).
 *
 * Why not plain `wrangler d1 export`: it refuses any database holding a virtual table ("cannot export databases
 * with Virtual Tables (fts5)"), and ours has the product search index (migration 0001). The backup exports a
 * scratch copy with the index dropped, then appends the index's own migration and a rebuild: the index is
 * derived from products.search_tokens, so nothing is lost. Tables and rows come first in the file, indexes and
 * triggers after them (wrangler's order), so restoring does not fire the rollup triggers a second time.
 * For the deployed database use D1 Time Travel (`wrangler d1 time-travel restore DB --timestamp …`) or
 * `wrangler d1 export DB --remote` the same way (see the README).
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
// wrangler's package exports no bin path; its package.json is exported, and the bin sits beside it.
const WRANGLER_JS = path.join(path.dirname(createRequire(import.meta.url).resolve('wrangler/package.json')), 'bin/wrangler.js');
const DEFAULT_STATE = path.join(ROOT, '.wrangler/state');
const SEARCH_INDEX_MIGRATION = path.join(ROOT, 'migrations/0001_products_fts.sql');
const SEARCH_INDEX = { table: 'products_fts', triggers: ['products_fts_after_insert', 'products_fts_after_delete', 'products_fts_after_update'] };

type Run = { status: number; output: string };

/** Runs wrangler with Node 22 (the one running this script), capturing its chatter; the caller decides what to show. */
function wrangler(args: string[], cwd = ROOT): Run {
  const result = spawnSync(process.execPath, [WRANGLER_JS, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false' },
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: result.status ?? 1, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

function mustRun(what: string, args: string[], cwd = ROOT): string {
  const run = wrangler(args, cwd);
  if (run.status !== 0) throw new Error(`${what} failed (wrangler ${args.join(' ')}):\n${run.output}`);
  return run.output;
}

const persistArgs = (persistTo?: string) => (persistTo ? ['--persist-to', persistTo] : []);

/** Applies the migrations; one line instead of wrangler's status table after every migration. */
export function applyMigrations(persistTo?: string): string {
  const output = mustRun('Applying migrations', ['d1', 'migrations', 'apply', 'DB', '--local', ...persistArgs(persistTo)]);
  const applied = [...output.matchAll(/│ (\d{4}_[\w-]+\.sql)\s*│ ✅/g)].map((m) => m[1]!);
  const names = [...new Set(applied)];
  const total = readdirSync(path.join(ROOT, 'migrations')).filter((f) => f.endsWith('.sql')).length;
  if (names.length === 0) return `D1 (local): up to date, ${total} migrations`;
  return `D1 (local): applied ${names.length} of ${total} migrations (${names[0]} … ${names[names.length - 1]})`;
}

/** Runs SQL and returns the rows of its last statement (wrangler's --json answer). */
function query<T>(sql: string, persistTo: string | undefined, cwd = ROOT): T[] {
  const output = mustRun('Query', ['d1', 'execute', 'DB', '--local', ...persistArgs(persistTo), '--json', '--command', sql], cwd);
  const answers = JSON.parse(output.slice(output.indexOf('['))) as Array<{ results: T[] }>;
  return answers[answers.length - 1]?.results ?? [];
}

/** Every table's row count, the search index included (by its own count, which reads the index). */
export function rowCounts(persistTo: string | undefined, cwd = ROOT): Record<string, number> {
  const tables = query<{ name: string }>(
    "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'products_fts_%' ORDER BY name",
    persistTo,
    cwd,
  ).map((row) => row.name);
  // One row, a column per table (D1 caps compound SELECTs far below our table count).
  const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const select = `SELECT ${tables.map((name) => `(SELECT count(*) FROM ${quoted(name)}) AS ${quoted(name)}`).join(', ')}`;
  return query<Record<string, number>>(select, persistTo, cwd)[0] ?? {};
}

/** A throwaway project directory whose .wrangler/state is a copy of the given state: `d1 export` knows no --persist-to. */
function scratchProject(state: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'shanhai-d1-'));
  copyFileSync(path.join(ROOT, 'wrangler.toml'), path.join(dir, 'wrangler.toml'));
  cpSync(path.join(ROOT, 'migrations'), path.join(dir, 'migrations'), { recursive: true });
  mkdirSync(path.join(dir, 'public'));
  cpSync(path.join(state, 'v3/d1'), path.join(dir, '.wrangler/state/v3/d1'), { recursive: true });
  return dir;
}

/**
 * wrangler writes each table followed by its rows, in the order the tables were created; a table a later
 * migration rebuilt (drizzle's copy-and-rename) comes after tables that reference it, and D1 refuses a row
 * whose foreign key names a table that does not exist yet. Every CREATE TABLE moves to the front; the rows,
 * then indexes and triggers, keep their order.
 */
export function tablesFirst(dump: string): string {
  const lines = dump.split('\n');
  const rest = lines.findIndex((line) => /^CREATE (UNIQUE INDEX|INDEX|TRIGGER|VIEW)\b/.test(line));
  const body = rest < 0 ? lines : lines.slice(0, rest);
  const creates: string[] = [];
  const others: string[] = [];
  for (let i = 0; i < body.length; i += 1) {
    if (!body[i]!.startsWith('CREATE TABLE')) {
      others.push(body[i]!);
      continue;
    }
    // A CREATE TABLE runs to the first line ending in ';' (column definitions hold none).
    let end = i;
    while (end < body.length - 1 && !body[end]!.trimEnd().endsWith(';')) end += 1;
    creates.push(...body.slice(i, end + 1));
    i = end;
  }
  const pragmas = others.filter((line) => line.startsWith('PRAGMA'));
  const statements = others.filter((line) => !line.startsWith('PRAGMA'));
  return [...pragmas, ...creates, ...statements, ...(rest < 0 ? [] : lines.slice(rest))].join('\n');
}

/** Exports the local database (at persistTo, or .wrangler/state) to one SQL file that restores it completely. */
export function backupLocal(options: { persistTo?: string; out: string }): void {
  const state = options.persistTo ?? DEFAULT_STATE;
  if (!existsSync(path.join(state, 'v3/d1'))) throw new Error(`No local D1 database under ${state} (run npm start or npm run db:migrate first)`);
  const scratch = scratchProject(state);
  try {
    const drop = [...SEARCH_INDEX.triggers.map((t) => `DROP TRIGGER IF EXISTS ${t};`), `DROP TABLE IF EXISTS ${SEARCH_INDEX.table};`].join(' ');
    mustRun('Dropping the search index in the scratch copy', ['d1', 'execute', 'DB', '--local', '--command', drop], scratch);
    mkdirSync(path.dirname(path.resolve(options.out)), { recursive: true });
    mustRun('Export', ['d1', 'export', 'DB', '--local', '--output', path.resolve(options.out)], scratch);
    writeFileSync(options.out, tablesFirst(readFileSync(options.out, 'utf8')));
    const index = readFileSync(SEARCH_INDEX_MIGRATION, 'utf8').replace(/^--> statement-breakpoint$/gm, '');
    appendFileSync(options.out, `\n-- The product search index (migration 0001), rebuilt from products.search_tokens.\n${index}\nINSERT INTO products_fts(products_fts) VALUES('rebuild');\n`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Restores a backup into a fresh database at persistTo (refuses one that already has tables). */
export function restoreLocal(options: { file: string; persistTo: string }): void {
  if (existsSync(path.join(options.persistTo, 'v3/d1'))) {
    const tables = query<{ n: number }>("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE '_cf_%'", options.persistTo);
    if ((tables[0]?.n ?? 0) > 0) throw new Error(`${options.persistTo} already holds a database: restore into a fresh directory`);
  }
  mustRun('Restore', ['d1', 'execute', 'DB', '--local', '--persist-to', options.persistTo, '--yes', '--file', path.resolve(options.file)]);
}

/** Backup → restore into a scratch database → the same row count in every table. Returns the differences. */
export function verifyBackup(persistTo?: string): { tables: number; rows: number; differences: string[] } {
  const work = mkdtempSync(path.join(tmpdir(), 'shanhai-backup-'));
  try {
    const before = rowCounts(persistTo);
    const file = path.join(work, 'backup.sql');
    backupLocal({ persistTo, out: file });
    const restoredAt = path.join(work, 'restored');
    restoreLocal({ file, persistTo: restoredAt });
    const after = rowCounts(restoredAt);
    const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    const differences = names.filter((name) => before[name] !== after[name]).map((name) => `${name}: ${before[name] ?? 'missing'} before, ${after[name] ?? 'missing'} restored`);
    return { tables: names.length, rows: Object.values(before).reduce((sum, n) => sum + n, 0), differences };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

function main(argv: string[]): number {
  const [command, ...args] = argv;
  const persistTo = option(args, '--persist-to');
  switch (command) {
    case 'migrate':
      console.log(applyMigrations(persistTo));
      return 0;
    case 'backup': {
      const out = option(args, '--out') ?? path.join(ROOT, 'backups', `shanhai-${new Date().toISOString().replace(/[:.]/g, '-')}.sql`);
      backupLocal({ persistTo, out });
      console.log(`D1 (local) backed up to ${path.relative(process.cwd(), out) || out}`);
      return 0;
    }
    case 'restore': {
      const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--persist-to');
      if (!file || !persistTo) {
        console.error('usage: npm run db:restore -- <backup.sql> --persist-to <fresh directory>\n(then start with: npx wrangler dev --persist-to <that directory>)');
        return 2;
      }
      restoreLocal({ file, persistTo });
      const counts = rowCounts(persistTo);
      console.log(`restored ${Object.values(counts).reduce((s, n) => s + n, 0)} rows in ${Object.keys(counts).length} tables into ${persistTo}`);
      return 0;
    }
    case 'verify-backup': {
      const result = verifyBackup(persistTo);
      if (result.differences.length) {
        console.error(`backup round trip differs in ${result.differences.length} table(s):\n  ${result.differences.join('\n  ')}`);
        return 1;
      }
      console.log(`backup round trip: ${result.rows} rows in ${result.tables} tables, identical counts after restore`);
      return 0;
    }
    default:
      console.error('usage: tsx scripts/d1-local.ts migrate|backup|restore|verify-backup [--persist-to dir]');
      return 2;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
