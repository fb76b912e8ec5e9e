/**
 * Browser journeys in headless Chromium against `wrangler dev`: `npm run test:e2e` (also run by .ci/run).
 *
 * What it does: picks free ports, creates a throwaway persistence directory, applies the migrations and
 * the seed to it, starts `wrangler dev` on 127.0.0.1, waits for /healthz, runs every journey in
 * test/e2e/journeys/*.ts one after another — each at a phone (390×844) and a desktop (1280×800) size —
 * prints `N passed, M failed`, stops the server and exits non-zero if anything failed. Screenshots
 * (and the dev server's log) go to test-results/.
 *
 * Adding a journey: create test/e2e/journeys/<name>.ts with
 *
 *   import type { Journey } from '../support';
 *   const journey: Journey = async ({ browser, baseUrl, viewport }) => {
 *     const page = await newPage(browser);          // from ../support: sized to `viewport`, zh-CN
 *     await page.goto(`${baseUrl}/...`);
 *     assert.equal(...);                              // node:assert/strict; throwing fails the journey
 *     await screenshot(page, '<name>-step');          // from ../support, saved as test-results/<...>-<viewport>.png
 *   };
 *   export default journey;
 *
 * The runner runs it once per viewport (`<name> @phone`, `<name> @desktop`); a journey that checks both
 * sizes itself exports `export const viewports = 'self'` and runs once. Sign in with the helpers in
 * ../support (signInThroughPage, signInContext, bearerToken): they keep the whole run under Better
 * Auth's 5 sign-ins a minute (one IP, 127.0.0.1) and reuse a demo account's session across journeys.
 *
 * Nothing else to register. Every journey sees the same freshly seeded database, in file-name order,
 * so a journey must not rely on another's leftovers. Its browser contexts are closed after it runs; on
 * failure every open page is screenshotted first. `npm run test:e2e -- <word>` runs only the journeys
 * whose file name contains <word> (`-- phone` or `-- desktop` only that size).
 *
 * Needs Debian's Chromium at /usr/bin/chromium (`apt-get install -y chromium`); Playwright never
 * downloads a browser here.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { applyMigrations, verifyBackup } from '../../scripts/d1-local';
import { startFakeProviders, type FakeProviders } from './fake-providers';
import { CHROMIUM_PATH, RESULTS_DIR, screenshot, useViewport, VIEWPORTS, type Journey, type Viewport } from './support';

const ROOT = path.resolve(import.meta.dirname, '../..');
const JOURNEYS_DIR = path.join(import.meta.dirname, 'journeys');
export const WRANGLER = path.join(ROOT, 'node_modules/.bin/wrangler');
/** Generous: a journey may wait up to a minute for a sign-in slot. */
const JOURNEY_TIMEOUT_MS = 150_000;

/** Flags for Debian's Chromium in a container; Playwright adds --headless and a fresh temporary --user-data-dir itself. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
  if (result.status !== 0) throw new Error(`${path.basename(command)} ${args.join(' ')} exited with ${result.status}`);
}

export async function waitForHealth(baseUrl: string, server: ChildProcess, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`wrangler dev exited with ${server.exitCode}; see test-results/wrangler-dev.log`);
    try {
      const res = await fetch(`${baseUrl}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${baseUrl}/healthz did not answer within ${timeoutMs / 1000} s; see test-results/wrangler-dev.log`);
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

export function startServer(port: number, inspectorPort: number, persistTo: string, vars: Record<string, string> = {}): ChildProcess {
  const log = createWriteStream(path.join(RESULTS_DIR, 'wrangler-dev.log'));
  const server = spawn(
    WRANGLER,
    [
      'dev',
      '--port', String(port),
      '--ip', '127.0.0.1',
      '--inspector-port', String(inspectorPort),
      '--persist-to', persistTo,
      '--var', `APP_URL:http://127.0.0.1:${port}`,
      ...Object.entries(vars).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
      // /__scheduled fires the Cron Trigger by hand (the pickup reminder journey runs the jobs once).
      '--test-scheduled',
      '--show-interactive-dev-session=false',
      '--live-reload=false',
      '--log-level', 'warn',
    ],
    // Its own process group, so stopping it also stops workerd.
    { cwd: ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  server.stdout?.pipe(log);
  server.stderr?.pipe(log);
  return server;
}

export async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.pid === undefined) return;
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-server.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 5000);
  await exited;
  clearTimeout(timer);
}

/** The backup round trip runs after a full run, or when asked for by name (`npm run test:e2e -- backup`). */
function backupCheckWanted(filter: string[]): boolean {
  const words = filter.filter((word) => !VIEWPORTS.some((v) => v.name === word));
  return words.length === 0 || words.includes('backup');
}

function journeyFiles(filter: string[]): string[] {
  const words = filter.filter((word) => !VIEWPORTS.some((v) => v.name === word));
  return readdirSync(JOURNEYS_DIR)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .filter((file) => words.length === 0 || words.some((word) => file.includes(word)))
    .sort();
}

type JourneyModule = { default?: Journey; viewports?: 'self' | 'each'; fakeProviders?: boolean };

