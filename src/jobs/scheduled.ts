import type { Bindings } from '../env';
import { createDb, type Db } from '../db/client';
import { assumeReceiptJob } from '../fulfilment/jobs';
import { expireUnpaidOrders } from '../orders/expiry.job';
import { groupBuyJobs } from '../group-buys/group-buys.jobs';
import { markOverdueInvoices } from '../procurement/invoices.service';
import { appOrigin, publishDataVersions } from '../lib/public-cache';

/** A scheduled job: idempotent and safe to run twice or concurrently. Returns how many rows it changed. */
export type Job = { name: string; run: (db: Db, env: Bindings, now: number) => Promise<number> };

export const jobs: Job[] = [expireUnpaidOrders, assumeReceiptJob, markOverdueInvoices, ...groupBuyJobs];

export async function runScheduledJobs(env: Bindings, now = Date.now()): Promise<Record<string, number>> {
  const db = createDb(env.DB);
  const results: Record<string, number> = {};
  for (const job of jobs) {
    try {
      results[job.name] = await job.run(db, env, now);
    } catch (error) {
      // One failing job must not stop the others; the next tick retries it.
      console.error(`job ${job.name} failed`, error);
      results[job.name] = -1;
    }
  }
  // Jobs change stock and sales (expiry, group-buy closing): cached public reads must move to the new versions.
  await publishDataVersions(appOrigin(env.APP_URL), env.DB);
  return results;
}
