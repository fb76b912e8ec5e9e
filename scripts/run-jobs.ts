/**
 * Runs the scheduled jobs once against a running `npm start` (or `npm run dev`): wrangler dev is started with
 * `--test-scheduled`, which exposes `/__scheduled` to fire the Cron Trigger by hand. Group buys close at
 * their deadline, unpaid orders expire and invoices go overdue only through this handler.
 *
 *   npm run jobs                 # http://localhost:8787
 *   npm run jobs -- http://127.0.0.1:8819
 */
const base = process.argv[2] ?? 'http://localhost:8787';
const cron = '*/5 * * * *';
const url = `${base.replace(/\/$/, '')}/__scheduled?cron=${encodeURIComponent(cron)}`;
try {
  const res = await fetch(url);
  const text = await res.text();
  if (!res.ok) {
    console.error(`${res.status} from ${url}: ${text.slice(0, 200)}\nIs the dev server running with --test-scheduled (npm start does)?`);
    process.exit(1);
  }
  console.log(`scheduled jobs ran (cron "${cron}"); their results are in the dev server's log`);
} catch (error) {
  console.error(`cannot reach ${base}: start the app first (npm start). ${(error as Error).message}`);
  process.exit(1);
}
export {};
