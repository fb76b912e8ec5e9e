/** Part of the composition root: the scheduled jobs every domain offers, run by the worker's cron trigger. */
import type { Bindings } from '../env';
import { composeDomains } from '../compose';
import { createDb } from '../db/client';
import type { Job } from '../lib/jobs';
import { assumeReceiptJob } from '../fulfilment';
import { expireUnpaidOrders } from '../orders';
import { groupBuyJobs } from '../group-buys';
import { markOverdueInvoices } from '../procurement';
import { placeStandingOrders } from '../procurement';

export type { Job };

export const jobs: Job[] = [expireUnpaidOrders, assumeReceiptJob, markOverdueInvoices, placeStandingOrders, ...groupBuyJobs];

export async function runScheduledJobs(env: Bindings, now = Date.now()): Promise<Record<string, number>> {
  composeDomains();
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
  return results;
}
