/** Part of the composition root: the scheduled jobs every domain offers, run by the worker's cron trigger. */
import type { Bindings } from '../env';
import { composeDomains } from '../compose';
import { createDb } from '../db/client';
import type { Job } from '../lib/jobs';
import { assumeReceiptJob } from '../fulfilment';
import { expireUnpaidOrders } from '../orders';
import { groupBuyJobs, pickupReminderJob } from '../group-buys';
import { markOverdueInvoices, placeStandingOrders, remindInvoicesDueSoon } from '../procurement';
import { queryUnnotifiedPayments, reconcileStatements } from '../payments';
import { messageOutboxJob } from '../messages';
import { appOrigin, publishDataVersions } from '../lib/public-cache';

export type { Job };

// The outbox sweep runs last so it enqueues what the jobs before it wrote in the same tick.
export const jobs: Job[] = [
  queryUnnotifiedPayments,
  expireUnpaidOrders,
  assumeReceiptJob,
  markOverdueInvoices,
  remindInvoicesDueSoon,
  placeStandingOrders,
  reconcileStatements,
  ...groupBuyJobs,
  pickupReminderJob,
  messageOutboxJob,
];

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
  // Jobs change stock and sales (expiry, group-buy closing): cached public reads must move to the new versions.
  await publishDataVersions(appOrigin(env.APP_URL), env.DB);
  return results;
}
