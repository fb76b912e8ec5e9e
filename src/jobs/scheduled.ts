import type { Bindings } from '../env';
import { createDb, type Db } from '../db/client';
import { assumeReceiptJob } from '../fulfilment/jobs';
import { expireUnpaidOrders } from '../orders/expiry.job';
import { groupBuyJobs } from '../group-buys/group-buys.jobs';
import { pickupReminderJob } from '../group-buys/group-buys.reminders';
import { markOverdueInvoices, remindInvoicesDueSoon } from '../procurement/invoices.service';
import { messageOutboxJob } from '../messages';

/** A scheduled job: idempotent and safe to run twice or concurrently. Returns how many rows it changed. */
export type Job = { name: string; run: (db: Db, env: Bindings, now: number) => Promise<number> };

// The outbox sweep runs last so it enqueues what the jobs before it wrote in the same tick.
export const jobs: Job[] = [expireUnpaidOrders, assumeReceiptJob, markOverdueInvoices, remindInvoicesDueSoon, ...groupBuyJobs, pickupReminderJob, messageOutboxJob];

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
  return results;
}