/** The runs of one journey file: once per viewport, or once when it covers both sizes itself. */
function runsOf(module: JourneyModule, filter: string[]): Viewport[] {
  if (module.viewports === 'self') return [VIEWPORTS[0]!];
  const chosen = VIEWPORTS.filter((v) => filter.includes(v.name));
  return chosen.length ? chosen : [...VIEWPORTS];
}

function withTimeout<T>(promise: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function loadJourney(file: string): Promise<JourneyModule> {
  return (await import(pathToFileURL(path.join(JOURNEYS_DIR, file)).href)) as JourneyModule;
}

async function runJourney(browser: Browser, baseUrl: string, file: string, module: JourneyModule, viewport: Viewport, label: string): Promise<boolean> {
  const name = label;
  const started = Date.now();
  try {
    if (typeof module.default !== 'function') throw new Error(`${file} has no default export function`);
    useViewport(viewport);
    await withTimeout(module.default({ browser, baseUrl, viewport }), JOURNEY_TIMEOUT_MS, name);
    console.log(`  ✓ ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return true;
  } catch (error) {
    console.log(`  ✗ ${name}\n${String((error as Error)?.stack ?? error).replace(/^/gm, '      ')}`);
    let index = 0;
    for (const context of browser.contexts()) {
      for (const page of context.pages()) {
        index += 1;
        await screenshot(page, `${name.replace(/\W+/g, '-')}-failure-${index}`).catch(() => undefined);
      }
    }
    return false;
  } finally {
    await Promise.all(browser.contexts().map((context) => context.close().catch(() => undefined)));
  }
}

async function main(): Promise<number> {
  const filter = process.argv.slice(2);
  if (!existsSync(CHROMIUM_PATH)) {
    console.error(`No Chromium at ${CHROMIUM_PATH}: run \`apt-get update && apt-get install -y chromium\` first.`);
    return 1;
  }
  const files = journeyFiles(filter);
  if (files.length === 0 && !(filter.includes('backup'))) {
    console.error(`No journeys in test/e2e/journeys${filter.length ? ` matching ${filter.join(', ')}` : ''}.`);
    return 1;
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  const persistTo = mkdtempSync(path.join(tmpdir(), 'shanhai-e2e-'));
  // Three ports picked before any is bound: each must differ from the others, or the later bind fails (EADDRINUSE).
  const [port, inspectorPort, fakeProvidersPort] = await distinctFreePorts(3);
  const baseUrl = `http://127.0.0.1:${port}`;
  let server: ChildProcess | undefined;
  let fakeProviders: FakeProviders | undefined;
  let browser: Browser | undefined;
  let passed = 0;
  let failed = 0;
  try {
    console.log(`Preparing a fresh database in ${persistTo}`);
    console.log(applyMigrations(persistTo));
    run(path.join(ROOT, 'node_modules/.bin/tsx'), ['scripts/seed-local.ts', '--persist-to', persistTo]);
    // A journey exporting `fakeProviders = true` gets WeChat Pay and Alipay on loopback (test/e2e/fake-providers.ts),
    // configured into wrangler dev; process.env.FAKE_PROVIDERS_URL tells it where.
    const wanted = await Promise.all(files.map((file) => loadJourney(file).then((m) => m.fakeProviders === true, () => false)));
    if (wanted.some(Boolean)) {
      fakeProviders = await startFakeProviders(fakeProvidersPort);
      process.env.FAKE_PROVIDERS_URL = fakeProviders.url;
    }
    server = startServer(port, inspectorPort, persistTo, fakeProviders?.vars);
    await waitForHealth(baseUrl, server);
    console.log(`wrangler dev is up at ${baseUrl}; running ${files.length} journey(s)`);
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
    for (const file of files) {
      const name = file.replace(/\.ts$/, '');
      let module: JourneyModule;
      try {
        module = await loadJourney(file);
      } catch (error) {
        console.log(`  ✗ ${name} (does not load)\n${String((error as Error)?.stack ?? error).replace(/^/gm, '      ')}`);
        failed += 1;
        continue;
      }
      for (const viewport of runsOf(module, filter)) {
        const label = module.viewports === 'self' ? name : `${name} @${viewport.name}`;
        if (await runJourney(browser, baseUrl, file, module, viewport, label)) passed += 1;
        else failed += 1;
      }
    }
    // The database the journeys wrote to, backed up and restored into a fresh one: every table's row count must match.
    await browser?.close().catch(() => undefined);
    if (server) await stopServer(server);
    server = undefined;
    if (backupCheckWanted(filter)) {
      const started = Date.now();
      const backup = verifyBackup(persistTo);
      if (backup.differences.length) {
        console.log(`  ✗ backup-restore\n      ${backup.differences.join('\n      ')}`);
        failed += 1;
      } else {
        console.log(`  ✓ backup-restore: ${backup.rows} rows in ${backup.tables} tables, same counts after restore (${((Date.now() - started) / 1000).toFixed(1)} s)`);
        passed += 1;
      }
    }
  } catch (error) {
    console.error(`Setup failed: ${(error as Error).message}`);
    failed += 1;
  } finally {
    await browser?.close().catch(() => undefined);
    if (server) await stopServer(server);
    await fakeProviders?.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

// Imported by test/e2e/lighthouse.ts for its server helpers: only run the journeys when started directly.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = await main();
